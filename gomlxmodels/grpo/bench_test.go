package grpo

import (
	"math/rand/v2"
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// BenchmarkStep times one on-policy update of the "tiny" preset (256-token vocabulary) on 16
// rollouts of a 32-token prompt and a 96-token response, with and without the logged entropy,
// to back Config.LogEntropy's cost claim. Run with e.g. -bench Step -benchtime 3x.
func BenchmarkStep(b *testing.B) {
	const vocab, rows, promptLen, respLen = 256, 16, 32, 96
	cfg, err := lm.ConfigForSize("tiny", vocab)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	prompts, responses, old := make([][]int32, rows), make([][]int32, rows), make([][]float32, rows)
	adv := make([]float64, rows)
	for i := range rows {
		prompts[i], responses[i], old[i] = make([]int32, promptLen), make([]int32, respLen), make([]float32, respLen)
		for j := range prompts[i] {
			prompts[i][j] = int32(rng.IntN(vocab))
		}
		for j := range responses[i] {
			responses[i][j] = int32(rng.IntN(vocab))
		}
		adv[i] = float64(i%2)*2 - 1
	}
	for _, entropy := range []bool{false, true} {
		name := map[bool]string{false: "entropy=off", true: "entropy=on"}[entropy]
		b.Run(name, func(b *testing.B) {
			m, err := lm.New(cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			c := DefaultConfig()
			c.LogEntropy = entropy
			u, err := NewUpdater(mustBackend(b), m, c)
			if err != nil {
				b.Fatal(err)
			}
			defer u.Finalize()
			batch := NewBatch(prompts, responses, old, adv, 0, 32)
			if _, err := u.Step(batch, 1e-4); err != nil { // compile, untimed
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := u.Step(batch, 1e-4); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
