package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
)

// runCLI runs the command line in-process and returns exit code and output.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestDataKKSmall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kk")
	code, out, errOut := runCLI("data", "--task", "kk", "--out", dir,
		"--test", "4-5:5", "--train", "3-4:8", "--sft", "2:10,3:10")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"rl/train.parquet", "16", "3:8 4:8", "sft_long_cot/val.parquet"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "kk: level 3") {
		t.Errorf("no progress on stderr: %q", errOut)
	}
	train, err := dataio.ReadRL(filepath.Join(dir, "rl", "train.parquet"))
	if err != nil || len(train) != 16 {
		t.Fatalf("rl/train: %d rows, %v", len(train), err)
	}
	// Every SFT response is a correct, EOS-terminated answer under the
	// paper's reward, scored on prompt+response as the paper does.
	for _, set := range []string{"sft_short_cot", "sft_long_cot"} {
		for _, part := range []string{"train", "val"} {
			rows, err := dataio.ReadSFT(filepath.Join(dir, set, part+".parquet"))
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rows {
				if s := reward.KK(r.Prompt+r.Response, r.GtAnswer); !s.Correct {
					t.Errorf("%s/%s id %d: reward %v for its own response", set, part, r.ID, s)
				}
			}
		}
	}
	// No answer drills unless asked for.
	if _, err := os.Stat(filepath.Join(dir, "answer_drills")); !os.IsNotExist(err) {
		t.Errorf("answer_drills without --answer-drills: %v", err)
	}
	// A second run into the same directory needs --force.
	if code, _, errOut := runCLI("data", "--task", "kk", "--out", dir, "--test", "4:1", "--train", "none", "--sft", "none"); code != 1 ||
		!strings.Contains(errOut, "--force") {
		t.Errorf("rerun without --force: exit %d, %q", code, errOut)
	}
}

func TestDataArithSmall(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "arith")
	code, out, errOut := runCLI("data", "--task", "arith", "--out", dir, "--test", "1-5:4", "--train", "1-5:6", "--sft", "1-2:5")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	rows, err := dataio.ReadSFT(filepath.Join(dir, "sft_long_cot", "train.parquet"))
	if err != nil || len(rows) != 9 {
		t.Fatalf("sft_long_cot/train: %d rows, %v", len(rows), err)
	}
	for _, r := range rows {
		if s := reward.Arith(r.Prompt+r.Response, r.GtAnswer); !s.Correct {
			t.Errorf("id %d: ARITH reward %v for its own response", r.ID, s)
		}
	}
}

func TestDataBadInput(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"data", "--task", "chess"}, 2, `unknown --task "chess"`},
		{[]string{"data", "--test", "4-8"}, 2, "--test"},
		{[]string{"data", "--sft", "1:10"}, 2, "1 people"},
		{[]string{"data", "--task", "arith", "--train", "9:10"}, 2, "level 9"},
		{[]string{"data", "--template", "llama"}, 2, `"llama"`},
		{[]string{"data", "--sft-val", "1"}, 2, "fraction"},
		{[]string{"data", "--bogus"}, 2, "bogus"},
		{[]string{"data", "--out", dir + "/x", "--sft", "2:500", "--train", "none", "--test", "none"}, 1, "only 399"},
		{[]string{"nope"}, 2, `unknown command "nope"`},
		{[]string{"data", "--task", "arith", "--answer-drills", "2:10"}, 2, "kk only"},
		{[]string{"data", "--answer-drills", "1:10"}, 2, "1 people"},
		{[]string{"data", "--answer-drills", "4:10", "--name-pool", "3"}, 2, "name pool 3"},
	} {
		code, _, errOut := runCLI(tc.args...)
		if code != tc.code || !strings.Contains(errOut, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", tc.args, code, errOut, tc.code, tc.want)
		}
	}
	// Nothing was written by the failed runs.
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("failed runs left %d entries in %s", len(entries), dir)
	}
	if code, _, errOut := runCLI("data", "--help"); code != 0 || !strings.Contains(errOut, "-teacher-max-words") {
		t.Errorf("--help: exit %d, %q", code, errOut)
	}
}

// TestDataAnswerDrills: --answer-drills adds an SFT set of the boxed answer
// alone, right under the paper's reward, on puzzles outside every split, with
// one drill in 50 held out for validation.
func TestDataAnswerDrills(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "kk")
	code, out, errOut := runCLI("data", "--task", "kk", "--out", dir, "--test", "2-3:5", "--train", "2-3:8", "--sft", "2:10,3:10",
		"--answer-drills", "2:60,3:40")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "answer_drills/train.parquet") || !strings.Contains(errOut, "kk: answer_drills: 98 train, 2 val") {
		t.Errorf("summary or progress without the drills:\n%s\n%s", out, errOut)
	}
	quizzes := map[string]bool{}
	for _, f := range []string{"rl/train.parquet", "rl/test.parquet"} {
		rows, err := dataio.ReadRL(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			quizzes[r.PromptText()] = true
		}
	}
	for _, part := range []string{"train", "val"} {
		rows, err := dataio.ReadSFT(filepath.Join(dir, "answer_drills", part+".parquet"))
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			if s := reward.KK(r.Prompt+r.Response, r.GtAnswer); !s.Correct || !strings.HasPrefix(r.Response, "\nThe final answer is: ") {
				t.Errorf("%s id %d: response %q, reward %v", part, r.ID, r.Response, s)
			}
			if quizzes[r.Prompt+"\n"] || quizzes[r.Prompt] {
				t.Errorf("%s id %d: the prompt of an RL puzzle", part, r.ID)
			}
		}
	}
}
