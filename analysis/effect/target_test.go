package effect

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/r1lab/r1lab/analysis/stats"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

func TestREINFORCEWeightsByHand(t *testing.T) {
	// Two prompts: group 7 with rewards 1, 0, 0 and group 2 with rewards 1, 1 (P = 2).
	rs := []Rollout{{Group: 7, Reward: 1}, {Group: 7}, {Group: 2, Reward: 1}, {Group: 7}, {Group: 2, Reward: 1}}
	for _, tc := range []struct {
		b    Baseline
		want []float64
	}{
		// mean: group 7 has b = 1/3, n = 3 → (2/3)/6, (−1/3)/6; group 2 has b = 1 → 0.
		{BaselineMean, []float64{1.0 / 9, -1.0 / 18, 0, -1.0 / 18, 0}},
		// leave-one-out: b = 0 for the rewarded one, 1/2 for the others → 1/6, −1/12.
		{BaselineLeaveOneOut, []float64{1.0 / 6, -1.0 / 12, 0, -1.0 / 12, 0}},
		// none: r/(P·n).
		{BaselineNone, []float64{1.0 / 6, 0, 1.0 / 4, 0, 1.0 / 4}},
	} {
		got, err := REINFORCEWeights(rs, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			if math.Abs(got[i]-tc.want[i]) > 1e-15 {
				t.Errorf("%s: w[%d] = %g, want %g", tc.b, i, got[i], tc.want[i])
			}
		}
	}
	if _, err := REINFORCEWeights([]Rollout{{Group: 1}, {Group: 2}, {Group: 2}}, BaselineLeaveOneOut); err == nil {
		t.Error("leave-one-out with a single rollout accepted")
	} else {
		t.Log(err)
	}
	if _, err := REINFORCEWeights([]Rollout{{Reward: math.NaN()}}, BaselineMean); err == nil {
		t.Error("NaN reward accepted")
	}
}

// TestTargetREINFORCEByHand: the batched REINFORCE gradient equals the hand-assembled
// Σ_i w_i·∇log π(y_i|x_i), with ∇log π(y|x) = |y|·s(z) from the per-sample gradients, and the
// leave-one-out estimate is n/(n−1) times the mean-baseline one.
func TestTargetREINFORCEByHand(t *testing.T) {
	vocab := mustVocab(t)
	m := newModel(t, microConfig(vocab, dtypes.Float64), 31)
	opts := DefaultOptions()
	opts.BatchSize = 4 // several batches, one padded with dummy rows
	e := newEstimator(t, m, opts)
	rng := rand.New(rand.NewPCG(10, 11))
	rollouts := randomRollouts(rng, 2, 3, vocab) // 6 rollouts, 3 per prompt
	rollouts[0].Reward, rollouts[1].Reward, rollouts[2].Reward = 1, 0, 0
	rollouts[3].Reward, rollouts[4].Reward, rollouts[5].Reward = 1, 1, 0
	got, err := e.TargetREINFORCE(rollouts, BaselineMean)
	if err != nil {
		t.Fatal(err)
	}
	// Hand: b = 1/3 and 2/3; w = (r − b)/(2·3).
	w := []float64{(1 - 1.0/3) / 6, (0 - 1.0/3) / 6, (0 - 1.0/3) / 6, (1 - 2.0/3) / 6, (1 - 2.0/3) / 6, (0 - 2.0/3) / 6}
	want := make([]float64, e.Layout().Dim)
	for i, r := range rollouts {
		s, err := e.SampleGradient(r.Pair)
		if err != nil {
			t.Fatal(err)
		}
		for k := range want {
			want[k] += w[i] * float64(len(r.Response)) * s[k]
		}
	}
	if d := Norm(sub(got, want)) / Norm(want); d > 1e-12 {
		t.Errorf("REINFORCE gradient differs from the hand computation by %.3g (relative)", d)
	}
	loo, err := e.TargetREINFORCE(rollouts, BaselineLeaveOneOut)
	if err != nil {
		t.Fatal(err)
	}
	for k := range want {
		want[k] = 1.5 * got[k]
	}
	if d := Norm(sub(loo, want)) / Norm(want); d > 1e-12 {
		t.Errorf("leave-one-out ≠ 3/2 × mean baseline: relative difference %.3g", d)
	}
}

// TestTargetExactMatchesFiniteDifference: the enumerated gradient at temperature 0.7 is the
// derivative of the enumerated expected reward J(θ) = mean_x Σ_y r·π_T(y|x), checked by a
// central difference along a random direction on separately built models.
func TestTargetExactMatchesFiniteDifference(t *testing.T) {
	vocab := mustVocab(t)
	cfg := microConfig(vocab, dtypes.Float64)
	m := newModel(t, cfg, 41)
	opts := DefaultOptions()
	opts.Temperature = 0.7
	e := newEstimator(t, m, opts)
	rng := rand.New(rand.NewPCG(12, 13))
	var enums []Enumeration
	for range 2 {
		p := randomPairs(rng, 4, vocab, 3, 8, 1, 3)
		en := Enumeration{Prompt: p[0].Prompt}
		for j, q := range p {
			en.Responses = append(en.Responses, q.Response)
			en.Rewards = append(en.Rewards, float64(j%2)+0.5)
		}
		enums = append(enums, en)
	}
	g, j0, err := e.TargetExact(enums)
	if err != nil {
		t.Fatal(err)
	}
	v := randomUnit(rng, len(g))
	const h = 1e-5
	at := func(sign float64) float64 {
		sm := newModel(t, cfg, 0)
		w := e.Weights()
		for i := range w {
			w[i] += sign * h * v[i]
		}
		if err := writeWeights(sm.Store, sm.Path, cfg, e.Layout(), w); err != nil {
			t.Fatal(err)
		}
		_, j, err := newEstimator(t, sm, opts).TargetExact(enums)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	fd := (at(1) - at(-1)) / (2 * h)
	ad := Dot(g, v)
	t.Logf("J = %.6g; ⟨g, v⟩ = %.10g, finite difference %.10g", j0, ad, fd)
	if math.Abs(fd-ad) > 1e-7*math.Max(math.Abs(fd), 1e-6) && math.Abs(fd-ad) > 1e-12 {
		t.Errorf("⟨g, v⟩ = %.10g, finite difference %.10g", ad, fd)
	}
}

// TestEnumerationMatchesREINFORCE uses one-token responses, whose response space (the
// vocabulary) can be enumerated completely. It uses a 32-token vocabulary so that every score
// vector ∇log π(v|x) can be computed too:
//   - the enumerated probabilities sum to 1;
//   - enumerating every response with rewards r − c gives the same gradient as enumerating the
//     rewarded ones with r (a constant baseline has zero expectation: Σ_y π ∇log π = ∇1 = 0);
//   - REINFORCE over N responses sampled from π converges to it, with the error the exact
//     variance predicts: E‖ĝ − g‖² ≈ (Σ_v π_v (r_v − b)²‖∇log π_v‖² − ‖g‖²)/N with b = E[r]
//     (the leave-one-out baseline's limit).
func TestEnumerationMatchesREINFORCE(t *testing.T) {
	const vocab = 32
	m := newModel(t, microConfig(vocab, dtypes.Float64), 51)
	opts := DefaultOptions()
	opts.BatchSize = 512
	e := newEstimator(t, m, opts)
	prompt := []int32{5, 17, 20, 31, 7}
	all := make([]Pair, vocab)
	for v := range all {
		all[v] = Pair{Prompt: prompt, Response: []int32{int32(v)}}
	}
	logp, err := e.SequenceLogProbs(all)
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	probs := make([]float64, vocab)
	for v, lp := range logp {
		probs[v] = math.Exp(lp)
		total += probs[v]
	}
	if math.Abs(total-1) > 1e-12 {
		t.Fatalf("Σ_y π(y|x) = %.15g, want 1", total)
	}
	reward := func(v int) float64 { return float64(v % 3 / 2) } // tokens ≡ 2 (mod 3) are correct
	rewarded := Enumeration{Prompt: prompt}
	full := Enumeration{Prompt: prompt}
	for v := range vocab {
		if reward(v) != 0 {
			rewarded.Responses = append(rewarded.Responses, []int32{int32(v)})
			rewarded.Rewards = append(rewarded.Rewards, reward(v))
		}
		full.Responses = append(full.Responses, []int32{int32(v)})
		full.Rewards = append(full.Rewards, reward(v)-0.37)
	}
	gExact, acc, err := e.TargetExact([]Enumeration{rewarded})
	if err != nil {
		t.Fatal(err)
	}
	gFull, _, err := e.TargetExact([]Enumeration{full})
	if err != nil {
		t.Fatal(err)
	}
	if d := Norm(sub(gFull, gExact)) / Norm(gExact); d > 1e-10 {
		t.Errorf("full enumeration with a baseline differs from the rewarded-only one by %.3g", d)
	}

	// The single-sample variance, from the score vectors (|y| = 1, so s(z) = ∇log π(y|x)).
	scores, err := e.SampleGradients(all)
	if err != nil {
		t.Fatal(err)
	}
	secondMoment := 0.0
	for v, s := range scores {
		d := reward(v) - acc
		secondMoment += probs[v] * d * d * Dot(s, s)
	}
	variance := secondMoment - Dot(gExact, gExact)
	t.Logf("expected reward %.4f, ‖g‖ = %.4g, single-sample E‖ĝ − g‖² = %.4g", acc, Norm(gExact), variance)

	rng := rand.New(rand.NewPCG(14, 15))
	cdf := make([]float64, vocab)
	c := 0.0
	for v, p := range probs {
		c += p
		cdf[v] = c
	}
	draw := func() int {
		u := rng.Float64() * c
		for v, x := range cdf {
			if u < x {
				return v
			}
		}
		return vocab - 1
	}
	for _, n := range []int{500, 8000} {
		rollouts := make([]Rollout, n)
		for i := range rollouts {
			v := draw()
			rollouts[i] = Rollout{Pair: all[v], Reward: reward(v)}
		}
		g, err := e.TargetREINFORCE(rollouts, BaselineLeaveOneOut)
		if err != nil {
			t.Fatal(err)
		}
		got := Norm(sub(g, gExact)) / Norm(gExact)
		want := math.Sqrt(variance/float64(n)) / Norm(gExact)
		cos := Dot(g, gExact) / (Norm(g) * Norm(gExact))
		t.Logf("N = %5d: ‖ĝ − g‖/‖g‖ = %.4f (predicted %.4f), cosine %.5f", n, got, want, cos)
		if got > 2*want || got < want/3 {
			t.Errorf("N = %d: relative error %.4f, predicted %.4f", n, got, want)
		}
	}
}

// TestTargetAtOtherCheckpointDiffers is a smoke test of the typical flow on a Float32 model:
// target by REINFORCE, dataset SE as the mean of the fast estimates, at two checkpoints.
func TestTargetAtOtherCheckpointDiffers(t *testing.T) {
	vocab := mustVocab(t)
	rng := rand.New(rand.NewPCG(16, 17))
	rollouts := randomRollouts(rng, 3, 4, vocab)
	data := randomPairs(rng, 8, vocab, 4, 10, 2, 6)
	var means []float64
	for _, seed := range []uint64{1, 2} {
		e := newEstimator(t, newModel(t, microConfig(vocab, dtypes.Float32), seed), DefaultOptions())
		g, err := e.TargetREINFORCE(rollouts, BaselineMean)
		if err != nil {
			t.Fatal(err)
		}
		se, err := e.FastSE(g, data)
		if err != nil {
			t.Fatal(err)
		}
		means = append(means, stats.Mean(se))
	}
	if means[0] == means[1] || math.IsNaN(means[0]) {
		t.Errorf("dataset SE at two checkpoints: %v", means)
	}
	_ = lm.DefaultPath
}
