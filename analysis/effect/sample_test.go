package effect

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/grpo"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// lmObjective evaluates f(z) = (1/|y|)·log π(y|x) of one pair under m with lm's own graph
// functions only (lm.TokenLogProbs, lm.SequenceNLL), independently of this package's batching
// and of grpo.TokenLogProbs.
func lmObjective(t *testing.T, m *lm.Model, p Pair) float64 {
	t.Helper()
	prompts, responses := [][]int32{p.Prompt}, [][]int32{p.Response}
	b := grpo.NewBatch(prompts, responses, [][]float32{make([]float32, len(p.Response))}, []float64{0}, 0, 1)
	x, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tok, mask, lossMask *graph.Node) *graph.Node {
		lp := lm.TokenLogProbs(m.Scope(), m.Config, tok, nil, mask, lm.NextTokenTargets(tok, 0))
		return graph.Neg(lm.SequenceNLL(lp, lossMask))
	})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Finalize()
	out, err := x.Call(b.Tokens, b.Mask, b.LossMask)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float64](out[0])[0]
}

// TestSampleGradientMatchesFiniteDifferences checks the exact per-sample gradient s(z) against a
// central difference of f(z) along random directions, in Float64, with f evaluated by lm alone
// on separately built models at θ ± h·v. With h = 1e-5 (‖θ‖ ≈ 40) the truncation error is
// O(h²) ≈ 1e-10 and rounding ≈ 1e-16/h ≈ 1e-11.
func TestSampleGradientMatchesFiniteDifferences(t *testing.T) {
	vocab := mustVocab(t)
	cfg := microConfig(vocab, dtypes.Float64)
	m := newModel(t, cfg, 21)
	e := newEstimator(t, m, DefaultOptions())
	rng := rand.New(rand.NewPCG(3, 4))
	pairs := randomPairs(rng, 3, vocab, 3, 12, 1, 9)
	layout := e.Layout()
	theta := e.Weights()
	shifted := func(v []float64, h float64) *lm.Model {
		sm := newModel(t, cfg, 0)
		w := make([]float64, len(theta))
		for i := range w {
			w[i] = theta[i] + h*v[i]
		}
		if err := writeWeights(sm.Store, sm.Path, cfg, layout, w); err != nil {
			t.Fatal(err)
		}
		return sm
	}
	lls, err := e.LogLikelihoods(pairs)
	if err != nil {
		t.Fatal(err)
	}
	const h = 1e-5
	worst := 0.0
	for i, p := range pairs {
		if d := math.Abs(lls[i] - lmObjective(t, m, p)); d > 1e-12 {
			t.Errorf("pair %d: LogLikelihoods %.15g differs from lm's %.15g", i, lls[i], lmObjective(t, m, p))
		}
		s, err := e.SampleGradient(p)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != layout.Dim {
			t.Fatalf("gradient has %d elements, layout %d", len(s), layout.Dim)
		}
		for range 2 {
			v := randomUnit(rng, layout.Dim)
			fd := (lmObjective(t, shifted(v, h), p) - lmObjective(t, shifted(v, -h), p)) / (2 * h)
			ad := Dot(s, v)
			rel := math.Abs(fd-ad) / math.Max(math.Abs(fd), 1e-3)
			worst = max(worst, rel)
			if rel > 1e-6 {
				t.Errorf("pair %d: ⟨s, v⟩ = %.10g, finite difference %.10g (relative Δ %.2g)", i, ad, fd, rel)
			}
		}
	}
	t.Logf("worst relative |⟨s,v⟩ − FD| = %.2g over %d pairs × 2 directions (D = %d)", worst, len(pairs), layout.Dim)
}

// TestSampleGradientsOfPaddedBatchesAgree: a pair's gradient does not depend on the length
// bucket (padding) it was computed with, and the Float64 copy of a Float32 model holds exactly
// the model's weights.
func TestSampleGradientsOfPaddedBatchesAgree(t *testing.T) {
	vocab := mustVocab(t)
	m := newModel(t, microConfig(vocab, dtypes.Float32), 5)
	p := randomPairs(rand.New(rand.NewPCG(8, 9)), 1, vocab, 5, 5, 4, 4)[0]
	var grads [][]float64
	for _, bucket := range []int{1, 16, 64} {
		opts := DefaultOptions()
		opts.LengthBucket = bucket
		e := newEstimator(t, m, opts)
		s, err := e.SampleGradient(p)
		if err != nil {
			t.Fatal(err)
		}
		grads = append(grads, s)
		if bucket == 1 {
			w := e.Weights()
			orig := tensors.MustCopyFlatData[float32](m.Store.GetVariable(m.Path + "/" + lm.ParamEmbed).MustValue())
			for i, x := range orig {
				if w[i] != float64(x) {
					t.Fatalf("embed[%d]: copied %v, model %v", i, w[i], x)
				}
			}
		}
	}
	for k := 1; k < len(grads); k++ {
		if d := Norm(sub(grads[k], grads[0])) / Norm(grads[0]); d > 1e-12 {
			t.Errorf("bucket variant %d: gradient differs by %.2g (relative)", k, d)
		}
	}
}

// TestBadInputs: errors name what is wrong.
func TestBadInputs(t *testing.T) {
	vocab := mustVocab(t)
	m := newModel(t, microConfig(vocab, dtypes.Float32), 5)
	if _, err := New(backendtest.Must(t), m, Options{}); err == nil {
		t.Error("zero Options accepted")
	} else {
		t.Log(err)
	}
	e := newEstimator(t, m, DefaultOptions())
	for name, p := range map[string]Pair{
		"empty prompt":   {Response: []int32{1}},
		"empty response": {Prompt: []int32{1}},
		"bad id":         {Prompt: []int32{1}, Response: []int32{int32(vocab)}},
		"too long":       {Prompt: make([]int32, 300), Response: []int32{1}},
	} {
		if _, err := e.LogLikelihoods([]Pair{p}); err == nil {
			t.Errorf("%s: accepted", name)
		} else {
			t.Logf("%s: %v", name, err)
		}
	}
}
