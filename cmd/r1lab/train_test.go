package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
)

// TestPretrainSFTEval runs the model commands end to end at a micro scale:
// data → pretrain → sft → eval, checking what each writes and the resume
// rules of run directories.
func TestPretrainSFTEval(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data", "kk")
	mustRun := func(args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(args...)
		if code != 0 {
			t.Fatalf("r1lab %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, out, errOut)
		}
		return out
	}
	mustRun("data", "--task", "kk", "--out", data, "--test", "4-5:3", "--train", "3:8", "--sft", "2:12,3:12")

	base := filepath.Join(root, "runs", "base")
	micro := []string{"--seq", "64", "--batch", "4", "--words", "3000", "--warmup", "2",
		"--eval-limit", "4", "--max-new", "8", "--eval-batch", "4"}
	out := mustRun(append([]string{"pretrain", "--out", base, "--kk-data", data}, micro...)...)
	for _, want := range []string{"pre-trained", "greedy evaluation", "all "} {
		if !strings.Contains(out, want) {
			t.Errorf("pretrain output lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"model/config.json", "model/tokenizer.json", "model/model.safetensors", "metrics.parquet",
		"config.json", "eval/kk_rl_test.parquet"} {
		if _, err := os.Stat(filepath.Join(base, f)); err != nil {
			t.Errorf("pretrain did not write %s: %v", f, err)
		}
	}
	steps, cols, err := runlog.Read(filepath.Join(base, "metrics.parquet"))
	if err != nil || len(steps) == 0 || len(cols["train/loss"]) != len(steps) {
		t.Fatalf("metrics: %d steps, %v", len(steps), err)
	}
	evalRows, err := dataio.Read[evaluate.Row](filepath.Join(base, "eval", "kk_rl_test.parquet"))
	if err != nil || len(evalRows) != 4 {
		t.Fatalf("eval rows: %d, %v", len(evalRows), err)
	}

	// The run directory now holds checkpoints: reusing it needs --resume,
	// and resuming a finished run does nothing more.
	if code, _, errOut := runCLI(append([]string{"pretrain", "--out", base, "--kk-data", data}, micro...)...); code != 2 || !strings.Contains(errOut, "--resume") {
		t.Errorf("second pretrain into %s: exit %d, %q", base, code, errOut)
	}
	// config.json records the environment; a run resumed by the other build says so and keeps
	// the one it started in.
	cfgPath := filepath.Join(base, "config.json")
	var cfg map[string]any
	readCfg := func() {
		t.Helper()
		js, err := os.ReadFile(cfgPath)
		if err != nil {
			t.Fatal(err)
		}
		cfg = map[string]any{}
		if err := json.Unmarshal(js, &cfg); err != nil {
			t.Fatal(err)
		}
	}
	readCfg()
	env, _ := cfg["environment"].(map[string]any)
	if env["backend"] != backend.Config() || env["simd_build"] != backend.SIMDBuild || env["go"] != runtime.Version() {
		t.Fatalf("config.json environment = %v", cfg["environment"])
	}
	env["simd_build"] = !backend.SIMDBuild
	if err := writeJSON(cfgPath, cfg); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(append([]string{"pretrain", "--out", base, "--kk-data", data, "--resume"}, micro...)...)
	if code != 0 || !strings.Contains(out, "pre-trained") {
		t.Errorf("resumed pretrain: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(errOut, "build: ") || !strings.Contains(errOut, "warning: "+base+" was run with") {
		t.Errorf("resumed by the other build, stderr lacks the build line or the warning:\n%s", errOut)
	}
	readCfg()
	started, _ := cfg["environment_started"].(map[string]any)
	if env, _ := cfg["environment"].(map[string]any); started["simd_build"] != !backend.SIMDBuild || env["simd_build"] != backend.SIMDBuild {
		t.Errorf("after the resume: environment %v, environment_started %v", cfg["environment"], cfg["environment_started"])
	}

	sftRun := filepath.Join(root, "runs", "sft")
	out = mustRun("sft", "--model", filepath.Join(base, "model"), "--data", filepath.Join(data, "sft_short_cot"),
		"--out", sftRun, "--batch", "4", "--max-steps", "3", "--eval-data", filepath.Join(data, "rl", "test.parquet"),
		"--eval-limit", "2", "--max-new", "8", "--eval-batch", "2")
	if !strings.Contains(out, "SFT: 3 steps") || !strings.Contains(out, "validation loss") {
		t.Errorf("sft output:\n%s", out)
	}
	m, tok, err := modeldir.Load(filepath.Join(sftRun, "model"))
	if err != nil || tok.VocabSize() != m.Config.Vocab {
		t.Fatalf("sft model: %v", err)
	}

	out = mustRun("eval", "--model", filepath.Join(sftRun, "model"), "--data", filepath.Join(data, "rl", "test.parquet"),
		"--max-new", "4", "--eval-batch", "3")
	if !strings.Contains(out, "(6 prompts") || !strings.Contains(out, "answers naming the puzzle's people: ") ||
		!strings.Contains(out, "level 4: named 0.0%, roles right –") {
		t.Errorf("eval output:\n%s", out)
	}
	if _, err := os.Stat(filepath.Join(sftRun, "eval", "kk_rl_test.parquet")); err != nil {
		t.Errorf("eval file: %v", err)
	}
	// Sampled: two responses per prompt, mean@2 and pass@2, both in the file.
	sampled := filepath.Join(root, "sampled.parquet")
	out = mustRun("eval", "--model", filepath.Join(sftRun, "model"), "--data", filepath.Join(data, "rl", "test.parquet"),
		"--max-new", "4", "--eval-batch", "5", "--temperature", "1", "--samples", "2", "--seed", "9", "--out", sampled)
	if !strings.Contains(out, "temperature 1, 2 sample(s) per prompt, seed 9, on") || !strings.Contains(out, "(6 prompts") ||
		!strings.Contains(out, "mean@2") || !strings.Contains(out, "pass@2") {
		t.Errorf("sampled eval output:\n%s", out)
	}
	if rows, err := dataio.Read[evaluate.Row](sampled); err != nil || len(rows) != 12 || *rows[0].Sample != 0 || *rows[1].Sample != 1 || rows[1].Index != rows[0].Index {
		t.Errorf("sampled eval file: %d rows, %v", len(rows), err)
	}
	if code, _, errOut := runCLI("eval", "--model", filepath.Join(sftRun, "model"), "--samples", "2"); code != 2 || !strings.Contains(errOut, "temperature") {
		t.Errorf("two greedy samples per prompt: exit %d, %q", code, errOut)
	}
	// Bad input: a missing model directory names the file.
	if code, _, errOut := runCLI("eval", "--model", filepath.Join(root, "nope")); code != 1 || !strings.Contains(errOut, "nope") {
		t.Errorf("eval of a missing model: exit %d, %q", code, errOut)
	}
}

func TestEvalFileName(t *testing.T) {
	for in, want := range map[string]string{
		"data/kk/rl/test.parquet":        "kk_rl_test.parquet",
		"/abs/x/data/kk/rl/test.parquet": "kk_rl_test.parquet",
		"test.parquet":                   "test.parquet",
		"../rl/test.parquet":             "rl_test.parquet",
	} {
		if got := evalFileName(in); got != want {
			t.Errorf("evalFileName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestPrintParts checks the K&K answer breakdown that eval prints, the share
// of knights against the truth's included.
func TestPrintParts(t *testing.T) {
	const truth = "Zoey is a knave, Oliver is a knight"
	row := func(index int64, box string) evaluate.Row {
		r := `\boxed{` + box + "}" + reward.EndOfText
		return evaluate.Row{Index: index, Level: 2, DataSource: "kk", Response: r, GroundTruth: truth, Ended: true,
			Correct: reward.KK(r, truth).Correct}
	}
	var b strings.Builder
	err := printParts(&b, []evaluate.Row{row(0, "Zoey is a knave, Oliver is a knight"), row(1, "Oliver is a knight, Zoey is a knight"),
		row(2, "Zoey is a knight")})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"answers naming the puzzle's people: 66.7% (2 of 3); roles right in them: 75.0%",
		"knights among the roles they give: 75.0% (the truth's for the same people: 50.0%)", "level 2: named 66.7%"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("printParts lacks %q:\n%s", want, b.String())
		}
	}
}
