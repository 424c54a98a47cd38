package study

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// perturb returns a Load that adds Gaussian noise of relative size scale to m's weights.
func perturb(t *testing.T, scale float64, seed uint64) func(m *lm.Model) error {
	return func(m *lm.Model) error {
		e, err := effect.New(backendtest.Must(t), m, effect.DefaultOptions())
		if err != nil {
			return err
		}
		defer e.Finalize()
		theta := e.Weights()
		rng := rand.New(rand.NewPCG(seed, 1))
		s := scale * effect.Norm(theta) / math.Sqrt(float64(len(theta)))
		for i := range theta {
			theta[i] += s * rng.NormFloat64()
		}
		return setWeights(m, e.Layout(), theta)
	}
}

// TestTrajectory follows three points: the initial policy, an identical "checkpoint" and a
// perturbed one. The identical one must show no per-position KL, no greedy change and no kernel
// change; the perturbed one must show all three. Along all of them the RL growth rate with
// advantage 1 on correct rollouts and 0 elsewhere must be the correct share times the correct
// rollouts' SE, and the greedy answer's SE (the rewarded one) must be positive.
func TestTrajectory(t *testing.T) {
	c := newGreedyCase(t, 8)
	rng := rand.New(rand.NewPCG(7, 8))
	spaced, unspaced := spacedTokens(t)
	all := append(append([]int32(nil), spaced...), unspaced...)
	var rollouts []Rollout
	for i := range 6 {
		y := c.other
		if i%3 == 0 {
			y = c.best
		}
		rollouts = append(rollouts, Rollout{Pair: effect.Pair{Prompt: c.prompt, Response: []int32{y}}, Correct: y == c.best,
			Advantage: map[bool]float64{true: 1, false: 0}[y == c.best]})
	}
	sft := oneTokenSet(rng, "sft", all, all, 5)
	var positions []effect.Pair
	for range 3 {
		positions = append(positions, effect.Pair{Prompt: randomIDs(rng, all, 4), Response: randomIDs(rng, all, 4+rng.IntN(9))})
	}
	arm := Arm{Name: "rl-test", SFT: &sft, Kernel: kernelSet(&sft, positions, 4), Positions: positions, Points: []Point{
		{Step: 0, Rollouts: rollouts, RolloutStep: 1},
		{Step: 1, Load: func(*lm.Model) error { return nil }, Rollouts: rollouts, RolloutStep: 2},
		{Step: 3, Load: perturb(t, 0.05, 9), Rollouts: rollouts, RolloutStep: 3},
	}}
	o := fastOptions()
	o.Samples = 64
	res, err := Trajectory(backendtest.Must(t), c.base, mustTok(t), c.test, arm, o, nil)
	if err != nil {
		t.Fatal(err)
	}

	if len(res.CorrectSE) != 3 || len(res.Growth) != 9 || len(res.Kernel) != 3 || len(res.Positions) != 2*o.PositionBins {
		t.Fatalf("rows: %d correct-SE, %d growth, %d kernel, %d positions", len(res.CorrectSE), len(res.Growth), len(res.Kernel), len(res.Positions))
	}
	for _, r := range res.CorrectSE {
		t.Logf("step %d: %d/%d correct, mean SE %.4g [%.4g, %.4g], ‖g‖ %.4g, test reward %.3f", r.Step, r.Correct, r.Rollouts, r.Mean, r.Lo, r.Hi, r.TargetNorm, r.TestReward)
		if r.Correct != 2 || r.Rollouts != 6 || !(r.Mean > 0) {
			t.Errorf("step %d: %d/%d correct with mean SE %.4g; want 2/6 and a positive SE (they are the rewarded answer)", r.Step, r.Correct, r.Rollouts, r.Mean)
		}
	}
	growth := map[int64]map[string]GrowthRow{}
	for _, g := range res.Growth {
		if growth[g.Step] == nil {
			growth[g.Step] = map[string]GrowthRow{}
		}
		growth[g.Step][g.Kind] = g
	}
	for step, k := range growth {
		rl, own, sftRow := k[GrowthRL], k[GrowthRLCorrect], k[GrowthSFT]
		if want := own.Mean * 2 / 6; math.Abs(rl.Mean-want) > 1e-9*math.Abs(want) {
			t.Errorf("step %d: RL growth %.6g, want (2/6)·%.6g", step, rl.Mean, own.Mean)
		}
		if rl.N != 6 || own.N != 2 || sftRow.N != 5 || sftRow.Source != "sft" || math.IsNaN(sftRow.Mean) {
			t.Errorf("step %d: growth rows %+v", step, k)
		}
	}

	for _, tc := range []struct {
		step      int64
		perturbed bool
	}{{0, false}, {1, false}, {3, true}} {
		var k KernelRow
		for _, r := range res.Kernel {
			if r.Step == tc.step {
				k = r
			}
		}
		if moved := k.RelativeChange > 1e-6; moved != tc.perturbed || (!tc.perturbed && math.Abs(k.Alignment-1) > 1e-12) {
			t.Errorf("step %d: kernel change %.3g, alignment %.15g (perturbed: %v)", tc.step, k.RelativeChange, k.Alignment, tc.perturbed)
		}
		if tc.step == 0 {
			continue
		}
		for _, p := range res.Positions {
			if p.Step != tc.step {
				continue
			}
			if p.Tokens == 0 {
				t.Errorf("step %d, bin %d: no tokens", p.Step, p.Bin)
			}
			if tc.perturbed && !(p.KL > 0) || !tc.perturbed && (p.KL != 0 || p.ArgmaxChange != 0) {
				t.Errorf("step %d, bin %d: KL %.3g, argmax change %.3g (perturbed: %v)", p.Step, p.Bin, p.KL, p.ArgmaxChange, tc.perturbed)
			}
		}
	}
}

// TestTrajectoryErrors checks the input checks.
func TestTrajectoryErrors(t *testing.T) {
	m := microModel(t, 1)
	pair := effect.Pair{Prompt: []int32{5}, Response: []int32{6}}
	o := fastOptions()
	o.Analyses = []int{AnalysisKernel}
	for _, tc := range []struct {
		name string
		arm  Arm
	}{
		{"no points", Arm{Name: "a", Kernel: []effect.Pair{pair, pair}}},
		{"first not step 0", Arm{Name: "a", Kernel: []effect.Pair{pair, pair}, Points: []Point{{Step: 2}}}},
		{"descending", Arm{Name: "a", Kernel: []effect.Pair{pair, pair}, Points: []Point{{Step: 0}, {Step: 3}, {Step: 2}}}},
		{"kernel too small", Arm{Name: "a", Kernel: []effect.Pair{pair}, Points: []Point{{Step: 0}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Trajectory(backendtest.Must(t), m, mustTok(t), nil, tc.arm, o, nil); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestBinPositions checks the pooling by relative position on hand-made differences.
func TestBinPositions(t *testing.T) {
	d := func(kl []float64, changed ...int) effect.PositionDiff {
		p := effect.PositionDiff{KL: kl, Argmax: make([]int32, len(kl)), RefArgmax: make([]int32, len(kl))}
		for _, j := range changed {
			p.Argmax[j] = 1
		}
		return p
	}
	for _, tc := range []struct {
		name    string
		diffs   []effect.PositionDiff
		bins    int
		tokens  []int
		kl, arg []float64
	}{
		{"one response, one token per bin", []effect.PositionDiff{d([]float64{1, 2, 3, 4}, 3)}, 4,
			[]int{1, 1, 1, 1}, []float64{1, 2, 3, 4}, []float64{0, 0, 0, 1}},
		{"lengths 2 and 4 in two bins", []effect.PositionDiff{d([]float64{1, 3}, 0), d([]float64{1, 1, 5, 7}, 2, 3)}, 2,
			[]int{3, 3}, []float64{1, 5}, []float64{1. / 3, 2. / 3}},
		{"short response leaves bins empty", []effect.PositionDiff{d([]float64{2}, 0)}, 3,
			[]int{1, 0, 0}, []float64{2, math.NaN(), math.NaN()}, []float64{1, math.NaN(), math.NaN()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := BinPositions(tc.diffs, tc.bins)
			same := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 || math.IsNaN(a) && math.IsNaN(b) }
			for b, g := range got {
				if g.Tokens != tc.tokens[b] || !same(g.KL, tc.kl[b]) || !same(g.ArgmaxChange, tc.arg[b]) ||
					!same(g.From, float64(b)/float64(tc.bins)) || !same(g.To, float64(b+1)/float64(tc.bins)) {
					t.Errorf("bin %d: %+v, want %d tokens, KL %g, argmax change %g", b, g, tc.tokens[b], tc.kl[b], tc.arg[b])
				}
			}
		})
	}
}
