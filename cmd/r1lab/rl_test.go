package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// runRLCmd calls the rl command as main's dispatcher would; usage reports a usage error (exit 2).
func runRLCmd(args ...string) (stdout, stderr string, usage bool, err error) {
	var out, errb bytes.Buffer
	err = runRL(args, &out, &errb)
	return out.String(), errb.String(), errors.As(err, new(usageError)), err
}

// TestRL runs `r1lab rl` end to end at a micro scale — K&K data from `r1lab data`, a one-layer
// random model — and checks the run directory, config.json, the resume rules and bad input.
func TestRL(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data", "kk")
	if code, out, errOut := runCLI("data", "--task", "kk", "--out", data, "--test", "4-5:2", "--train", "3:6", "--sft", "2:2"); code != 0 {
		t.Fatalf("data: exit %d\n%s\n%s", code, out, errOut)
	}
	tok, err := tokenizer.ForTasks()
	if err != nil {
		t.Fatal(err)
	}
	m, err := lm.New(lm.Config{Vocab: tok.VocabSize(), DModel: 16, Layers: 1, Heads: 2, KVHeads: 1, HeadDim: 8, FFN: 32,
		RoPEBase: 10000, MaxSeqLen: 512, NormEps: 1e-6, InitStd: 0.5, DType: dtypes.Float32}, 1)
	if err != nil {
		t.Fatal(err)
	}
	modelDir := filepath.Join(root, "runs", "init", "model")
	if err := modeldir.Save(modelDir, m, tok); err != nil {
		t.Fatal(err)
	}

	out := filepath.Join(root, "runs", "rl")
	args := []string{"--model", modelDir, "--data", data, "--out", out, "--steps", "2", "--prompts-per-step", "2",
		"--group", "4", "--max-new", "6", "--val-every", "2", "--val-limit", "2", "--kl-coef", "0.05", "--seed", "7"}
	stdout, stderr, _, err := runRLCmd(args...)
	if err != nil {
		t.Fatalf("rl: %v\n%s", err, stderr)
	}
	for _, want := range []string{"RL: 2/2 steps", "greedy validation accuracy", "policy: " + filepath.Join(out, "model")} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "rl step 2/2") || !strings.Contains(stderr, "backend:") {
		t.Errorf("stderr:\n%s", stderr)
	}

	var cfg struct {
		Model string    `json:"model"`
		RL    rl.Config `json:"rl"`
	}
	js, err := os.ReadFile(filepath.Join(out, "config.json"))
	if err != nil || json.Unmarshal(js, &cfg) != nil {
		t.Fatalf("config.json: %v\n%s", err, js)
	}
	want := rl.DefaultConfig()
	want.Steps, want.PromptsPerStep, want.MaxNewTokens, want.ValEvery, want.ValLimit, want.Seed = 2, 2, 6, 2, 2, 7
	want.GRPO.GroupSize, want.GRPO.KLCoef = 4, 0.05
	if cfg.RL != want || cfg.Model != modelDir {
		t.Errorf("config.json rl %+v\nwant %+v", cfg.RL, want)
	}
	steps, cols, err := runlog.Read(filepath.Join(out, "metrics.parquet"))
	if err != nil || !slices.Equal(steps, []int64{0, 1, 2}) || cols["critic/kl"] == nil || cols["val/test_correctness/kk"] == nil {
		t.Errorf("metrics: steps %v, %v", steps, err)
	}
	for _, f := range []string{"rollouts/step_00001.parquet", "rollouts/step_00002.parquet", "eval/step_00000.parquet",
		"eval/step_00002.parquet", "checkpoints/step_000002", "model/model.safetensors"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("missing %s: %v", f, err)
		}
	}

	// Reusing the directory needs --resume; resuming with another setting is refused.
	if _, _, usage, err := runRLCmd(args...); !usage || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("second run into %s: %v", out, err)
	}
	if stdout, _, _, err := runRLCmd(append(args, "--resume")...); err != nil || !strings.Contains(stdout, "RL: 2/2 steps") {
		t.Errorf("resume of a finished run: %v\n%s", err, stdout)
	}
	if _, _, _, err := runRLCmd(append(args, "--resume", "--lr", "1")...); err == nil || !strings.Contains(err.Error(), "another config") {
		t.Errorf("resume with another --lr: %v", err)
	}

	// Sampled validation: --val-samples alone samples at the rollout temperature.
	sampled := filepath.Join(root, "runs", "rl-sampled")
	sargs := append(slices.Clone(args), "--out", sampled, "--steps", "1", "--val-samples", "3")
	stdout, stderr, _, err = runRLCmd(sargs...)
	if err != nil {
		t.Fatalf("rl --val-samples 3: %v\n%s", err, stderr)
	}
	if !strings.Contains(stdout, "validation mean@3") {
		t.Errorf("stdout lacks the mean@3 validation:\n%s", stdout)
	}
	if js, err := os.ReadFile(filepath.Join(sampled, "config.json")); err != nil || json.Unmarshal(js, &cfg) != nil ||
		cfg.RL.ValSamples != 3 || cfg.RL.ValTemperature != cfg.RL.Temperature {
		t.Errorf("config.json rl %+v (%v): want 3 validation samples at the rollout temperature", cfg.RL, err)
	}
	if _, cols, err := runlog.Read(filepath.Join(sampled, "metrics.parquet")); err != nil || cols["val/test_pass@3/kk"] == nil {
		t.Errorf("metrics without val/test_pass@3/kk: %v", err)
	}

	// Bad input.
	for _, tc := range []struct {
		args  []string
		usage bool
		want  string
	}{
		{[]string{"--loss-agg", "mean", "--out", filepath.Join(root, "x")}, true, `LossAgg "mean"`},
		{[]string{"--temperature", "0", "--out", filepath.Join(root, "x")}, true, "Temperature"},
		{[]string{"--val-samples", "3", "--val-temperature", "0", "--out", filepath.Join(root, "x")}, true, "ValSamples 3"},
		{[]string{"--random-reward", "1", "--out", filepath.Join(root, "x")}, true, "RandomReward 1"},
		{[]string{"--data", filepath.Join(root, "nope"), "--model", modelDir, "--out", filepath.Join(root, "y")}, false, filepath.Join("nope", "rl", "train.parquet")},
		{[]string{"--model", filepath.Join(root, "nomodel"), "--out", filepath.Join(root, "z")}, false, "nomodel"},
	} {
		_, _, usage, err := runRLCmd(tc.args...)
		if err == nil || usage != tc.usage || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("rl %v: error %v (usage %v), want %q (usage %v)", tc.args, err, usage, tc.want, tc.usage)
		}
	}
}
