package sample

import (
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// Decode benchmarks: the "tiny" preset (vocab 256), 16 ragged prompts of 40–64 tokens, 64 new
// tokens each at temperature 1 with no EOS, so every call generates exactly 16·64 tokens.
// Reports new tokens/s. Compare BenchmarkDecode/kvcache with BenchmarkDecode/recompute.
//
// The ragged variants stop rows on any of 8 EOS ids (about 1 token in 32), so rows finish at
// different steps, as RL rollouts do: ragged/compact drops finished rows from the batch,
// ragged/keep runs them to the end on pad (the sampler before compaction).
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
		name          string
		noCache, keep bool
		eos           []int32
	}{
		{"kvcache", false, false, nil}, {"recompute", true, false, nil},
		{"ragged/compact", false, false, []int32{1, 2, 3, 4, 5, 6, 7, 8}},
		{"ragged/keep", false, true, []int32{1, 2, 3, 4, 5, 6, 7, 8}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			s, err := New(be, m)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Finalize()
			s.WithCompaction(!mode.keep)
			opts := Options{MaxNewTokens: newTokens, Temperature: 1, TopP: 1, NoCache: mode.noCache, EOS: mode.eos}
			if _, err := s.Generate(prompts, seedsFor(rows, 0), opts); err != nil { // compile, untimed
				b.Fatal(err)
			}
			b.ResetTimer()
			generated := 0
			for i := 0; b.Loop(); i++ {
				// The same seeds every call: the ragged variants then generate the same rows.
				res, err := s.Generate(prompts, seedsFor(rows, 1), opts)
				if err != nil {
					b.Fatal(err)
				}
				for _, r := range res {
					generated += len(r.Tokens)
				}
			}
			b.ReportMetric(float64(generated)/b.Elapsed().Seconds(), "newtok/s")
		})
	}
}
