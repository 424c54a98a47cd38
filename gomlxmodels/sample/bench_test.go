package sample

import (
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// Decode benchmarks: the "tiny" preset (vocab 256), 16 ragged prompts of 40–64 tokens, 64 new
// tokens each at temperature 1 with no EOS, so every call generates exactly 16·64 tokens.
// Reports new tokens/s. Compare BenchmarkDecode/kvcache with BenchmarkDecode/recompute.
func BenchmarkDecode(b *testing.B) {
	be, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := lm.ConfigForSize("tiny", 256)
	if err != nil {
		b.Fatal(err)
	}
	m, err := lm.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	const rows, newTokens = 16, 64
	lengths := make([]int, rows)
	for i := range lengths {
		lengths[i] = 40 + (i*7)%25
	}
	prompts := raggedPrompts(1, cfg.Vocab, lengths...)
	for _, mode := range []struct {
		name    string
		noCache bool
	}{{"kvcache", false}, {"recompute", true}} {
		b.Run(mode.name, func(b *testing.B) {
			s, err := New(be, m)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Finalize()
			opts := Options{MaxNewTokens: newTokens, Temperature: 1, TopP: 1, NoCache: mode.noCache}
			if _, err := s.Generate(prompts, seedsFor(rows, 0), opts); err != nil { // compile, untimed
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if _, err := s.Generate(prompts, seedsFor(rows, uint64(i+1)), opts); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows*newTokens*b.N)/b.Elapsed().Seconds(), "newtok/s")
		})
	}
}
