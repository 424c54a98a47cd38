package study

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
)

// TestMeanSampleGradient checks the batched SFT gradient against the mean of exact per-sample
// gradients.
func TestMeanSampleGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	spaced, unspaced := spacedTokens(t)
	set := oneTokenSet(rng, "s", unspaced, spaced, 5)
	set.Pairs[2].Response = randomIDs(rng, spaced, 4) // lengths differ: the 1/|y| weights matter
	e, err := effect.New(backendtest.Must(t), microModel(t, 3), effect.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	got, err := meanSampleGradient(e, set.Pairs)
	if err != nil {
		t.Fatal(err)
	}
	each, err := e.SampleGradients(set.Pairs)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]float64, len(got))
	for _, s := range each {
		for i := range s {
			want[i] += s[i] / float64(len(each))
		}
	}
	if d := effect.Norm(axpy(got, -1, want)) / effect.Norm(want); d > 1e-10 {
		t.Errorf("batched mean gradient differs from the mean of per-sample gradients by %.3g relative", d)
	}
}

// TestSFTEffectSigns builds two SFT sets with opposite effects: the reward pays for the base
// model's greedy answer v* to one fixed prompt; every pair of the first set is that prompt with
// v* (SFT on it raises the reward: exactly, ⟨∇π(v*), ∇log π(v*)⟩ > 0), every pair of the second
// is that prompt with another token (SFT on it takes probability from v*). The mean SE must
// have those signs, and the predicted ΔAcc must agree in sign with the measured one, which
// comes from independent rollouts.
func TestSFTEffectSigns(t *testing.T) {
	c := newGreedyCase(t, 16)
	x, best, other, base, test := c.prompt, c.best, c.other, c.base, c.test
	theta := c.theta
	set := func(name string, y int32) Set {
		s := Set{Name: name}
		for i := range 8 {
			s.Pairs, s.IDs = append(s.Pairs, effect.Pair{Prompt: x, Response: []int32{y}}), append(s.IDs, int64(i))
		}
		return s
	}
	sets := []Set{set("greedy", best), set("other", other)}

	for _, tc := range []struct {
		name  string
		steps int
		lr    float64
	}{{"one automatic step", 1, 0}, {"two fixed steps", 2, 2e-4}} {
		t.Run(tc.name, func(t *testing.T) {
			o := fastOptions()
			o.Samples, o.SFTSteps, o.LearningRate = 128, tc.steps, tc.lr
			res, err := SFTEffect(backendtest.Must(t), base, mustTok(t), test, sets, o, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Prompts != 16 || res.Rollouts != 128 || !(res.TargetReward > 0.05 && res.TargetReward < 0.95) {
				t.Fatalf("%d prompts, %d rollouts, reward %.3f: want 16, 128 and a reward neither 0 nor 1", res.Prompts, res.Rollouts, res.TargetReward)
			}
			if len(res.Rows) != 2 || len(res.Samples) != 16 {
				t.Fatalf("%d rows, %d sample rows", len(res.Rows), len(res.Samples))
			}
			for i, want := range []float64{1, -1} {
				r := res.Rows[i]
				t.Logf("%s: mean SE %.4g (fast %.4g [%.4g, %.4g]), η %.3g, predicted %.4g [%.4g, %.4g] (path %.4g), measured %.4g [%.4g, %.4g], RMS Δlog π %.3g",
					r.Set, r.MeanSE, r.FastMeanSE, r.MeanSELo, r.MeanSEHi, r.LearningRate, r.Predicted, r.PredictedLo, r.PredictedHi, r.PredictedPath,
					r.Measured, r.MeasuredLo, r.MeasuredHi, r.LogRatioRMS)
				if math.Signbit(r.MeanSE) != math.Signbit(want) {
					t.Errorf("%s: mean SE %.4g has the wrong sign", r.Set, r.MeanSE)
				}
				if math.Signbit(r.Predicted) != math.Signbit(r.Measured) {
					t.Errorf("%s: predicted ΔAcc %.4g and measured %.4g disagree in sign", r.Set, r.Predicted, r.Measured)
				}
				if d := math.Abs(r.FastMeanSE-r.MeanSE) / math.Abs(r.MeanSE); d > 1e-5 {
					t.Errorf("%s: fast mean SE %.6g vs exact %.6g (%.2g relative)", r.Set, r.FastMeanSE, r.MeanSE, d)
				}
				if !(r.MeasuredLo <= r.Measured && r.Measured <= r.MeasuredHi) {
					t.Errorf("%s: measured %.4g outside its interval [%.4g, %.4g]", r.Set, r.Measured, r.MeasuredLo, r.MeasuredHi)
				}
				if got := r.LearningRate * float64(tc.steps) * r.MeanSE; math.Abs(got-r.Predicted) > 1e-12*math.Abs(got) {
					t.Errorf("%s: predicted %.6g ≠ η·steps·mean SE %.6g", r.Set, r.Predicted, got)
				}
				if !(r.PredictedLo <= r.Predicted && r.Predicted <= r.PredictedHi) {
					t.Errorf("%s: predicted %.4g outside its interval [%.4g, %.4g]", r.Set, r.Predicted, r.PredictedLo, r.PredictedHi)
				}
				if ratio := r.Measured / r.Predicted; !(ratio > 0.5 && ratio < 2) {
					t.Errorf("%s: measured/predicted = %.3g; steps this small should be close to linear", r.Set, ratio)
				}
				if tc.steps == 1 && math.Abs(r.PredictedPath-r.Predicted) > 1e-9*math.Abs(r.Predicted) {
					t.Errorf("%s: one step: path prediction %.6g ≠ %.6g", r.Set, r.PredictedPath, r.Predicted)
				}
			}
			if tc.lr == 0 {
				// The automatic η changes the measuring rollouts' log-probabilities by StepLogRatio
				// (RMS, to first order) on the set that moves them most.
				if got := max(res.Rows[0].LogRatioRMS, res.Rows[1].LogRatioRMS); math.Abs(got-o.StepLogRatio) > 0.1*o.StepLogRatio {
					t.Errorf("RMS change of log π %.4g, want ≈ %g", got, o.StepLogRatio)
				}
			}
		})
	}
	after, err := effect.New(backendtest.Must(t), base, effect.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer after.Finalize()
	if d := effect.Norm(axpy(after.Weights(), -1, theta)); d != 0 {
		t.Errorf("SFTEffect changed the base model's weights by %g", d)
	}
}

// TestRewardChange checks the importance-sampling estimate against hand computations.
func TestRewardChange(t *testing.T) {
	ln := math.Log
	for _, tc := range []struct {
		name         string
		rewards      []float64
		groups       []int
		logp0, logp1 []float64
		want         []float64
	}{
		{"same policy", []float64{1, 0, 1, 1}, []int{0, 0, 1, 1}, []float64{-1, -2, -3, -4}, []float64{-1, -2, -3, -4}, []float64{0, 0}},
		// Prompt 0: r − b₋ᵢ = (1, −1), ρ − 1 = (1, −0.5): mean (1 + 0.5)/2 = 0.75.
		// Prompt 1: equal rewards, no baseline-corrected signal: 0.
		{"doubled and halved", []float64{1, 0, 1, 1}, []int{0, 0, 1, 1}, []float64{ln(0.2), ln(0.4), -1, -2},
			[]float64{ln(0.4), ln(0.2), 0, 0}, []float64{0.75, 0}},
		// Three rollouts: baselines (0.5, 0.5, 1): r − b = (0.5, 0.5, −1); ρ − 1 = (0, 1, 1): (0.5 − 1)/3.
		{"three rollouts", []float64{1, 1, 0}, []int{7, 7, 7}, []float64{0, 0, 0}, []float64{0, ln(2), ln(2)}, []float64{-0.5 / 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs := make([]effect.Rollout, len(tc.rewards))
			for i := range rs {
				rs[i] = effect.Rollout{Group: tc.groups[i], Reward: tc.rewards[i]}
			}
			got, err := rewardChange(rs, tc.logp0, tc.logp1)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if math.Abs(got[i]-tc.want[i]) > 1e-12 {
					t.Errorf("prompt %d: %.15g, want %.15g", i, got[i], tc.want[i])
				}
			}
		})
	}
}
