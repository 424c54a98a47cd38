package effect

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/gomlx/compute/dtypes"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// benchSamples is the number of pairs the benchmarks process per iteration. The target
// workload is 1,000; the default is smaller so that `go test -bench .` finishes in minutes on a
// shared 2-core machine. Per-sample costs are reported (ns/sample), so they can be compared.
var benchSamples = flag.Int("effect.bench_samples", 64, "pairs per benchmark iteration (the target workload is 1000)")

// benchSetup returns a "tiny" preset model (Float32, the task tokenizer's vocabulary) and pairs
// of realistic K&K length: ~200 prompt and ~150 response tokens (±10%).
func benchSetup(b *testing.B) (*lm.Model, []Pair) {
	vocab := mustVocab(b)
	cfg, err := lm.ConfigForSize("tiny", vocab)
	if err != nil {
		b.Fatal(err)
	}
	m := newModel(b, cfg, 1)
	return m, randomPairs(rand.New(rand.NewPCG(31, 32)), *benchSamples, vocab, 180, 220, 135, 165)
}

// BenchmarkFastVsForward times, in each iteration, one batched forward pass over the pairs
// (LogLikelihoods, in the forward dtype) and the fast estimator over the same pairs (in the fast
// dtype), and reports both per sample and their ratio fast/forward. The model itself is
// Float32; "central-difference/fast=Float64/forward=Float32" is the default configuration
// against the model's own forward pass.
func BenchmarkFastVsForward(b *testing.B) {
	m, pairs := benchSetup(b)
	for _, tc := range []struct {
		fast, fwd dtypes.DType
		method    FastMethod
	}{
		{dtypes.Float64, dtypes.Float32, CentralDifference},
		{dtypes.Float64, dtypes.Float64, CentralDifference},
		{dtypes.Float32, dtypes.Float32, CentralDifference},
		{dtypes.Float64, dtypes.Float32, DoubleBackward},
	} {
		b.Run(fmt.Sprintf("%s/fast=%s/forward=%s", tc.method, tc.fast, tc.fwd), func(b *testing.B) {
			optsFast, optsFwd := DefaultOptions(), DefaultOptions()
			optsFast.DType, optsFwd.DType = tc.fast, tc.fwd
			optsFast.FastMethod = tc.method
			fast, fwd := newEstimator(b, m, optsFast), newEstimator(b, m, optsFwd)
			g := randomUnit(rand.New(rand.NewPCG(33, 34)), fast.Layout().Dim)
			// Warm-up: compile every batch shape outside the timing.
			if _, err := fwd.LogLikelihoods(pairs); err != nil {
				b.Fatal(err)
			}
			if _, err := fast.FastSE(g, pairs); err != nil {
				b.Fatal(err)
			}
			var tFwd, tFast time.Duration
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if _, err := fwd.LogLikelihoods(pairs); err != nil {
					b.Fatal(err)
				}
				mid := time.Now()
				if _, err := fast.FastSE(g, pairs); err != nil {
					b.Fatal(err)
				}
				tFwd += mid.Sub(start)
				tFast += time.Since(mid)
			}
			n := float64(b.N * len(pairs))
			b.ReportMetric(float64(tFwd.Nanoseconds())/n, "forward-ns/sample")
			b.ReportMetric(float64(tFast.Nanoseconds())/n, "fast-ns/sample")
			b.ReportMetric(float64(tFast)/float64(tFwd), "fast/forward")
		})
	}
}

// BenchmarkExactSE times the exact estimator (one backward pass per pair, batch of one, inner
// product with g) on the first few pairs, per sample, for comparison with the fast one.
func BenchmarkExactSE(b *testing.B) {
	m, pairs := benchSetup(b)
	pairs = pairs[:min(4, len(pairs))]
	for _, dt := range []dtypes.DType{dtypes.Float64, dtypes.Float32} {
		b.Run(dt.String(), func(b *testing.B) {
			opts := DefaultOptions()
			opts.DType = dt
			e := newEstimator(b, m, opts)
			g := randomUnit(rand.New(rand.NewPCG(33, 34)), e.Layout().Dim)
			if _, err := e.ExactSE(g, pairs[:1]); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := e.ExactSE(g, pairs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(pairs)), "ns/sample")
		})
	}
}
