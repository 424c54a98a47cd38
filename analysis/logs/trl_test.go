package logs

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// trlRow mimics the file TRL's GRPOTrainer writes with pandas: every column
// nullable, one column per reward function, a float32 one among them.
type trlRow struct {
	Mode           *string  `parquet:"mode,optional"`
	Step           *int64   `parquet:"step,optional"`
	Prompt         *string  `parquet:"prompt,optional"`
	Completion     *string  `parquet:"completion,optional"`
	AccuracyReward *float64 `parquet:"accuracy_reward,optional"`
	FormatReward   *float32 `parquet:"format_reward,optional"`
	Level          *int64   `parquet:"level,optional"`
	Advantage      *float64 `parquet:"advantage,optional"`
}

// trlOldRow is an older TRL layout: INT32 step, no mode, no advantage.
type trlOldRow struct {
	Step       int32   `parquet:"step"`
	Prompt     string  `parquet:"prompt"`
	Completion string  `parquet:"completion"`
	Reward     float64 `parquet:"reward"`
}

func writeParquet[T any](t *testing.T, path string, rows []T) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := parquet.WriteFile(path, rows); err != nil {
		t.Fatal(err)
	}
	return path
}

func trlSample(mode string, step int64, acc float64, format float32, adv float64) trlRow {
	return trlRow{Mode: ptr(mode), Step: ptr(step), Prompt: ptr("P"), Completion: ptr("C"),
		AccuracyReward: ptr(acc), FormatReward: ptr(format), Level: ptr(int64(4)), Advantage: ptr(adv)}
}

func TestReadTRL(t *testing.T) {
	out := t.TempDir()
	dir := filepath.Join(out, "completions")
	writeParquet(t, filepath.Join(dir, "train", "completions_00010.parquet"), []trlRow{
		trlSample("train", 10, 1, 0.5, 0.9),
		trlSample("train", 10, math.NaN(), 0.5, -0.9), // unscorable: NaN counts as 0
	})
	nullReward := trlSample("train", 2, 0, 0, 0)
	nullReward.AccuracyReward = nil
	writeParquet(t, filepath.Join(dir, "train", "completions_00002.parquet"), []trlRow{nullReward})
	writeParquet(t, filepath.Join(dir, "eval", "completions_00010.parquet"), []trlRow{trlSample("eval", 10, 1, 0, 0)})

	run, err := ReadRun(out)
	if err != nil {
		t.Fatal(err)
	}
	if run.Layout != TRL || len(run.Samples) != 4 {
		t.Fatalf("layout %q with %d samples, want trl with 4", run.Layout, len(run.Samples))
	}
	s := run.Samples
	if s[0].Step != 2 || s[0].Reward != 0 || s[0].Correct {
		t.Errorf("step-2 sample = %+v, want first, reward 0 (null accuracy)", s[0])
	}
	want := Sample{Source: filepath.Join(dir, "train", "completions_00010.parquet"), Pos: 0, Step: 10, Index: -1, Sample: -1,
		Level: 4, Prompt: "P", Response: "C", Reward: 1.5, Correct: true, Advantage: 0.9, HasAdvantage: true, Length: -1}
	if s[1] != want {
		t.Errorf("sample = %+v\nwant %+v", s[1], want)
	}
	if s[2].Reward != 0.5 || s[2].Correct || s[2].Advantage != -0.9 {
		t.Errorf("NaN-reward sample = %+v, want reward 0.5", s[2])
	}
	if !s[3].Eval || s[0].Eval {
		t.Error("mode column not honoured")
	}

	// Naming the reward column, and a threshold.
	got, err := ReadTRL(dir, TRLOptions{Rewards: []string{"format_reward"}, CorrectAt: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if got[1].Reward != 0.5 || !got[1].Correct || got[3].Reward != 0 || got[3].Correct {
		t.Errorf("format_reward only: %+v / %+v", got[1], got[3])
	}
}

func TestReadTRLOldLayout(t *testing.T) {
	dir := t.TempDir()
	path := writeParquet(t, filepath.Join(dir, "eval", "completions_00003.parquet"),
		[]trlOldRow{{Step: 3, Prompt: "P", Completion: "C", Reward: 1}})
	for _, p := range []string{dir, path} {
		run, err := ReadRun(p)
		if err != nil {
			t.Fatal(err)
		}
		s := run.Samples
		if run.Layout != TRL || len(s) != 1 || s[0].Step != 3 || !s[0].Correct || s[0].HasAdvantage || !s[0].Eval || s[0].Level != -1 {
			t.Errorf("%s: %+v", p, run)
		}
	}
}

func TestTRLErrors(t *testing.T) {
	nullPrompt := trlSample("train", 1, 1, 1, 1)
	nullPrompt.Prompt = nil
	type stringStep struct {
		Step       string  `parquet:"step"`
		Prompt     string  `parquet:"prompt"`
		Completion string  `parquet:"completion"`
		R          float64 `parquet:"r"`
	}
	type noCompletion struct {
		Step   int64   `parquet:"step"`
		Prompt string  `parquet:"prompt"`
		R      float64 `parquet:"r"`
	}
	type noReward struct {
		Step       int64   `parquet:"step"`
		Prompt     string  `parquet:"prompt"`
		Completion string  `parquet:"completion"`
		Advantage  float64 `parquet:"advantage"`
	}
	tests := []struct {
		name  string
		write func(path string)
		opt   TRLOptions
		want  []string
	}{
		{"null prompt", func(p string) { writeParquet(t, p, []trlRow{trlSample("train", 1, 1, 1, 1), nullPrompt}) },
			TRLOptions{}, []string{`row 1 column "prompt": null`}},
		{"string step", func(p string) { writeParquet(t, p, []stringStep{{"1", "p", "c", 1}}) },
			TRLOptions{}, []string{`column "step": file has BYTE_ARRAY`}},
		{"no completion", func(p string) { writeParquet(t, p, []noCompletion{{1, "p", 1}}) },
			TRLOptions{}, []string{`column "completion": missing from file`}},
		{"no reward", func(p string) { writeParquet(t, p, []noReward{{1, "p", "c", 0}}) },
			TRLOptions{}, []string{"no reward column"}},
		{"named reward missing", func(p string) { writeParquet(t, p, []trlRow{trlSample("train", 1, 1, 1, 1)}) },
			TRLOptions{Rewards: []string{"correctness"}}, []string{`column "correctness": missing from file (reward column)`}},
		{"named reward not float", func(p string) { writeParquet(t, p, []trlRow{trlSample("train", 1, 1, 1, 1)}) },
			TRLOptions{Rewards: []string{"level"}}, []string{`column "level": file has INT64`}},
		{"empty rewards", func(p string) { writeParquet(t, p, []trlRow{trlSample("train", 1, 1, 1, 1)}) },
			TRLOptions{Rewards: []string{}}, []string{"Rewards is empty"}},
		{"truncated file", func(p string) {
			writeParquet(t, p, []trlRow{trlSample("train", 1, 1, 1, 1)})
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o644)
		}, TRLOptions{}, []string{"not a readable Parquet file"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "completions_00001.parquet")
			tc.write(path)
			_, err := ReadTRLFile(path, tc.opt)
			wantErr(t, err, append(tc.want, path)...)
		})
	}
}

func TestTRLNestedColumn(t *testing.T) {
	type message struct {
		Role    string `parquet:"role"`
		Content string `parquet:"content"`
	}
	type chatRow struct {
		Step       int64     `parquet:"step"`
		Prompt     []message `parquet:"prompt,list"`
		Completion string    `parquet:"completion"`
		R          float64   `parquet:"r"`
	}
	path := writeParquet(t, filepath.Join(t.TempDir(), "completions_00001.parquet"),
		[]chatRow{{Step: 1, Prompt: []message{{"user", "hi"}}, Completion: "c", R: 1}})
	_, err := ReadTRLFile(path, TRLOptions{})
	wantErr(t, err, path, `column "prompt": a list or group column`)
}
