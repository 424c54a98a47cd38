package grpo

import (
	"math/rand/v2"
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// benchRollouts are rows random rollouts of a 32-token prompt and a 96-token response for a
// 256-token vocabulary, with advantages ±1 alternating.
func benchRollouts(rows int) (prompts, responses [][]int32, old [][]float32, adv []float64) {
	const vocab, promptLen, respLen = 256, 32, 96
	rng := rand.New(rand.NewPCG(1, 2))
	prompts, responses, old = make([][]int32, rows), make([][]int32, rows), make([][]float32, rows)
	adv = make([]float64, rows)
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
	return prompts, responses, old, adv
}

// timeSteps times Updater.Step of config c on batch with a fresh model of cfg (seed 1), after
// one untimed step that compiles the graphs.
func timeSteps(b *testing.B, cfg lm.Config, c Config, batch Batch) {
	m, err := lm.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	u, err := NewUpdater(backendtest.Must(b), m, c)
	if err != nil {
		b.Fatal(err)
	}
	defer u.Finalize()
	if _, err := u.Step(batch, 1e-4); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := u.Step(batch, 1e-4); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStep times one on-policy update of the "tiny" preset (256-token vocabulary) on 16
// rollouts of a 32-token prompt and a 96-token response, with and without the logged entropy,
// to back Config.LogEntropy's cost claim. Run with e.g. -bench Step -benchtime 3x.
func BenchmarkStep(b *testing.B) {
	const vocab, rows = 256, 16
	cfg, err := lm.ConfigForSize("tiny", vocab)
	if err != nil {
		b.Fatal(err)
	}
	prompts, responses, old, adv := benchRollouts(rows)
	for _, entropy := range []bool{false, true} {
		name := map[bool]string{false: "entropy=off", true: "entropy=on"}[entropy]
		b.Run(name, func(b *testing.B) {
			c := DefaultConfig()
			c.LogEntropy = entropy
			timeSteps(b, cfg, c, NewBatch(prompts, responses, old, adv, 0, 32))
		})
	}
}

// BenchmarkStepSkipZeroAdvantage times one update of 64 rollouts (8 groups of 8) of which one
// group has non-zero advantages, the common case early in RL on a hard task: every row through
// the backward pass, the zero-advantage rows through a forward pass only, and with the
// sampler's entropies (no pass over them at all). Run with -bench SkipZero -benchtime 3x.
func BenchmarkStepSkipZeroAdvantage(b *testing.B) {
	const vocab, rows = 256, 64
	cfg, err := lm.ConfigForSize("tiny", vocab)
	if err != nil {
		b.Fatal(err)
	}
	prompts, responses, old, adv := benchRollouts(rows)
	for i := 8; i < rows; i++ {
		adv[i] = 0
	}
	entropies := make([][]float32, rows)
	for i := range entropies {
		entropies[i] = make([]float32, len(responses[i]))
	}
	for _, mode := range []string{"all-rows", "forward-pass", "sampled-entropies"} {
		b.Run(mode, func(b *testing.B) {
			c := DefaultConfig()
			c.SkipZeroAdvantage = mode != "all-rows"
			batch := NewBatch(prompts, responses, old, adv, 0, 32)
			if mode == "sampled-entropies" {
				var err error
				if batch, err = batch.WithEntropies(entropies); err != nil {
					b.Fatal(err)
				}
			}
			timeSteps(b, cfg, c, batch)
		})
	}
}
