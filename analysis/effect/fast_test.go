package effect

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// TestFastMatchesExact is the package's main check: on 200 random pairs of a micro model, the
// fast estimator (central difference of batched forward passes) agrees with the exact one
// (per-sample gradients by autodiff, inner product with g).
func TestFastMatchesExact(t *testing.T) {
	vocab := mustVocab(t)
	rng := rand.New(rand.NewPCG(1, 2))
	m := newModel(t, microConfig(vocab, dtypes.Float32), 3)
	e := newEstimator(t, m, DefaultOptions()) // Float64 copy of a Float32 model
	g, err := e.TargetREINFORCE(randomRollouts(rng, 4, 4, vocab), BaselineMean)
	if err != nil {
		t.Fatal(err)
	}
	pairs := randomPairs(rng, 200, vocab, 4, 24, 2, 16)
	start := time.Now()
	exact, err := e.ExactSE(g, pairs)
	if err != nil {
		t.Fatal(err)
	}
	tExact := time.Since(start)
	start = time.Now()
	fast, err := e.FastSE(g, pairs)
	if err != nil {
		t.Fatal(err)
	}
	tFast := time.Since(start)
	r, re := pearson(exact, fast), relErr(fast, exact)
	t.Logf("D=%d, 200 pairs: Pearson %.12f, max |fast−exact|/max|exact| = %.2g; exact %v, fast %v",
		e.Layout().Dim, r, re, tExact.Round(time.Millisecond), tFast.Round(time.Millisecond))
	if r < 0.99 {
		t.Errorf("Pearson(exact, fast) = %.6f < 0.99", r)
	}
	if re > 1e-5 {
		t.Errorf("Float64 fast estimator's relative error %.3g > 1e-5", re)
	}

	// The exact JVP by double backward, on a subset (it is slower).
	optsDB := DefaultOptions()
	optsDB.FastMethod = DoubleBackward
	db, err := newEstimator(t, m, optsDB).FastSE(g, pairs[:40])
	if err != nil {
		t.Fatal(err)
	}
	reDB := relErr(db, exact[:40])
	t.Logf("double backward: max relative error %.2g", reDB)
	if reDB > 1e-10 {
		t.Errorf("double backward differs from the exact estimator by %.3g (relative)", reDB)
	}

	// Float32 with its default step: well correlated, less precise.
	opts := DefaultOptions()
	opts.DType = dtypes.Float32
	e32 := newEstimator(t, m, opts)
	fast32, err := e32.FastSE(g, pairs)
	if err != nil {
		t.Fatal(err)
	}
	r32, re32 := pearson(exact, fast32), relErr(fast32, exact)
	t.Logf("Float32 (Epsilon %g): Pearson %.10f, relative error %.2g", opts.epsilon(), r32, re32)
	if r32 < 0.99 || re32 > 1e-2 {
		t.Errorf("Float32: Pearson(exact, fast) = %.6f (want ≥ 0.99), relative error %.3g (want ≤ 1e-2)", r32, re32)
	}
}

// TestFastStepSweep measures the fast estimator's error against the exact one as a function of
// the relative step Epsilon, in Float64 and Float32, on the micro test model (init std 0.3:
// strongly curved) and on the real "tiny" preset (init std 0.02) with short sequences: the
// numbers quoted in the package doc. It checks that each dtype's default step is within a
// factor of the best one.
func TestFastStepSweep(t *testing.T) {
	if testing.Short() {
		t.Skip("step sweep skipped in -short mode")
	}
	vocab := mustVocab(t)
	tiny, err := lm.ConfigForSize("tiny", vocab)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		cfg   lm.Config
		pairs int
	}{{"micro", microConfig(vocab, dtypes.Float32), 32}, {"tiny", tiny, 6}} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(5, 6))
			m := newModel(t, tc.cfg, 7)
			e := newEstimator(t, m, DefaultOptions())
			g, err := e.TargetREINFORCE(randomRollouts(rng, 3, 4, vocab), BaselineMean)
			if err != nil {
				t.Fatal(err)
			}
			pairs := randomPairs(rng, tc.pairs, vocab, 4, 24, 2, 16)
			exact, err := e.ExactSE(g, pairs)
			if err != nil {
				t.Fatal(err)
			}
			for _, dt := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
				best, atDefault := math.Inf(1), math.NaN()
				for _, eps := range []float64{1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2} {
					opts := DefaultOptions()
					opts.DType, opts.Epsilon = dt, eps
					fe := newEstimator(t, m, opts)
					fast, err := fe.FastSE(g, pairs)
					if err != nil {
						t.Fatal(err)
					}
					re := relErr(fast, exact)
					best = min(best, re)
					if eps == (Options{DType: dt}).epsilon() {
						atDefault = re
					}
					t.Logf("%s Epsilon %.0e (h = %.2g): max relative error %.2g, Pearson %.10f", dt, eps, fe.step(), re, pearson(fast, exact))
				}
				if !(atDefault <= 30*best) || !(atDefault <= 1e-2) {
					t.Errorf("%s: default step's error %.3g, best %.3g", dt, atDefault, best)
				}
			}
		})
	}
}

// TestDirectionalDerivativeOfZero: a zero direction gives zero effects without evaluating.
func TestDirectionalDerivativeOfZero(t *testing.T) {
	vocab := mustVocab(t)
	m := newModel(t, microConfig(vocab, dtypes.Float32), 3)
	e := newEstimator(t, m, DefaultOptions())
	got, err := e.FastSE(make([]float64, e.Layout().Dim), randomPairs(rand.New(rand.NewPCG(1, 1)), 3, vocab, 2, 4, 1, 3))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range got {
		if v != 0 {
			t.Errorf("SE[%d] = %g for g = 0", i, v)
		}
	}
	if _, err := e.FastSE(make([]float64, 3), nil); err == nil {
		t.Error("a direction of the wrong length was accepted")
	}
}
