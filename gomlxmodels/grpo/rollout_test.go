package grpo

import (
	"math"
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
)

// TestSamplerLogProbsAreOldLogProbs ties the package to the sampler's conventions: rollouts
// sampled at Config.Temperature (top-p 1) and padded by NewBatch with their SampleLogProbs get
// the same per-token log-probs from the training-side graph (so the slot alignment and the
// tempering agree), and an update on them is on-policy: ratio 1, nothing clipped.
func TestSamplerLogProbsAreOldLogProbs(t *testing.T) {
	m := newModel(t, 10)
	c := DefaultConfig()
	s, err := sample.New(backendtest.Must(t), m)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Finalize()
	// Two prompts of different lengths, two samples each (ragged responses via EOS 15).
	prompts := [][]int32{{1, 2, 3}, {1, 2, 3}, {4, 5}, {4, 5}}
	seeds := []uint64{11, 12, 13, 14}
	res, err := s.Generate(prompts, seeds, sample.Options{MaxNewTokens: 8, Temperature: c.Temperature, TopP: 1, EOS: []int32{15}})
	if err != nil {
		t.Fatal(err)
	}
	responses, old := make([][]int32, len(res)), make([][]float32, len(res))
	for i, r := range res {
		responses[i], old[i] = r.Tokens, r.SampleLogProbs
	}
	b := NewBatch(prompts, responses, old, Advantages([]float64{1, 0, 0, 1}, []int{0, 0, 1, 1}, c), 0, 4)

	lpr, err := NewLogProber(backendtest.Must(t), m, c.Temperature)
	if err != nil {
		t.Fatal(err)
	}
	defer lpr.Finalize()
	lp, err := lpr.LogProbs(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b.Len() {
		for j, on := range b.LossMask[i] {
			if on && math.Abs(float64(lp[i][j]-b.OldLogProbs[i][j])) > 1e-4 {
				t.Errorf("row %d slot %d: training-side log-prob %g, sampler's %g", i, j, lp[i][j], b.OldLogProbs[i][j])
			}
		}
	}
	u := newUpdater(t, m, c)
	defer u.Finalize()
	met, err := u.Step(b, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	if met[MetricClipFrac] != 0 || math.Abs(met[MetricPPOKL]) > 1e-5 {
		t.Errorf("clipfrac %g, ppo_kl %g: the sampler's rollouts should be on-policy", met[MetricClipFrac], met[MetricPPOKL])
	}
}
