package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
)

// TestRedistillCmd builds B from a hand-made replay buffer, its control,
// and an (empty) A from a micro policy, fine-tuning a micro base on B.
func TestRedistillCmd(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	if code, out, errOut := runCLI("data", "--task", "kk", "--out", data, "--test", "3:2", "--train", "3:10", "--sft", "2:4"); code != 0 {
		t.Fatalf("data: exit %d\n%s\n%s", code, out, errOut)
	}
	base := filepath.Join(root, "base")
	if code, out, errOut := runCLI("pretrain", "--size", "micro", "--out", base, "--kk-data", data, "--words", "1000",
		"--batch", "2", "--eval=false"); code != 0 {
		t.Fatalf("pretrain: exit %d\n%s\n%s", code, out, errOut)
	}
	// A replay buffer of two steps: prompt i is answered correctly (with the
	// ground truth boxed) in step 2 only when i is even.
	train, err := dataio.ReadRL(filepath.Join(data, "rl", "train.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	runDir := filepath.Join(root, "rl")
	for step := 1; step <= 2; step++ {
		var rs []rl.Rollout
		for i, r := range train {
			ok := step == 2 && i%2 == 0
			rs = append(rs, rl.Rollout{Step: int64(step), Index: int64(i), Level: r.ExtraInfo.Level, DataSource: r.DataSource,
				Prompt: r.PromptText(), Response: `\boxed{` + r.RewardModel.GroundTruth + "}<|endoftext|>",
				GroundTruth: r.RewardModel.GroundTruth, Correct: ok})
		}
		if err := dataio.Write(rl.StepFile(runDir, rl.RolloutsDir, step), rs); err != nil {
			t.Fatal(err)
		}
	}
	common := []string{"--data", data, "--base", filepath.Join(base, "model"), "--batch", "2", "--epochs", "1", "--eval-data", ""}
	bOut := filepath.Join(root, "b")
	code, stdout, stderr := runCLI(append([]string{"redistill", "--mode", "b", "--rl-run", runDir, "--n", "3", "--out", bOut}, common...)...)
	if code != 0 || !strings.Contains(stdout, "steps 1–2") || !strings.Contains(stdout, "5 prompts → 3 kept") {
		t.Fatalf("mode b: exit %d\n%s\n%s", code, stdout, stderr)
	}
	bRows, err := dataio.ReadSFT(filepath.Join(bOut, "data", "train.parquet"))
	if err != nil || len(bRows) != 3 {
		t.Fatalf("B set: %d rows, %v", len(bRows), err)
	}
	for _, r := range bRows {
		if r.ID%2 != 0 || r.Prompt+r.Response != train[r.ID].PromptText()+`\boxed{`+r.GtAnswer+"}<|endoftext|>" {
			t.Errorf("B row %d is not prompt %d's correct rollout", r.ID, r.ID)
		}
	}
	for _, f := range []string{"data/val.parquet", "data/redistill.json", "model/model.safetensors", "metrics.parquet"} {
		if _, err := os.Stat(filepath.Join(bOut, f)); err != nil {
			t.Errorf("mode b: %v", err)
		}
	}

	ctl := filepath.Join(root, "control")
	if code, stdout, stderr := runCLI(append([]string{"redistill", "--mode", "control", "--b-set", filepath.Join(bOut, "data"),
		"--out", ctl, "--no-sft"}, common...)...); code != 0 || !strings.Contains(stdout, "3 teacher traces") {
		t.Fatalf("mode control: exit %d\n%s\n%s", code, stdout, stderr)
	}
	cRows, err := dataio.ReadSFT(filepath.Join(ctl, "data", "train.parquet"))
	if err != nil || len(cRows) != 3 {
		t.Fatalf("control set: %d rows, %v", len(cRows), err)
	}
	for i := range cRows {
		if cRows[i].Prompt != bRows[i].Prompt || cRows[i].Response == bRows[i].Response {
			t.Errorf("control row %d does not pair B's prompt with another response", i)
		}
	}

	// A set smaller than one batch is fine-tuned on in one batch of its size.
	small := filepath.Join(root, "control-small")
	args := []string{"redistill", "--mode", "control", "--b-set", filepath.Join(bOut, "data"), "--out", small,
		"--data", data, "--base", filepath.Join(base, "model"), "--batch", "8", "--epochs", "1", "--eval-data", ""}
	if code, stdout, stderr := runCLI(args...); code != 0 || !strings.Contains(stdout, "fewer than one batch of 8: batch 3") {
		t.Fatalf("control with --batch 8 on 3 rows: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if cfg, err := os.ReadFile(filepath.Join(small, "config.json")); err != nil || !strings.Contains(string(cfg), `"batch_size": 3`) {
		t.Errorf("config.json does not record batch 3 (%v):\n%s", err, cfg)
	}

	// A micro policy answers nothing right: mode a fails with a clear error and writes nothing.
	aOut := filepath.Join(root, "a")
	code, _, stderr = runCLI(append([]string{"redistill", "--mode", "a", "--policy", filepath.Join(base, "model"), "--max-new", "4",
		"--out", aOut}, common...)...)
	if code != 1 || !strings.Contains(stderr, "set is empty") {
		t.Errorf("mode a with a micro policy: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(aOut, "data")); !os.IsNotExist(err) {
		t.Errorf("mode a left %s/data behind: %v", aOut, err)
	}
	if code, _, stderr := runCLI("redistill", "--mode", "c"); code != 2 || !strings.Contains(stderr, `"c"`) {
		t.Errorf("--mode c: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI(append([]string{"redistill", "--mode", "b", "--out", filepath.Join(root, "nob")}, common...)...); code != 2 || !strings.Contains(stderr, "--rl-run") || exists(filepath.Join(root, "nob")) {
		t.Errorf("mode b without --rl-run: exit %d, %s", code, stderr)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}
