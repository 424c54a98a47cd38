package rl

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
)

// TestRunWritesFiles runs three micro steps and checks every file the run writes: metrics under
// verl's names (validation at steps 0, 2 and the last), one rollout file per step with
// PromptsPerStep × GroupSize rows grouped by extra_info.index with zero-sum advantages and the
// documented seeds, eval files, checkpoints and the final model.
func TestRunWritesFiles(t *testing.T) {
	dir := t.TempDir()
	c := microConfig(3)
	var progress strings.Builder
	res := mustRun(t, microModel(t, 1), c, Options{Dir: dir, Progress: &progress, rewardOf: lengthReward})
	if !res.Done || res.Steps != 3 || res.ResumedFrom != 0 || len(res.Val) != 3 || res.RolloutTokensPerSec <= 0 {
		t.Errorf("result %+v", res)
	}
	if n := strings.Count(progress.String(), "rl step "); n != 4 {
		t.Errorf("%d progress lines, want 4 (steps 0–3):\n%s", n, progress.String())
	}

	steps, cols := metricsWithoutTimes(t, dir)
	if !slices.Equal(steps, []int64{0, 1, 2, 3}) {
		t.Fatalf("metrics steps %v", steps)
	}
	_, all, err := readMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"critic/score/mean", "critic/score/max", "critic/score/min", "critic/advantages/mean",
		"response_length/mean", "response_length/max", "response_length/min", "response_length/clip_ratio",
		"actor/pg_loss", "actor/grad_norm", "actor/entropy_loss", "actor/lr", "actor/pg_clipfrac", "actor/ppo_kl",
		"timing_s/gen", "timing_s/update", "timing_s/testing", "timing_s/step", "perf/rollout_tokens_per_s",
		"train_level_correctness/3_correctness", "train_level_clip_ratio/3_clip_ratio",
		"val/test_correctness/kk", "val/test_score/kk", "val_level_correctness/3_correctness",
		"val_level_correctness/4_correctness", "training/epoch"} {
		if _, ok := all[name]; !ok {
			t.Errorf("metrics.parquet has no column %q", name)
		}
	}
	if _, ok := all["critic/kl"]; ok {
		t.Errorf("critic/kl logged without a reference")
	}
	val := cols["val/test_correctness/kk"]
	score := cols["critic/score/mean"]
	for i, want := range []bool{true, false, true, true} { // validation at 0, 2 and the last step
		if math.IsNaN(val[i]) == want {
			t.Errorf("step %d: val/test_correctness/kk = %v, validation expected %v", i, val[i], want)
		}
	}
	if !math.IsNaN(score[0]) || math.IsNaN(score[1]) {
		t.Errorf("critic/score/mean %v: want none at step 0, a value from step 1", score)
	}

	g := c.GRPO.GroupSize
	seen := map[int64]bool{}
	for s := 1; s <= 3; s++ {
		rows := readRollouts(t, dir, s)
		if len(rows) != c.PromptsPerStep*g {
			t.Fatalf("step %d: %d rollouts, want %d", s, len(rows), c.PromptsPerStep*g)
		}
		for p := range c.PromptsPerStep {
			group := rows[p*g : (p+1)*g]
			sumAdv, mean := 0.0, 0.0
			for j, r := range group {
				if r.Index != group[0].Index || r.Sample != int64(j) || r.Step != int64(s) {
					t.Errorf("step %d row %d: index %d sample %d step %d, want group %d sample %d", s, p*g+j, r.Index, r.Sample, r.Step, group[0].Index, j)
				}
				if want := sample.SeedFor(c.Seed, uint64(s), uint64(r.Index), uint64(j)); r.Seed != want {
					t.Errorf("step %d row %d: seed %d, want SeedFor = %d", s, p*g+j, r.Seed, want)
				}
				if r.Truncated != (r.Length == int64(c.MaxNewTokens) && !strings.HasSuffix(r.Response, "<|endoftext|>") && !strings.HasSuffix(r.Response, "<|im_end|>")) {
					t.Errorf("step %d row %d: truncated %v with length %d and response %q", s, p*g+j, r.Truncated, r.Length, r.Response)
				}
				if want := float64(len(r.Prompt+r.Response) % 3); r.Reward != want {
					t.Errorf("step %d row %d: reward %g, want %g", s, p*g+j, r.Reward, want)
				}
				sumAdv += r.Advantage
				mean += r.Reward / float64(g)
			}
			if math.Abs(sumAdv) > 1e-9 {
				t.Errorf("step %d group %d: advantages sum to %g", s, group[0].Index, sumAdv)
			}
			for _, r := range group {
				if (r.Reward > mean) != (r.Advantage > 0) && r.Advantage != 0 {
					t.Errorf("step %d: reward %g above the group mean %g has advantage %g", s, r.Reward, mean, r.Advantage)
				}
			}
			if seen[group[0].Index] {
				t.Errorf("step %d: prompt %d already used in this epoch", s, group[0].Index)
			}
			seen[group[0].Index] = true
		}
	}
	if len(seen) != 6 { // 3 steps × 2 prompts = one epoch of the 6 training prompts
		t.Errorf("the first epoch used %d distinct prompts, want all 6", len(seen))
	}

	for _, s := range []int{0, 2, 3} {
		rows, err := dataio.Read[evaluate.Row](StepFile(dir, EvalDir, s))
		if err != nil || len(rows) != c.ValLimit {
			t.Errorf("eval step %d: %d rows, %v", s, len(rows), err)
		}
	}
	if _, err := os.Stat(StepFile(dir, EvalDir, 1)); !os.IsNotExist(err) {
		t.Errorf("eval file for step 1, which does not validate: %v", err)
	}
	if _, at, ok, err := checkpoint.Latest(filepath.Join(dir, "checkpoints")); !ok || at != 3 || err != nil {
		t.Errorf("latest checkpoint: step %d, %v, %v", at, ok, err)
	}
	if _, _, err := modeldir.Load(filepath.Join(dir, "model")); err != nil {
		t.Errorf("final model: %v", err)
	}
}

// TestResumeExact checks the resume contract on the pure-Go backend: four steps straight equal
// three steps, a stop and a resume to the end — and still equal them after the last two
// checkpoints are lost and the run resumes from step 2, truncating the metrics it had logged
// after it and rewriting the rollout and eval files of steps 3 and 4.
func TestResumeExact(t *testing.T) {
	c := microConfig(4)
	c.CheckpointEvery, c.Keep = 2, 5
	straight := t.TempDir()
	mustRun(t, microModel(t, 1), c, Options{Dir: straight, rewardOf: lengthReward})

	resumed := t.TempDir()
	first := mustRun(t, microModel(t, 1), c, Options{Dir: resumed, StopAfterSteps: 3, rewardOf: lengthReward})
	if first.Done || first.Steps != 3 {
		t.Fatalf("first part: %+v", first)
	}
	second := mustRun(t, microModel(t, 1), c, Options{Dir: resumed, rewardOf: lengthReward})
	if !second.Done || second.ResumedFrom != 3 || second.Steps != 4 {
		t.Fatalf("second part: %+v", second)
	}
	for _, s := range []int{3, 4} {
		if err := os.RemoveAll(filepath.Join(resumed, "checkpoints", checkpoint.StepName(s))); err != nil {
			t.Fatal(err)
		}
	}
	third := mustRun(t, microModel(t, 1), c, Options{Dir: resumed, rewardOf: lengthReward})
	if !third.Done || third.ResumedFrom != 2 || third.Steps != 4 {
		t.Fatalf("third part: %+v", third)
	}

	if !sameFile(t, filepath.Join(straight, "model", modeldir.WeightsFile), filepath.Join(resumed, "model", modeldir.WeightsFile)) {
		t.Error("final weights differ between the straight and the resumed run")
	}
	s1, c1 := metricsWithoutTimes(t, straight)
	s2, c2 := metricsWithoutTimes(t, resumed)
	if !slices.Equal(s1, s2) || len(c1) != len(c2) {
		t.Fatalf("metrics: steps %v vs %v, %d vs %d columns", s1, s2, len(c1), len(c2))
	}
	for name, col := range c1 {
		if !sameFloats(col, c2[name]) {
			t.Errorf("metric %s: straight %v, resumed %v", name, col, c2[name])
		}
	}
	for s := 1; s <= 4; s++ {
		if a, b := readRollouts(t, straight, s), readRollouts(t, resumed, s); !reflect.DeepEqual(a, b) {
			t.Errorf("step %d rollouts differ", s)
		}
	}
	for _, s := range []int{0, 2, 4} {
		a, err1 := dataio.Read[evaluate.Row](StepFile(straight, EvalDir, s))
		b, err2 := dataio.Read[evaluate.Row](StepFile(resumed, EvalDir, s))
		if err1 != nil || err2 != nil || !reflect.DeepEqual(a, b) {
			t.Errorf("step %d eval rows differ (%v, %v)", s, err1, err2)
		}
	}

	// Resuming with another config is refused, naming the checkpoint.
	c.Seed++
	train, test := mustData(t)
	if _, err := Run(backendtest.Must(t), microModel(t, 1), mustTokenizer(t), train, test, c, Options{Dir: resumed}); err == nil ||
		!strings.Contains(err.Error(), "another config") {
		t.Errorf("resume with another seed: %v", err)
	}
	c.Seed--
	if _, err := Run(backendtest.Must(t), microModel(t, 2), mustTokenizer(t), train, test, c, Options{Dir: resumed, rewardOf: lengthReward}); err == nil ||
		!strings.Contains(err.Error(), "other initial weights") {
		t.Errorf("resume from another model: %v", err)
	}
}

// TestSampledValidation: with ValSamples n each validation writes n responses per test prompt,
// drawn with the documented seeds (a fresh evaluate.Run with Config.evalConfig reproduces step
// 0's file), logs mean@n, pass@n and the K&K answer breakdown, and differs from step to step.
func TestSampledValidation(t *testing.T) {
	dir := t.TempDir()
	c := microConfig(2)
	c.ValSamples, c.ValTemperature = 3, 3 // a hot temperature: the micro model often ends at once
	mustRun(t, microModel(t, 1), c, Options{Dir: dir, rewardOf: lengthReward})

	read := func(step int) []evaluate.Row {
		rows, err := dataio.Read[evaluate.Row](StepFile(dir, EvalDir, step))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	first := read(0)
	if len(first) != c.ValLimit*c.ValSamples {
		t.Fatalf("step 0: %d eval rows, want %d prompts × %d samples", len(first), c.ValLimit, c.ValSamples)
	}
	distinct := map[string]bool{}
	var prompts []evaluate.Prompt
	for i, r := range first {
		if r.Sample == nil || *r.Sample != int64(i%c.ValSamples) || r.Index != first[i-i%c.ValSamples].Index {
			t.Errorf("row %d: prompt %d sample %v, want the prompt's samples 0..%d together", i, r.Index, r.Sample, c.ValSamples-1)
		}
		distinct[r.Response] = true
		if i%c.ValSamples == 0 {
			prompts = append(prompts, evaluate.Prompt{Index: r.Index, Level: r.Level, DataSource: r.DataSource, Text: r.Prompt, GroundTruth: r.GroundTruth})
		}
	}
	if len(distinct) < 2 {
		t.Errorf("every sampled validation response is the same: %q", first[0].Response)
	}
	again, _, err := evaluate.Run(backendtest.Must(t), microModel(t, 1), mustTokenizer(t), prompts, c.evalConfig(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if again[i].Response != first[i].Response {
			t.Fatalf("row %d: %q, but evaluate.Run with the documented seeds gives %q", i, first[i].Response, again[i].Response)
		}
	}
	if c.evalConfig(0).Seed == c.evalConfig(2).Seed {
		t.Error("steps 0 and 2 validate with the same seed")
	}

	_, cols := metricsWithoutTimes(t, dir)
	for _, name := range []string{"val/test_correctness/kk", "val/test_pass@3/kk", "val_level_pass@3/3"} {
		if v := cols[name]; len(v) != 3 || math.IsNaN(v[0]) || !math.IsNaN(v[1]) || math.IsNaN(v[2]) {
			t.Errorf("%s = %v, want values at steps 0 and 2", name, v)
		}
	}
}
