package bench

import (
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// microConfig is a complete but minute model (GQA, Heads·HeadDim ≠ DModel) so that the tests
// take seconds.
func microConfig() lm.Config {
	return lm.Config{Vocab: 37, DModel: 16, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 6, FFN: 24,
		RoPEBase: 10000, MaxSeqLen: 128, NormEps: 1e-6, InitStd: 0.02, DType: dtypes.Float32}
}

// microSpec is a workload of a few hundred tokens per measurement.
func microSpec() Spec {
	return Spec{Batch: 2, SeqLen: 16, Steps: 2, Warmup: 1, DecodePrompts: 2, PromptLen: 16,
		NewTokens: 5, NaiveNewTokens: 3, DecodeRepeats: 1}
}

func TestRunMicro(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	cfg := microConfig()
	var seen []string
	res, err := RunEach(b, cfg, microSpec(), func(r Result) { seen = append(seen, r.Name) })
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != len(Measurements) || len(seen) != len(Measurements) {
		t.Fatalf("got %d results (%d callbacks), want %d", len(res), len(seen), len(Measurements))
	}
	wantTokens := map[string]int{Train: 32, Forward: 32, DecodeKV: 10, DecodeNaive: 6}
	for i, r := range res {
		t.Logf("%-12s %8.0f tok/s  %.4f s/step  (first %.3f s)", r.Name, r.TokensPerSec, r.SecondsPerStep, r.FirstSeconds)
		if r.Name != Measurements[i] || r.Impl != ImplR1lab {
			t.Errorf("result %d is %s/%s, want %s/%s", i, r.Name, r.Impl, Measurements[i], ImplR1lab)
		}
		if r.TokensPerStep != wantTokens[r.Name] || r.Params != cfg.NumParams() {
			t.Errorf("%s: %d tokens/step, %d params; want %d, %d", r.Name, r.TokensPerStep, r.Params,
				wantTokens[r.Name], cfg.NumParams())
		}
		if !(r.TokensPerSec > 0) || !(r.MinSeconds <= r.SecondsPerStep && r.SecondsPerStep <= r.MaxSeconds) {
			t.Errorf("%s: implausible timing %+v", r.Name, r)
		}
	}
}

func TestRunOnlyAndValidate(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	s := microSpec()
	s.Only = []string{Forward}
	res, err := Run(b, microConfig(), s)
	if err != nil || len(res) != 1 || res[0].Name != Forward {
		t.Fatalf("Only=[forward]: got %v, %v", res, err)
	}
	s.Only = []string{"backward"}
	if _, err := Run(b, microConfig(), s); err == nil {
		t.Error("unknown measurement accepted")
	}
	s = microSpec()
	s.SeqLen = 1000 // > MaxSeqLen
	if _, err := Run(b, microConfig(), s); err == nil {
		t.Error("SeqLen > MaxSeqLen accepted")
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.in); got != c.want {
			t.Errorf("median(%v) = %g, want %g", c.in, got, c.want)
		}
	}
}

// benchModel is the "tiny" preset with a K&K-sized vocabulary, for the benchmarks below.
func benchModel(b *testing.B) (*lm.Model, Spec) {
	b.Helper()
	cfg, err := lm.ConfigForSize("tiny", 1024)
	if err != nil {
		b.Fatal(err)
	}
	m, err := lm.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	return m, DefaultSpec()
}

// BenchmarkTrainStep is the "train" measurement at the default shape (B 8, S 512), for profiling:
//
//	go test -run - -bench TrainStep -benchtime 5x -cpuprofile cpu.out ./gomlxmodels/bench
//	go tool pprof -top cpu.out
func BenchmarkTrainStep(b *testing.B) {
	be, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	m, s := benchModel(b)
	step, done, err := newTrainStep(be, m, s)
	if err != nil {
		b.Fatal(err)
	}
	defer done()
	if err := step(); err != nil { // compile, untimed
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.Batch*s.SeqLen*b.N)/b.Elapsed().Seconds(), "tok/s")
}

// BenchmarkDecodeKV is the "decode_kv" measurement at the default shape (8 prompts of 192 tokens,
// 256 new tokens each), for profiling.
func BenchmarkDecodeKV(b *testing.B) {
	be, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	m, s := benchModel(b)
	gen, done, err := newDecode(be, m, s, false)
	if err != nil {
		b.Fatal(err)
	}
	defer done()
	if err := gen(); err != nil { // compile, untimed
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := gen(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(s.DecodePrompts*s.NewTokens*b.N)/b.Elapsed().Seconds(), "newtok/s")
}
