package study

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/analysis/logs"
)

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
		want string // "" for valid
	}{
		{"defaults", func(*Options) {}, ""},
		{"no analyses", func(o *Options) { o.Analyses = nil }, "Analyses is empty"},
		{"analysis 7", func(o *Options) { o.Analyses = []int{1, 7} }, "holds 7"},
		{"no model to start from", func(o *Options) { o.From = "" }, "From is empty"},
		{"group of one", func(o *Options) { o.TestGroup = 1 }, "TestGroup"},
		{"fewer samples than a group", func(o *Options) { o.Samples = 3 }, "Samples = 3"},
		{"zero temperature", func(o *Options) { o.Temperature = 0 }, "Temperature"},
		{"negative lr", func(o *Options) { o.LearningRate = -1 }, "LearningRate"},
		{"NaN relative step", func(o *Options) { o.RelativeStep = math.NaN() }, "RelativeStep"},
		{"one kernel pair", func(o *Options) { o.KernelPairs = 1 }, "KernelPairs"},
		{"level 1", func(o *Options) { o.Level = 1 }, "Level"},
		{"estimator batch", func(o *Options) { o.Effect.BatchSize = 0 }, "BatchSize"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := DefaultOptions()
			tc.edit(&o)
			err := o.Validate()
			if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
				t.Errorf("Validate() = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestSubset(t *testing.T) {
	a, b := subset(100, 10, 1, 2), subset(100, 10, 1, 2)
	if !slices.Equal(a, b) || len(a) != 10 || !slices.IsSorted(a) {
		t.Errorf("subset not deterministic, sized or sorted: %v %v", a, b)
	}
	if c := subset(100, 10, 1, 3); slices.Equal(a, c) {
		t.Errorf("another stream gave the same subset %v", c)
	}
	if all := subset(5, 10, 1, 2); !slices.Equal(all, []int{0, 1, 2, 3, 4}) {
		t.Errorf("subset of a short list = %v, want every index", all)
	}
}

func TestRankSets(t *testing.T) {
	rows := []RankRow{
		{Set: "a", MeanSE: 1, SFTAccuracy: 0.1, RLAccuracy: 0.5},
		{Set: "b", MeanSE: 2, SFTAccuracy: 0.2, RLAccuracy: 0.4},
		{Set: "c", MeanSE: 3, SFTAccuracy: 0.3, RLAccuracy: 0.3},
		{Set: "d", MeanSE: 4, SFTAccuracy: 0.4, RLAccuracy: 0.2},
	}
	o := DefaultOptions()
	o.Resamples = 500
	r, err := RankSets(rows, o)
	if err != nil {
		t.Fatal(err)
	}
	if r.SFT.Estimate != 1 || r.RL.Estimate != -1 || r.SFTErr != nil || !(r.SFT.Lo <= 1 && r.SFT.Hi == 1) {
		t.Errorf("ρ(SFT) = %v (%v), ρ(RL) = %v; want 1 and −1", r.SFT, r.SFTErr, r.RL)
	}
	for i := range rows {
		rows[i].SFTAccuracy = 0.5
	}
	if r, err = RankSets(rows, o); err != nil || r.SFTErr == nil || !math.IsNaN(r.SFT.Estimate) {
		t.Errorf("constant accuracies: %v, %v, %v; want an undefined ρ", err, r.SFTErr, r.SFT)
	}
	if _, err := RankSets(rows[:2], o); err == nil {
		t.Error("two sets: no error")
	}
}

// TestOpenExperiment reads a hand-made directory: a skipped re-distillation, an unfinished
// arm, missing set files and a broken stages.json.
func TestOpenExperiment(t *testing.T) {
	dir := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := OpenExperiment(dir); err == nil || !strings.Contains(err.Error(), "stages.json") {
		t.Errorf("no stages.json: %v", err)
	}
	write("stages.json", `{"task": "kk", "done": {"rl-long": {}, "redistill-a": {"skipped": "empty set"}, "rl-base": {}}}`)
	write("runs/rl-long/config.json", `{"rl": {"steps": 4, "checkpoint_every": 2, "keep": 2, "max_new_tokens": 64}}`)
	write("runs/rl-base/config.json", `{"model": "x"}`)
	write("data/kk/sft_long_cot/train.parquet", "not parquet")
	if _, err := OpenExperiment(dir); err == nil || !strings.Contains(err.Error(), filepath.Join("rl-base", "config.json")) {
		t.Errorf("an RL config without rl: %v", err)
	}
	write("runs/rl-base/config.json", `{"rl": {"steps": 4}}`)
	x, err := OpenExperiment(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Arms) != 2 || x.Arm("rl-long").Config.MaxNewTokens != 64 || x.Arm("rl-long").Initial != filepath.Join(dir, "runs", "sft-long", "model") {
		t.Errorf("arms %+v", x.Arms)
	}
	if len(x.Sets) != 1 || x.Sets[0].Name != "sft-long" || x.Sets[0].Arm != "rl-long" {
		t.Errorf("sets %+v", x.Sets)
	}
	for list, want := range map[string][]string{
		"all": {"rl-base", "rl-long"}, " rl-long ,,all": {"rl-long", "rl-base", "rl-long"}, "rl-short": {"rl-short"}, "": nil,
	} {
		if got := x.ArmNames(list); !slices.Equal(got, want) {
			t.Errorf("ArmNames(%q) = %q, want %q", list, got, want)
		}
	}
	joined := strings.Join(x.Missing, "\n")
	for _, want := range []string{"arm rl-short: not run", "set redistill-a: its stage was skipped (empty set)", "set sft-short:", "does not exist"} {
		if !strings.Contains(joined, want) {
			t.Errorf("Missing lacks %q:\n%s", want, joined)
		}
	}
	write("stages.json", `{"task": `)
	if _, err := OpenExperiment(dir); err == nil || !strings.Contains(err.Error(), "stages.json") {
		t.Errorf("broken stages.json: %v", err)
	}
}

// TestWrite writes a hand-made report: every table, the figures (one heatmap of rounding-noise
// KL values, which gonum's colour map cannot scale), effect.md with its skip lines and the stamp
// that says which options the report covers.
func TestWrite(t *testing.T) {
	exp := t.TempDir()
	stages := filepath.Join(exp, experiment.StagesFile)
	if err := os.WriteFile(stages, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	x := &Experiment{Experiment: &experiment.Experiment{Dir: exp, State: experiment.State{Task: "kk"}}}
	o := DefaultOptions()
	o.PositionBins = 2
	r := &Report{Experiment: x, Options: o, Skipped: map[int][]string{AnalysisRanking: {"too few sets"}},
		Notes: []string{"a note"}, Wall: map[string]time.Duration{"1": time.Second}}
	r.SFT = &SFTResult{LearningRate: 0.1, TargetNorm: 2, Prompts: 4, Rollouts: 16, Rows: []SFTEffectRow{
		{Set: "a", Samples: 3, MeanSE: 1, Predicted: 0.1, Measured: 0.08},
		{Set: "b", Samples: 3, MeanSE: -1, Predicted: -0.1, Measured: 0.01},
		{Set: "c", Samples: 3, MeanSE: 0, Predicted: 0, Measured: 0.02},
	}, Samples: []SampleEffectRow{{Set: "a", ID: 1, ResponseTokens: 5, SE: 1}}}
	nan := math.NaN()
	r.Arms = []*ArmResult{{Arm: "rl-x",
		CorrectSE: []CorrectSERow{{Arm: "rl-x", Step: 0, Mean: 1, Lo: 0, Hi: 2}, {Arm: "rl-x", Step: 5, Mean: nan, Lo: nan, Hi: nan}},
		Growth:    []GrowthRow{{Arm: "rl-x", Step: 0, Kind: GrowthRL, Mean: 0.5, Lo: 0, Hi: 1, N: 4}},
		Kernel:    []KernelRow{{Arm: "rl-x", Step: 0, Alignment: 1}, {Arm: "rl-x", Step: 5, RelativeChange: 0.1, Alignment: 0.99}},
		Positions: []PositionRow{{Arm: "rl-x", Step: 5, Bin: 0, Tokens: 3, KL: -8.6e-17}, {Arm: "rl-x", Step: 5, Bin: 1, Tokens: 3, KL: 1.1e-15},
			{Arm: "rl-x", Step: 10, Bin: 0, Tokens: 3, KL: 1e-16}, {Arm: "rl-x", Step: 10, Bin: 1, Tokens: 3, KL: 3e-16}},
	}, {Arm: "rl-flat", // g = 0 at both checkpoints: nothing to draw
		CorrectSE: []CorrectSERow{{Arm: "rl-flat", Step: 0}, {Arm: "rl-flat", Step: 5}},
		Growth:    []GrowthRow{{Arm: "rl-flat", Step: 0, Kind: GrowthRL}, {Arm: "rl-flat", Step: 5, Kind: GrowthRL}},
	}}
	dir := t.TempDir()
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{SummaryFile, SFTEffectFile, SampleEffectFile, CorrectSEFile, GrowthFile, KernelFile, PositionsFile,
		"sft_effect.png", "correct_se.png", "growth.png", "kernel.png", "positions_kl_rl-x.png", "positions_argmax_rl-x.png"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	md, err := os.ReadFile(filepath.Join(dir, SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"same sign for 1 of 3 sets (1 with a zero)", "- skipped: too few sets", "- a note",
		"| a | 3 | 1 |", "**rl-x**", "![kernel.png](kernel.png)", "correct_se.png leaves out rl-flat: every value 0",
		"growth.png leaves out rl-flat: every value 0"} {
		if !strings.Contains(string(md), want) {
			t.Errorf("effect.md lacks %q:\n%s", want, md)
		}
	}

	// The stamp: the same options, or fewer analyses, are covered; anything else is not.
	for _, tc := range []struct {
		name string
		edit func(o *Options)
		want bool
	}{
		{"same options", func(*Options) {}, true},
		{"fewer analyses", func(o *Options) { o.Analyses = []int{AnalysisKernel, AnalysisSFTEffect} }, true},
		{"more samples", func(o *Options) { o.Samples++ }, false},
		{"other arms", func(o *Options) { o.Arms = []string{"rl-short"} }, false},
		{"estimator batch", func(o *Options) { o.Effect.MaxBatchTokens /= 2 }, false},
	} {
		want := o
		want.Analyses = slices.Clone(o.Analyses)
		tc.edit(&want)
		if got, err := Covers(dir, x, want); err != nil || got != tc.want {
			t.Errorf("Covers, %s: %t, %v; want %t", tc.name, got, err, tc.want)
		}
	}
	r.Options.Analyses = []int{AnalysisKernel}
	if err := r.Write(dir); err != nil {
		t.Fatal(err)
	}
	if got, err := Covers(dir, x, o); err != nil || got {
		t.Errorf("Covers after a report of analysis 5 alone: %t, %v; want false", got, err)
	}
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(stages, later, later); err != nil {
		t.Fatal(err)
	}
	if got, err := Covers(dir, x, r.Options); err != nil || got {
		t.Errorf("Covers after stages.json changed: %t, %v; want false", got, err)
	}
	if got, err := Covers(t.TempDir(), x, r.Options); err != nil || got {
		t.Errorf("Covers of an empty folder: %t, %v; want false", got, err)
	}
}

// A logged response whose words a model ran together with Join re-encodes into the tokens
// it was sampled as, and one of another length is left out.
func TestLoggedPairRespellsJoinedWords(t *testing.T) {
	tok := mustTok(t)
	join, ok := tok.JoinID()
	if !ok {
		t.Fatal("the task tokenizer has no Join")
	}
	zoey, _ := tok.ID(" Zoey")
	owen, _ := tok.ID(" Owen")
	is, _ := tok.ID(" is")
	want := []int32{join, zoey, join, owen, is}
	text := tok.DecodeLossy(want)
	if text != "ZoeyOwen is" {
		t.Fatalf("DecodeLossy = %q", text)
	}
	l := logs.Sample{Source: "f", Prompt: " Zoey", Response: text, Length: int64(len(want))}
	p, ok, err := LoggedPair(tok, l)
	if err != nil || !ok || !slices.Equal(p.Response, want) {
		t.Errorf("LoggedPair(%q) = %v, %v, %v; want %v", text, p.Response, ok, err, want)
	}
	l.Length++
	if _, ok, err := LoggedPair(tok, l); ok || err != nil {
		t.Errorf("a response of another logged length: ok %v, %v", ok, err)
	}
}
