package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
)

// microPreset is the smoke preset, under a name tests can register and
// remove without touching the shipped table.
var microPreset = smokePreset

func readState(t *testing.T, out string) reproduceState {
	t.Helper()
	var st reproduceState
	js, err := os.ReadFile(filepath.Join(out, stagesFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestReproduce runs the pipeline in two parts (stopped after a stage, then
// resumed), and checks the stage records, the skip of empty re-distilled
// arms, the report and the refusal to clobber or mix runs.
func TestReproduce(t *testing.T) {
	presets["micro"] = map[string]preset{"kk": microPreset}
	defer delete(presets, "micro")
	out := filepath.Join(t.TempDir(), "r")
	args := []string{"reproduce", "--preset", "micro", "--out", out, "--seed", "5"}

	code, stdout, stderr := runCLI(append(args, "--until", "sft-long")...)
	if code != 0 {
		t.Fatalf("first part: exit %d\n%s\n%s", code, stdout, stderr)
	}
	st := readState(t, out)
	if len(st.Done) != 6 || st.Done["sft-long"].WallS <= 0 || st.Done["rl-base"].Args != nil {
		t.Fatalf("after --until sft-long: done %v", st.Done)
	}
	if !strings.Contains(stdout, "== pretrain: r1lab pretrain --out "+filepath.Join(out, "runs", "pretrain")) {
		t.Errorf("the stage's command line is not shown:\n%s", stdout)
	}
	// Pre-training continues from the drills stage's model, which trained on copy drills alone;
	// the base is that model fine-tuned on the answer drills.
	if args := strings.Join(st.Done["pretrain"].Args, " "); !strings.Contains(args, "--init-model "+filepath.Join(out, "runs", "drills", "model")) {
		t.Errorf("pretrain does not start from the drills model: %s", args)
	}
	if args := strings.Join(st.Done["drills"].Args, " "); !strings.Contains(args, "--mix "+drillsOnly) {
		t.Errorf("drills stage: %s", args)
	}
	if args := strings.Join(st.Done["base"].Args, " "); !strings.HasPrefix(args, "sft --model "+filepath.Join(out, "runs", "pretrain", "model")+
		" --data "+filepath.Join(out, "data", "kk", "answer_drills")) {
		t.Errorf("base stage: %s", args)
	}
	if got := strings.Join(st.Stages[:5], " "); got != "data drills pretrain base sft-short" {
		t.Errorf("stages %v: want data, drills, pretrain, base, sft-short first", st.Stages)
	}

	if code, _, stderr := runCLI(args...); code != 2 || !strings.Contains(stderr, "--resume") {
		t.Errorf("rerun without --resume: exit %d, %s", code, stderr)
	}
	if code, _, stderr := runCLI("reproduce", "--preset", "micro", "--out", out, "--seed", "6", "--resume"); code != 2 || !strings.Contains(stderr, "seed 5") {
		t.Errorf("resume with another seed: exit %d, %s", code, stderr)
	}

	// A preset changed since the run started (another r1lab) is not continued on its old outputs.
	changed := microPreset
	changed.sft = append(slices.Clone(changed.sft), "--lr", "1e-5")
	presets["micro"] = map[string]preset{"kk": changed}
	code, _, stderr = runCLI(append(args, "--resume")...)
	presets["micro"] = map[string]preset{"kk": microPreset}
	if code != 2 || !strings.Contains(stderr, "stage sft-short ran `r1lab sft --model PATH") || !strings.Contains(stderr, "--lr 1e-5`") {
		t.Errorf("resume with changed SFT flags: exit %d, %s", code, stderr)
	}
	if st2 := readState(t, out); len(st2.Done) != len(st.Done) {
		t.Errorf("the refused resume changed stages.json: %d stages done, was %d", len(st2.Done), len(st.Done))
	}

	code, stdout, stderr = runCLI(append(args, "--resume")...)
	if code != 0 {
		t.Fatalf("resume: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "== sft-long: done earlier") || strings.Contains(stdout, "== base: r1lab") {
		t.Errorf("finished stages were not skipped:\n%s", stdout)
	}
	st = readState(t, out)
	for _, name := range st.Stages {
		rec, ok := st.Done[name]
		if !ok {
			t.Errorf("stage %s not recorded", name)
		}
		// A micro model answers nothing right: A and B are empty, and what reads them is skipped.
		wantSkip := name == "redistill-a" || name == "redistill-b" || name == "control" || name == "rl-redistill-a" ||
			name == "rl-redistill-b" || name == "rl-control"
		if (rec.Skipped != "") != wantSkip {
			t.Errorf("stage %s skipped = %q", name, rec.Skipped)
		}
	}
	md, err := os.ReadFile(filepath.Join(out, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| base (no SFT) |", "| long-CoT SFT |", "## Efficiency", "skipped: redistill: the a set",
		"## What the answers get right", "| long-CoT SFT | 3 |", "decoding: greedy.",
		"\nRan with " + backend.HostEnvironment().String() + ".\n"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	for _, f := range []string{"accuracy_vs_step.png", "accuracy_per_level.png", "length_vs_step.png", "efficiency.png", "named_vs_step.png"} {
		if png, err := os.ReadFile(filepath.Join(out, "figures", f)); err != nil || !strings.HasPrefix(string(png), "\x89PNG") {
			t.Errorf("figure %s: %v", f, err)
		} else if !strings.Contains(string(md), "(figures/"+f+")") {
			t.Errorf("report.md does not show %s", f)
		}
	}
	rows, err := experiment.ReadResults(out)
	if err != nil {
		t.Fatal(err)
	}
	perArm := map[string]int{}
	roleRows := 0
	for _, r := range rows {
		if r.Metric == "correctness" && r.Level == 0 {
			perArm[r.Arm]++
		}
		if r.Metric == "role_accuracy" {
			roleRows++
		}
	}
	// The role figure needs answers that name the people; a micro model may give none.
	for _, fig := range []string{"role_accuracy_vs_step.png", "knight_bias_vs_step.png"} {
		if _, err := os.Stat(filepath.Join(out, "figures", fig)); (err == nil) != (roleRows > 0) {
			t.Errorf("%s: %v, with %d role_accuracy rows in results.parquet", fig, err, roleRows)
		}
	}
	for _, arm := range []string{"rl-base", "rl-short", "rl-long"} {
		if perArm[arm] != 4 { // steps 0, 1, 2, 3
			t.Errorf("results.parquet: %d accuracy rows for %s, want 4", perArm[arm], arm)
		}
	}
}

// TestPresetStages checks what each shipped preset's stages start from:
// the arms always start from the stage "base", which is the pre-trained
// model unless the preset fine-tunes it on answer drills.
func TestPresetStages(t *testing.T) {
	for _, tc := range []struct {
		preset, task string
		first        string // the stages up to sft-short
		base         string // the command of the stage "base"
	}{
		{"quick", "kk", "data base sft-short", "pretrain"},
		{"quick", "arith", "data base sft-short", "pretrain"},
		{"smoke", "kk", "data drills pretrain base sft-short", "sft"},
		{"paper-cpu", "kk", "data drills pretrain base sft-short", "sft"},
	} {
		p, err := presetFor(tc.preset, tc.task)
		if err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		stages := p.stages(out, tc.task, 1)
		var names []string
		byName := map[string]stage{}
		for _, s := range stages {
			names = append(names, s.name)
			byName[s.name] = s
		}
		if got := strings.Join(names[:slices.Index(names, "sft-short")+1], " "); got != tc.first {
			t.Errorf("%s/%s: stages %s, want %s first", tc.preset, tc.task, got, tc.first)
		}
		base := filepath.Join(out, "runs", "base", "model")
		if b := byName["base"]; b.args[0] != tc.base {
			t.Errorf("%s/%s: base stage runs %s, want %s", tc.preset, tc.task, b.args[0], tc.base)
		}
		for _, name := range []string{"sft-short", "sft-long", "rl-base", "redistill-a"} {
			if args := strings.Join(byName[name].args, " "); !strings.Contains(args, " "+base+" ") {
				t.Errorf("%s/%s: stage %s does not start from %s: %s", tc.preset, tc.task, name, base, args)
			}
		}
		if tc.base == "sft" && !slices.Contains(p.data, "--answer-drills") {
			t.Errorf("%s/%s: its base trains on answer drills the data stage does not write", tc.preset, tc.task)
		}
	}
}

func TestReproduceBadFlags(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--preset", "huge"}, `--preset "huge"`},
		{[]string{"--preset", "paper-cpu", "--task", "arith"}, "preset paper-cpu is defined for kk"},
		{[]string{"--preset", "smoke", "--until", "nope"}, `--until "nope"`},
	} {
		code, _, stderr := runCLI(append([]string{"reproduce", "--out", out}, tc.args...)...)
		if code != 2 || !strings.Contains(stderr, tc.want) || exists(out) {
			t.Errorf("reproduce %v: exit %d, %q (want %q, nothing written)", tc.args, code, stderr, tc.want)
		}
	}
}
