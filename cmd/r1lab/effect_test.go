package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/analysis/study"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
)

// TestEffect runs `r1lab effect` on a smoke reproduce directory (up to rl-long: the
// re-distilled arms are absent) and checks its tables, figures and effect.md, the skip lines
// for what is missing, and the errors for bad input.
func TestEffect(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "r")
	if code, stdout, stderr := runCLI("reproduce", "--preset", "smoke", "--out", dir, "--seed", "5", "--until", "rl-long"); code != 0 {
		t.Fatalf("reproduce: exit %d\n%s\n%s", code, stdout, stderr)
	}
	ckpts, err := checkpoint.List(filepath.Join(dir, "runs", "rl-long", "checkpoints"))
	if err != nil || len(ckpts) < 2 {
		t.Fatalf("rl-long has %d checkpoints (%v); the test needs ≥ 2", len(ckpts), err)
	}
	out := filepath.Join(t.TempDir(), "effect")
	args := []string{"effect", "--run", dir, "--out", out, "--samples", "4", "--group", "2", "--kernel-pairs", "4",
		"--position-pairs", "2", "--bins", "3", "--resamples", "100", "--arms", "rl-long,rl-control"}
	code, stdout, stderr := runCLI(args...)
	if code != 0 {
		t.Fatalf("effect: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "sft-long") || !strings.Contains(stdout, study.SummaryFile) {
		t.Errorf("stdout:\n%s", stdout)
	}
	md, err := os.ReadFile(filepath.Join(out, study.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"## 1. Predicted vs measured ΔAcc", "| sft-short | 4 |", "| sft-long | 4 |",
		"set redistill-a:", // its file does not exist
		"## 2. Datasets ranked", "ranking needs ≥ 3 SFT sets",
		"**rl-long**", "arm rl-control: not a finished RL arm",
		"![correct_se.png]", "![kernel.png](kernel.png)", "![positions_kl_rl-long.png]",
	} {
		if !strings.Contains(string(md), want) && !(want == "![correct_se.png]" && strings.Contains(string(md), "correct_se.png not drawn")) {
			t.Errorf("effect.md lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("effect.md:\n%s", md)
	}
	rows, err := dataio.Read[study.SFTEffectRow](filepath.Join(out, study.SFTEffectFile))
	if err != nil || len(rows) != 2 {
		t.Fatalf("%s: %d rows, %v", study.SFTEffectFile, len(rows), err)
	}
	pos, err := dataio.Read[study.PositionRow](filepath.Join(out, study.PositionsFile))
	if err != nil || len(pos) != len(ckpts)*3 { // every checkpoint, 3 bins each
		t.Fatalf("%s: %d rows, %v", study.PositionsFile, len(pos), err)
	}
	kern, err := dataio.Read[study.KernelRow](filepath.Join(out, study.KernelFile))
	if err != nil || len(kern) != len(ckpts)+1 || kern[0].RelativeChange != 0 {
		t.Fatalf("%s: %+v, %v", study.KernelFile, kern, err)
	}
	for _, f := range []string{study.SampleEffectFile, study.CorrectSEFile, study.GrowthFile, "sft_effect.png", "kernel.png",
		"positions_kl_rl-long.png", "positions_argmax_rl-long.png"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}

	// Same seed, same numbers (analysis 1 only, to keep the test short).
	out2 := filepath.Join(t.TempDir(), "again")
	again := append(args[:4:4], append([]string{out2}, args[5:]...)...)
	if code, _, stderr := runCLI(append(again, "--analyses", "1")...); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, stderr)
	}
	rows2, err := dataio.Read[study.SFTEffectRow](filepath.Join(out2, study.SFTEffectFile))
	if err != nil || len(rows2) != len(rows) {
		t.Fatal(err)
	}
	for i := range rows {
		if rows[i] != rows2[i] {
			t.Errorf("run 2 differs: %+v vs %+v", rows2[i], rows[i])
		}
	}

	// Analysis 1 from a cold start: the SFT sets measured at the short-CoT model.
	out3 := filepath.Join(t.TempDir(), "from")
	from := append(args[:4:4], append([]string{out3}, args[5:]...)...)
	if code, _, stderr := runCLI(append(from, "--analyses", "1", "--from", "sft-short")...); code != 0 {
		t.Fatalf("--from sft-short: exit %d\n%s", code, stderr)
	}
	if md, err := os.ReadFile(filepath.Join(out3, study.SummaryFile)); err != nil || !strings.Contains(string(md), "From the sft-short model") {
		t.Errorf("--from sft-short: effect.md (%v) does not say where the sets were measured:\n%s", err, md)
	}
	rows3, err := dataio.Read[study.SFTEffectRow](filepath.Join(out3, study.SFTEffectFile))
	if err != nil || len(rows3) != len(rows) || rows3[0].GradNorm == rows[0].GradNorm {
		t.Errorf("--from sft-short: rows %+v (%v): want as many sets as from the base, with other gradients", rows3, err)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"effect", "--run", dir, "--from", "sft-medium"}, 2, `--from "sft-medium"`},
		{[]string{"effect"}, 2, "--run is required"},
		{[]string{"effect", "--run", dir, "--analyses", "1,x"}, 2, "--analyses"},
		{[]string{"effect", "--run", dir, "--group", "1"}, 2, "TestGroup"},
		{[]string{"effect", "--run", filepath.Join(dir, "nothing")}, 1, "stages.json"},
	} {
		if code, _, stderr := runCLI(tc.args...); code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", tc.args, code, stderr, tc.code, tc.want)
		}
	}
}
