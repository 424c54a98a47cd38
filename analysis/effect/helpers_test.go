package effect

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/r1lab/r1lab/analysis/stats"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// taskVocab is the vocabulary size of the task tokenizer, so test models have real-sized
// embeddings.
var taskVocab = sync.OnceValues(func() (int, error) {
	tok, err := tokenizer.ForTasks()
	if err != nil {
		return 0, err
	}
	return tok.VocabSize(), nil
})

func mustVocab(t testing.TB) int {
	t.Helper()
	v, err := taskVocab()
	if err != nil {
		t.Fatalf("tokenizer: %v", err)
	}
	return v
}

// microConfig is a smaller-than-"tiny" model so the tests run in seconds on 2 cores: d 16,
// 2 layers, 2 query heads sharing 1 KV head of 8, FFN 32, the given vocabulary. A large init
// std (0.3 instead of 0.02) makes its next-token distributions far from uniform, so log-probs
// and gradients differ from sample to sample.
func microConfig(vocab int, dt dtypes.DType) lm.Config {
	return lm.Config{Vocab: vocab, DModel: 16, Layers: 2, Heads: 2, KVHeads: 1, HeadDim: 8, FFN: 32,
		RoPEBase: 10000, MaxSeqLen: 256, NormEps: 1e-6, InitStd: 0.3, DType: dt}
}

func newModel(t testing.TB, cfg lm.Config, seed uint64) *lm.Model {
	t.Helper()
	m, err := lm.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newEstimator(t testing.TB, m *lm.Model, opts Options) *Estimator {
	t.Helper()
	e, err := New(backendtest.Must(t), m, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Finalize)
	return e
}

// randomPairs returns n pairs of random tokens: prompts of minP..maxP tokens, responses of
// minR..maxR tokens.
func randomPairs(rng *rand.Rand, n, vocab, minP, maxP, minR, maxR int) []Pair {
	seq := func(lo, hi int) []int32 {
		s := make([]int32, lo+rng.IntN(hi-lo+1))
		for i := range s {
			s[i] = int32(rng.IntN(vocab))
		}
		return s
	}
	out := make([]Pair, n)
	for i := range out {
		out[i] = Pair{Prompt: seq(minP, maxP), Response: seq(minR, maxR)}
	}
	return out
}

// randomRollouts returns groups×perGroup rollouts: each group shares a random prompt, responses
// are random and rewards are 0/1 with probability 1/2.
func randomRollouts(rng *rand.Rand, groups, perGroup, vocab int) []Rollout {
	var out []Rollout
	for g := range groups {
		prompt := randomPairs(rng, 1, vocab, 4, 10, 1, 1)[0].Prompt
		for _, p := range randomPairs(rng, perGroup, vocab, 1, 1, 2, 8) {
			out = append(out, Rollout{Pair: Pair{Prompt: prompt, Response: p.Response}, Group: g, Reward: float64(rng.IntN(2))})
		}
	}
	return out
}

func pearson(a, b []float64) float64 {
	ma, mb := stats.Mean(a), stats.Mean(b)
	var sab, saa, sbb float64
	for i := range a {
		da, db := a[i]-ma, b[i]-mb
		sab += da * db
		saa += da * da
		sbb += db * db
	}
	return sab / math.Sqrt(saa*sbb)
}

// relErr is max_i |got_i − want_i| / max_i |want_i|.
func relErr(got, want []float64) float64 {
	var d, s float64
	for i := range want {
		d = max(d, math.Abs(got[i]-want[i]))
		s = max(s, math.Abs(want[i]))
	}
	return d / s
}

func sub(a, b []float64) []float64 {
	out := make([]float64, len(a))
	for i := range a {
		out[i] = a[i] - b[i]
	}
	return out
}

func randomUnit(rng *rand.Rand, n int) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	s := 1 / Norm(v)
	for i := range v {
		v[i] *= s
	}
	return v
}
