package sample

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// testModel is a tiny random model. InitStd 0.5 makes its next-token distributions peaked and
// varied (a 0.02 init would be nearly uniform), so greedy/EOS behaviour is non-trivial.
func testModel(t testing.TB) *lm.Model {
	t.Helper()
	cfg := lm.Config{
		Vocab: 31, DModel: 32, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 8, FFN: 48,
		RoPEBase: 10000, MaxSeqLen: 96, NormEps: 1e-6, InitStd: 0.5, DType: dtypes.Float32,
	}
	m, err := lm.New(cfg, 5)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func newSampler(t testing.TB, m *lm.Model) *Sampler {
	t.Helper()
	s, err := New(backendtest.Must(t), m)
	if err != nil {
		t.Fatal(err)
	}
	// A small bucket so that the ragged prompts below really get different amounts of padding.
	return s.WithLengthBucket(4)
}

// raggedPrompts returns prompts of the given lengths with random ids in [1, vocab).
func raggedPrompts(seed uint64, vocab int, lengths ...int) [][]int32 {
	rng := rand.New(rand.NewPCG(seed, 0))
	out := make([][]int32, len(lengths))
	for i, n := range lengths {
		for range n {
			out[i] = append(out[i], int32(1+rng.IntN(vocab-1)))
		}
	}
	return out
}

func seedsFor(n int, run uint64) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = SeedFor(run, 0, uint64(i), 0)
	}
	return out
}

func mustGenerate(t testing.TB, s *Sampler, prompts [][]int32, seeds []uint64, opts Options) []Result {
	t.Helper()
	res, err := s.Generate(prompts, seeds, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// captureLogits runs Generate and records, per generated index, the logits [B·V] it picked from.
func captureLogits(t *testing.T, s *Sampler, prompts [][]int32, seeds []uint64, opts Options) ([]Result, [][]float32) {
	t.Helper()
	var steps [][]float32
	s.onLogits = func(_ int, l []float32) { steps = append(steps, slices.Clone(l)) }
	defer func() { s.onLogits = nil }()
	return mustGenerate(t, s, prompts, seeds, opts), steps
}

// TestCacheMatchesRecompute checks the KV-cache decode against full recomputation twice over:
// against the sampler's own NoCache path (same padded batch), and against lm.Logits run on each
// row alone, unpadded, so left padding and per-row positions are checked too.
func TestCacheMatchesRecompute(t *testing.T) {
	m := testModel(t)
	s := newSampler(t, m)
	prompts := raggedPrompts(1, m.Config.Vocab, 7, 1, 4, 10)
	opts := Options{MaxNewTokens: 9, Temperature: 0, TopP: 1}
	cached, cachedLogits := captureLogits(t, s, prompts, nil, opts)
	opts.NoCache = true
	full, fullLogits := captureLogits(t, s, prompts, nil, opts)

	if len(cachedLogits) != len(fullLogits) {
		t.Fatalf("cached run took %d steps, recompute %d", len(cachedLogits), len(fullLogits))
	}
	worst := 0.0
	for i := range cachedLogits {
		for j := range cachedLogits[i] {
			worst = max(worst, math.Abs(float64(cachedLogits[i][j]-fullLogits[i][j])))
		}
	}
	t.Logf("cache vs NoCache: max |Δlogit| = %.2g over %d steps", worst, len(cachedLogits))
	if worst >= 1e-4 {
		t.Errorf("cache vs NoCache: max |Δlogit| = %g, want < 1e-4", worst)
	}
	for r := range prompts {
		if !slices.Equal(cached[r].Tokens, full[r].Tokens) {
			t.Errorf("row %d: cached tokens %v, recomputed %v", r, cached[r].Tokens, full[r].Tokens)
		}
	}

	// Each row alone, unpadded: logits at position len(prompt)−1+i score generated token i.
	v := m.Config.Vocab
	exec, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tok *Node) *Node {
		return lm.Logits(m.Scope(), m.Config, tok, nil, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	worst = 0
	for r, p := range prompts {
		seq := append(slices.Clone(p), cached[r].Tokens...)
		out, err := exec.Call([][]int32{seq})
		if err != nil {
			t.Fatal(err)
		}
		ref := tensors.MustCopyFlatData[float32](out[0]) // [1, S, V]
		for i := range cached[r].Tokens {
			pos := len(p) - 1 + i
			for k := range v {
				worst = max(worst, math.Abs(float64(cachedLogits[i][r*v+k]-ref[pos*v+k])))
			}
		}
	}
	t.Logf("cache vs each row alone: max |Δlogit| = %.2g", worst)
	if worst >= 1e-4 {
		t.Errorf("cache (left-padded batch) vs each row alone: max |Δlogit| = %g, want < 1e-4", worst)
	}
}

func TestSeeds(t *testing.T) {
	m := testModel(t)
	s := newSampler(t, m)
	prompts := raggedPrompts(2, m.Config.Vocab, 3, 5, 2)
	opts := Options{MaxNewTokens: 12, Temperature: 1, TopP: 1}
	a := mustGenerate(t, s, prompts, seedsFor(3, 100), opts)
	b := mustGenerate(t, s, prompts, seedsFor(3, 100), opts)
	c := mustGenerate(t, s, prompts, seedsFor(3, 101), opts)
	for r := range prompts {
		if !slices.Equal(a[r].Tokens, b[r].Tokens) || !slices.Equal(a[r].LogProbs, b[r].LogProbs) {
			t.Errorf("row %d: same seeds gave different results: %v vs %v", r, a[r].Tokens, b[r].Tokens)
		}
		if slices.Equal(a[r].Tokens, c[r].Tokens) {
			t.Errorf("row %d: different seeds gave the same 12 tokens %v", r, a[r].Tokens)
		}
		// At temperature 1 without top-p the sampling distribution is the policy.
		for i := range a[r].LogProbs {
			if math.Abs(float64(a[r].LogProbs[i]-a[r].SampleLogProbs[i])) > 1e-5 {
				t.Errorf("row %d token %d: LogProbs %g ≠ SampleLogProbs %g at T=1, top-p 1",
					r, i, a[r].LogProbs[i], a[r].SampleLogProbs[i])
			}
		}
	}
}

func TestTemperatureToZeroIsGreedy(t *testing.T) {
	m := testModel(t)
	s := newSampler(t, m)
	prompts := raggedPrompts(3, m.Config.Vocab, 4, 6, 1)
	greedy := mustGenerate(t, s, prompts, nil, Options{MaxNewTokens: 10, Temperature: 0, TopP: 1})
	cold := mustGenerate(t, s, prompts, seedsFor(3, 7), Options{MaxNewTokens: 10, Temperature: 1e-6, TopP: 0.9})
	for r := range prompts {
		if !slices.Equal(greedy[r].Tokens, cold[r].Tokens) {
			t.Errorf("row %d: greedy %v, T=1e-6 %v", r, greedy[r].Tokens, cold[r].Tokens)
		}
		if !slices.Equal(greedy[r].LogProbs, cold[r].LogProbs) {
			t.Errorf("row %d: policy log-probs differ between greedy and T→0", r)
		}
		for i, lq := range greedy[r].SampleLogProbs {
			if lq != 0 {
				t.Errorf("row %d token %d: greedy SampleLogProbs = %g, want 0", r, i, lq)
			}
		}
	}
}

// TestRowIndependence: a row's result depends only on its prompt and seed, not on which other
// rows share the batch (here also changing the padded length) or their order.
func TestRowIndependence(t *testing.T) {
	m := testModel(t)
	s := newSampler(t, m)
	p := raggedPrompts(4, m.Config.Vocab, 3, 11, 6)
	sd := seedsFor(3, 55)
	opts := Options{MaxNewTokens: 10, Temperature: 0.9, TopP: 0.95}
	all := mustGenerate(t, s, p, sd, opts)
	reordered := mustGenerate(t, s, [][]int32{p[2], p[0]}, []uint64{sd[2], sd[0]}, opts)
	alone := mustGenerate(t, s, [][]int32{p[0]}, []uint64{sd[0]}, opts)
	same := func(name string, a, b Result) {
		if !slices.Equal(a.Tokens, b.Tokens) {
			t.Errorf("%s: tokens %v vs %v", name, a.Tokens, b.Tokens)
			return
		}
		for i := range a.LogProbs {
			if math.Abs(float64(a.LogProbs[i]-b.LogProbs[i])) > 1e-5 {
				t.Errorf("%s: log-prob %d: %g vs %g", name, i, a.LogProbs[i], b.LogProbs[i])
			}
		}
	}
	same("row 0: batch of 3 vs alone", all[0], alone[0])
	same("row 0: batch of 3 vs reordered batch of 2", all[0], reordered[1])
	same("row 2: batch of 3 vs reordered batch of 2", all[2], reordered[0])
}

// TestEOS derives EOS ids from a run without EOS, so the expected truncation is known: every
// row must equal its EOS-free output cut just after the first EOS, and nothing after it.
func TestEOS(t *testing.T) {
	m := testModel(t)
	s := newSampler(t, m)
	prompts := raggedPrompts(5, m.Config.Vocab, 2, 5, 8, 3)
	opts := Options{MaxNewTokens: 14, Temperature: 0.8, TopP: 1}
	seeds := seedsFor(len(prompts), 9)
	free := mustGenerate(t, s, prompts, seeds, opts)

	// EOS = the 4th token of row 0 (so row 0 must end by then) and the 2nd token of row 2.
	opts.EOS = []int32{free[0].Tokens[3], free[2].Tokens[1]}
	steps := 0
	s.onLogits = func(int, []float32) { steps++ }
	stopped := mustGenerate(t, s, prompts, seeds, opts)
	s.onLogits = nil

	longest := 0
	for r := range prompts {
		cut := len(free[r].Tokens)
		for i, tok := range free[r].Tokens {
			if slices.Contains(opts.EOS, tok) {
				cut = i + 1
				break
			}
		}
		wantEnded := slices.Contains(opts.EOS, free[r].Tokens[cut-1])
		got := stopped[r]
		if !slices.Equal(got.Tokens, free[r].Tokens[:cut]) {
			t.Errorf("row %d: got %v, want %v (EOS %v)", r, got.Tokens, free[r].Tokens[:cut], opts.EOS)
		}
		if got.Ended != wantEnded {
			t.Errorf("row %d: Ended = %v, want %v", r, got.Ended, wantEnded)
		}
		if len(got.LogProbs) != len(got.Tokens) || len(got.SampleLogProbs) != len(got.Tokens) {
			t.Errorf("row %d: %d tokens but %d/%d log-probs", r, len(got.Tokens), len(got.LogProbs), len(got.SampleLogProbs))
		}
		longest = max(longest, len(got.Tokens))
	}
	if !stopped[0].Ended || len(stopped[0].Tokens) > 4 {
		t.Errorf("row 0 should end within 4 tokens: %+v", stopped[0])
	}
	// Early exit: the loop runs exactly as many steps as the longest row needs.
	if steps != longest {
		t.Errorf("decode loop ran %d steps, longest row has %d tokens", steps, longest)
	}
}

func TestGenerateErrors(t *testing.T) {
	m := testModel(t)
	s := newSampler(t, m)
	ok := Options{MaxNewTokens: 4, Temperature: 1, TopP: 1}
	long := make([]int32, 94)
	tests := []struct {
		name    string
		prompts [][]int32
		seeds   []uint64
		opts    Options
		wantErr string
	}{
		{"no prompts", nil, nil, ok, "no prompts"},
		{"empty prompt", [][]int32{{1}, {}}, []uint64{1, 2}, ok, "prompt 1 is empty"},
		{"bad token", [][]int32{{1, 2, 99}}, []uint64{1}, ok, "prompt 0, position 2: token id 99"},
		{"negative token", [][]int32{{-1}}, []uint64{1}, ok, "token id -1"},
		{"missing seeds", [][]int32{{1}, {2}}, []uint64{1}, ok, "1 seeds for 2 prompts"},
		{"too long", [][]int32{long}, []uint64{1}, ok, "exceeds MaxSeqLen=96"},
		{"zero max tokens", [][]int32{{1}}, []uint64{1}, Options{Temperature: 1, TopP: 1}, "MaxNewTokens = 0"},
		{"negative temperature", [][]int32{{1}}, []uint64{1}, Options{MaxNewTokens: 1, Temperature: -1, TopP: 1}, "Temperature = -1"},
		{"top-p zero", [][]int32{{1}}, []uint64{1}, Options{MaxNewTokens: 1, Temperature: 1}, "TopP = 0"},
		{"bad eos", [][]int32{{1}}, []uint64{1}, Options{MaxNewTokens: 1, Temperature: 1, TopP: 1, EOS: []int32{31}}, "EOS id 31"},
		{"bad pad", [][]int32{{1}}, []uint64{1}, Options{MaxNewTokens: 1, Temperature: 1, TopP: 1, Pad: -2}, "Pad id -2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.Generate(tc.prompts, tc.seeds, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
			}
		})
	}
	// Greedy needs no seeds.
	if _, err := s.Generate([][]int32{{1, 2}}, nil, Options{MaxNewTokens: 2, TopP: 1}); err != nil {
		t.Errorf("greedy without seeds: %v", err)
	}
}

// TestCompaction: dropping finished rows from the batch changes no result. One row never meets
// an EOS id and runs to MaxNewTokens while the others end early, so the batch must shrink to a
// single row; tokens must be identical and log-probs equal to float rounding against a run that
// keeps every row to the end.
func TestCompaction(t *testing.T) {
	m := testModel(t)
	prompts := raggedPrompts(8, m.Config.Vocab, 3, 9, 5, 12, 2, 7, 4, 6)
	seeds := seedsFor(len(prompts), 21)
	opts := Options{MaxNewTokens: 20, Temperature: 0.6, TopP: 1}
	free := mustGenerate(t, newSampler(t, m), prompts, seeds, opts)

	// The long row: the one with the fewest distinct tokens. Every other row ends at its earliest
	// token the long row never emits.
	long := 0
	for r := range free {
		if distinct(free[r].Tokens) < distinct(free[long].Tokens) {
			long = r
		}
	}
	for r := range free {
		for _, tok := range free[r].Tokens {
			if r != long && !slices.Contains(free[long].Tokens, tok) {
				opts.EOS = append(opts.EOS, tok)
				break
			}
		}
	}

	var sizes []int
	compacted := newSampler(t, m)
	compacted.onLogits = func(_ int, l []float32) { sizes = append(sizes, len(l)/m.Config.Vocab) }
	got := mustGenerate(t, compacted, prompts, seeds, opts)
	want := mustGenerate(t, newSampler(t, m).WithCompaction(false), prompts, seeds, opts)

	ended := 0
	for r := range want {
		if !slices.Equal(got[r].Tokens, want[r].Tokens) || got[r].Ended != want[r].Ended {
			t.Fatalf("row %d: compacted %v (ended %v), kept %v (ended %v)", r, got[r].Tokens, got[r].Ended,
				want[r].Tokens, want[r].Ended)
		}
		for i := range want[r].LogProbs {
			if d := math.Abs(float64(got[r].LogProbs[i] - want[r].LogProbs[i])); d > 1e-5 {
				t.Errorf("row %d token %d: log-prob %g vs %g", r, i, got[r].LogProbs[i], want[r].LogProbs[i])
			}
		}
		if len(want[r].Tokens) < opts.MaxNewTokens-1 {
			ended++
		}
	}
	if want[long].Ended || len(want[long].Tokens) != opts.MaxNewTokens || ended != len(prompts)-1 {
		t.Fatalf("test premise: row %d should run to %d tokens and the others end earlier; lengths %v",
			long, opts.MaxNewTokens, lengths(want))
	}
	// The batch shrinks through powers of two and ends with the long row alone.
	if sizes[0] != len(prompts) || sizes[len(sizes)-1] != 1 {
		t.Errorf("batch sizes per step %v: want %d first and 1 last", sizes, len(prompts))
	}
	for i := 1; i < len(sizes); i++ {
		if sizes[i] > sizes[i-1] || sizes[i]&(sizes[i]-1) != 0 {
			t.Errorf("batch sizes per step %v: not shrinking through powers of two at step %d", sizes, i)
		}
	}
}

func distinct(toks []int32) int {
	s := slices.Clone(toks)
	slices.Sort(s)
	return len(slices.Compact(s))
}

func lengths(res []Result) []int {
	out := make([]int, len(res))
	for i, r := range res {
		out[i] = len(r.Tokens)
	}
	return out
}

// TestCompactedSize: the batch sizes compaction moves through, on a backend that builds graphs
// quickly (fine) and on one that compiles every shape.
func TestCompactedSize(t *testing.T) {
	for _, c := range []struct {
		cur, active int
		fine        bool
		want        int
	}{
		{64, 64, true, 64}, {64, 57, true, 64}, {64, 56, true, 56}, {64, 41, true, 48}, {56, 9, true, 16},
		{16, 8, true, 8}, {8, 5, true, 8}, {8, 4, true, 4}, {4, 3, true, 4}, {2, 1, true, 1}, {40, 33, true, 40},
		{64, 33, false, 64}, {64, 32, false, 32}, {64, 9, false, 16}, {32, 3, false, 4}, {2, 1, false, 1},
		{40, 33, false, 40}, {40, 32, false, 32}, {40, 20, false, 32}, {1, 1, false, 1}, {1, 1, true, 1},
	} {
		if got := compactedSize(c.cur, c.active, c.fine); got != c.want {
			t.Errorf("compactedSize(%d, %d, fine %v) = %d, want %d", c.cur, c.active, c.fine, got, c.want)
		}
	}
}
