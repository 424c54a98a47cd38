package logs

import (
	"fmt"
	"path/filepath"
	"testing"
)

const (
	qwenPrompt = "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n"
	paperLine  = `{"output": %q, "index": %s, "level": 3, "correctness": %s, "ground_truth": "A is a knight", "data_source": "kk"}`
)

// paperBuffer writes a replay-buffer directory: steps 1, 2 and 10 (to check
// numeric order), each with a group of two responses to index 5 and one to
// index 6, and a validation file of step 0.
func paperBuffer(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	line := func(resp, index, correct string) string {
		return fmt.Sprintf(paperLine, qwenPrompt+resp, index, correct) + "\n"
	}
	for _, k := range []int{10, 2, 1} {
		writeFile(t, dir, fmt.Sprintf("step_%d.jsonl", k),
			line("ok \\boxed{A is a knight}<|endoftext|>", "5", "1.0")+
				line("cut off", "5", "0")+
				"\n"+ // blank lines are skipped
				line("no<|im_end|>", "6", "false"))
	}
	writeFile(t, dir, "val_step_0.jsonl", line("v<|endoftext|>", "9.0", "true"))
	writeFile(t, dir, "notes.txt", "not a log")
	return dir
}

func TestReadPaperBuffer(t *testing.T) {
	dir := paperBuffer(t)
	run, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Layout != Paper || len(run.Samples) != 10 || run.Metrics != nil {
		t.Fatalf("layout %q, %d samples, want paper with 10", run.Layout, len(run.Samples))
	}
	var steps []int64
	for _, s := range run.Samples {
		steps = append(steps, s.Step)
	}
	if fmt.Sprint(steps) != "[1 1 1 2 2 2 10 10 10 0]" {
		t.Errorf("steps in order %v", steps)
	}
	first := Sample{Source: filepath.Join(dir, "step_1.jsonl"), Pos: 1, Step: 1, Index: 5, Sample: 0, Level: 3,
		DataSource: "kk", Prompt: qwenPrompt, Response: "ok \\boxed{A is a knight}<|endoftext|>",
		GroundTruth: "A is a knight", Reward: 1, Correct: true, Length: -1}
	if run.Samples[0] != first {
		t.Errorf("first sample = %+v\nwant %+v", run.Samples[0], first)
	}
	second, third := run.Samples[1], run.Samples[2]
	if second.Sample != 1 || second.Correct || !second.Truncated || second.Pos != 2 {
		t.Errorf("second sample = %+v, want group position 1, wrong, truncated, line 2", second)
	}
	if third.Sample != 0 || third.Truncated || third.Pos != 4 || third.Index != 6 {
		t.Errorf("third sample = %+v, want group position 0, ended by <|im_end|>, line 4", third)
	}
	val := run.Samples[9]
	if !val.Eval || val.Step != 0 || val.Index != 9 || !val.Correct {
		t.Errorf("validation sample = %+v", val)
	}
}

func TestPaperErrors(t *testing.T) {
	good := fmt.Sprintf(paperLine, "o", "1", "1")
	tests := []struct {
		name, line string
		want       []string
	}{
		{"bad json", `{"output": "x",`, []string{"line 2", "bad JSON"}},
		{"not an object", `[1, 2]`, []string{"line 2", "bad JSON"}},
		{"null", `null`, []string{"line 2", "want an object"}},
		{"missing output", `{"index": 1, "level": 3, "correctness": 1, "ground_truth": "", "data_source": ""}`,
			[]string{"line 2", `missing field "output"`}},
		{"missing level", `{"output": "", "index": 1, "correctness": 1, "ground_truth": "", "data_source": ""}`,
			[]string{`missing field "level"`}},
		{"index string", fmt.Sprintf(paperLine, "o", `"1"`, "1"), []string{"line 2", `field "index": want an integer, got a string`}},
		{"index fraction", fmt.Sprintf(paperLine, "o", "1.5", "1"), []string{`field "index": want an integer, got 1.5`}},
		{"correctness string", fmt.Sprintf(paperLine, "o", "1", `"yes"`), []string{`field "correctness": want a boolean or a number, got a string`}},
		{"output number", `{"output": 3, "index": 1, "level": 3, "correctness": 1, "ground_truth": "", "data_source": ""}`,
			[]string{`field "output": want a string, got a number`}},
		{"ground truth null", `{"output": "", "index": 1, "level": 3, "correctness": 1, "ground_truth": null, "data_source": ""}`,
			[]string{`field "ground_truth": want a string, got null`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "step_3.jsonl", good+"\n"+tc.line+"\n")
			_, err := ReadPaperFile(path)
			wantErr(t, err, append(tc.want, path)...)
			_, err = ReadRun(filepath.Dir(path))
			wantErr(t, err, path)
		})
	}
	_, err := ReadPaperFile(filepath.Join(t.TempDir(), "step_1.jsonl"))
	wantErr(t, err, "step_1.jsonl")
}

func TestPaperFileName(t *testing.T) {
	dir := t.TempDir()
	for name, want := range map[string][2]int64{"step_7.jsonl": {7, 0}, "val_step_5.jsonl": {5, 1}, "other.jsonl": {-1, 0}} {
		path := writeFile(t, dir, name, fmt.Sprintf(paperLine, "o", "1", "0"))
		s, err := ReadPaperFile(path) // no trailing newline: the last line still counts
		if err != nil || len(s) != 1 {
			t.Fatalf("%s: %v, %d samples", name, err, len(s))
		}
		if s[0].Step != want[0] || s[0].Eval != (want[1] == 1) {
			t.Errorf("%s: step %d eval %v, want %v", name, s[0].Step, s[0].Eval, want)
		}
	}
}

func TestSplitOutput(t *testing.T) {
	tests := []struct{ output, prompt, response string }{
		{qwenPrompt + "resp", qwenPrompt, "resp"},
		{"<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant", "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant", ""},
		{"<|im_start|>assistant\nA <|im_start|>assistant\nB", "<|im_start|>assistant\n", "A <|im_start|>assistant\nB"},
		{"Question:\nQ\nAnswer:\nLet's think step by step. So", "Question:\nQ\nAnswer:\nLet's think step by step.", " So"},
		{"no marker", "", "no marker"},
		{"", "", ""},
	}
	for _, tc := range tests {
		p, r := SplitOutput(tc.output)
		if p != tc.prompt || r != tc.response {
			t.Errorf("SplitOutput(%q) = %q, %q; want %q, %q", tc.output, p, r, tc.prompt, tc.response)
		}
	}
}
