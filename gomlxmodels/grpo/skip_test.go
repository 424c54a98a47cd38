package grpo

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// groupedBatch is groups of 8 rollouts of random prompts and responses (ids 1..15, prompts of
// 2–5 tokens, responses of 1–9) with advantages: a group with adv[g] true gets non-zero ones,
// the others 0, as GRPO gives a group with one reward. Old log-probs come from m itself.
func groupedBatch(t *testing.T, m *lm.Model, c Config, adv []bool) Batch {
	t.Helper()
	r := rand.New(rand.NewPCG(11, 12))
	var prompts, responses [][]int32
	var old [][]float32
	var a []float64
	for _, nonZero := range adv {
		prompt := make([]int32, 2+r.IntN(4))
		for i := range prompt {
			prompt[i] = 1 + r.Int32N(15)
		}
		for k := range 8 {
			resp := make([]int32, 1+r.IntN(9))
			for i := range resp {
				resp[i] = 1 + r.Int32N(15)
			}
			prompts, responses = append(prompts, prompt), append(responses, resp)
			old = append(old, make([]float32, len(resp)))
			v := 0.0
			if nonZero {
				v = float64(k%3) - 0.9
			}
			a = append(a, v)
		}
	}
	b, lpr := withOwnLogProbs(t, m, c, NewBatch(prompts, responses, old, a, 0, 4))
	lpr.Finalize()
	return b
}

func TestSplitByAdvantage(t *testing.T) {
	m := newModel(t, 20)
	c := DefaultConfig()
	tests := []struct {
		name              string
		groups            []bool
		backward, forward int // rows
	}{
		{"mixed", []bool{false, true, false}, 8, 16},
		{"all non-zero", []bool{true, true}, 16, 0},
		{"all zero: one bucket still steps", []bool{false, false}, 8, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := groupedBatch(t, m, c, tc.groups)
			bw, fw := b.splitByAdvantage()
			if bw.Len() != tc.backward || fw.Len() != tc.forward {
				t.Fatalf("split %d rows into %d + %d, want %d + %d", b.Len(), bw.Len(), fw.Len(), tc.backward, tc.forward)
			}
			if bw.ResponseTokens+fw.ResponseTokens != b.ResponseTokens {
				t.Errorf("response tokens %d + %d, want %d", bw.ResponseTokens, fw.ResponseTokens, b.ResponseTokens)
			}
			for _, part := range []Batch{bw, fw} {
				if part.Len() == 0 {
					continue
				}
				s := len(part.Tokens[0])
				longest := 0
				for _, row := range part.Mask {
					longest = max(longest, countTrue(row)) // real tokens come first
				}
				if s%4 != 0 || s < longest || s-longest >= 4 {
					t.Errorf("sub-batch of %d slots for a longest row of %d, bucket 4", s, longest)
				}
			}
			for i, a := range fw.Advantages {
				if a != 0 {
					t.Errorf("forward-only row %d has advantage %g", i, a)
				}
			}
			nonZero := 0
			for _, a := range bw.Advantages {
				if a != 0 {
					nonZero++
				}
			}
			if want := 8 * countTrue(tc.groups); nonZero != want {
				t.Errorf("backward rows hold %d non-zero advantages, want %d", nonZero, want)
			}
		})
	}
}

func countTrue(xs []bool) int {
	n := 0
	for _, x := range xs {
		if x {
			n++
		}
	}
	return n
}

// stepBothWays takes one Updater.Step on fresh copies made by setup, without and with
// SkipZeroAdvantage, and fails unless every weight and metric agrees (within a relative 1e-5 or
// an absolute absTol). It returns the skipping run's metrics.
func stepBothWays(t *testing.T, absTol float64, setup func(c Config) (*lm.Model, Config, Batch)) Metrics {
	t.Helper()
	return stepTwoWays(t, absTol, func(c *Config, second bool) { c.SkipZeroAdvantage = second }, setup)
}

// stepTwoWays is stepBothWays for any change of the config: vary(c, false) sets up the first
// copy, vary(c, true) the second, before setup.
func stepTwoWays(t *testing.T, absTol float64, vary func(c *Config, second bool), setup func(c Config) (*lm.Model, Config, Batch)) Metrics {
	t.Helper()
	var weights []map[string][]float32
	var metrics []Metrics
	for _, second := range []bool{false, true} {
		c := DefaultConfig()
		vary(&c, second)
		m, c, b := setup(c)
		u := newUpdater(t, m, c)
		met, err := u.Step(b, 1e-2)
		u.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		weights, metrics = append(weights, modelWeights(t, m)), append(metrics, met)
	}
	if len(metrics[0]) != len(metrics[1]) {
		t.Fatalf("metrics %v vs %v", metrics[0], metrics[1])
	}
	for name, v := range metrics[0] {
		if w := metrics[1][name]; !near(w, v, 1e-5) && math.Abs(w-v) > absTol {
			t.Errorf("%s: %g second way, %g first", name, w, v)
		}
	}
	for path, w := range weights[0] {
		for i := range w {
			if !near(float64(weights[1][path][i]), float64(w[i]), 1e-5) {
				t.Fatalf("%s[%d]: %g second way, %g first", path, i, weights[1][path][i], w[i])
			}
		}
	}
	return metrics[1]
}

// TestSkipZeroAdvantageExact: two copies of a model take the same steps, one back-propagating
// through every row, one skipping the zero-advantage rows; weights and every metric agree, for
// each loss aggregation, with several epochs and mini-batches, and with reference log-probs
// (actor/kl_loss logged, β = 0).
func TestSkipZeroAdvantageExact(t *testing.T) {
	tests := []struct {
		name                string
		agg                 string
		epochs, miniBatches int
		ref                 bool
	}{
		{"token-mean", AggTokenMean, 1, 1, false},
		{"grpo, 2 epochs × 2 mini-batches, ref", AggGRPO, 2, 2, true},
		{"dr_grpo, ref", AggDrGRPO, 1, 1, true},
		{"dapo, 2 mini-batches", AggDAPO, 1, 2, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			met := stepBothWays(t, 0, func(c Config) (*lm.Model, Config, Batch) {
				m := newModel(t, 21)
				c.LossAgg, c.MaxCompletionLength = tc.agg, 9
				c.PPOEpochs, c.MiniBatches = tc.epochs, tc.miniBatches
				// Rows 0–7 and 16–23 have advantages; with 2 mini-batches each gets 8 + 4 rows.
				b := groupedBatch(t, m, c, []bool{true, false, true})
				if tc.ref {
					b.RefLogProbs = groupedBatch(t, newModel(t, 22), c, []bool{true, false, true}).OldLogProbs
				}
				return m, c, b
			})
			t.Logf("metrics %v", met)
		})
	}
}

// TestMaxUpdateTokensExact: an update whose backward rows are cut into chunks (gradients
// summed, then one AdamW step) equals the one-pass update in weights and every metric, for each
// loss aggregation, with and without skipping zero-advantage rows, mini-batches and reference
// log-probs. The cap of 40 padded tokens leaves 1–2 rows per chunk.
func TestMaxUpdateTokensExact(t *testing.T) {
	tests := []struct {
		name        string
		agg         string
		skip, ref   bool
		miniBatches int
	}{
		{"token-mean, skipping", AggTokenMean, true, false, 1},
		{"token-mean, every row", AggTokenMean, false, false, 1},
		{"grpo, 2 mini-batches, ref", AggGRPO, true, true, 2},
		{"dr_grpo, every row, ref", AggDrGRPO, false, true, 1},
		{"dapo", AggDAPO, true, false, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chunked := 0
			met := stepTwoWays(t, 0, func(c *Config, second bool) {
				c.MaxUpdateTokens = 0
				if second {
					c.MaxUpdateTokens = 40
				}
			}, func(c Config) (*lm.Model, Config, Batch) {
				m := newModel(t, 31)
				c.SkipZeroAdvantage, c.MiniBatches = tc.skip, tc.miniBatches
				c.LossAgg, c.MaxCompletionLength = tc.agg, 9
				b := groupedBatch(t, m, c, []bool{true, false, true})
				if tc.ref {
					b.RefLogProbs = groupedBatch(t, newModel(t, 32), c, []bool{true, false, true}).OldLogProbs
				}
				if n := len(c.chunks(b)); c.MaxUpdateTokens > 0 {
					chunked = n
				}
				return m, c, b
			})
			if chunked < 8 {
				t.Errorf("the capped update cut the batch into %d chunks; the test needs many", chunked)
			}
			t.Logf("%d chunks; metrics %v", chunked, met)
		})
	}
}

// TestSkipZeroAdvantageSampledEntropies: with the sampler's entropies in the batch, one
// on-policy step skips the zero-advantage rows without any forward pass over them, and its
// metrics and weights still equal those of the full backward pass (ppo_kl, taken as 0 on the
// skipped rows, within 1e-6).
func TestSkipZeroAdvantageSampledEntropies(t *testing.T) {
	stepBothWays(t, 1e-6, func(c Config) (*lm.Model, Config, Batch) {
		m := newModel(t, 23)
		b := groupedBatch(t, m, c, []bool{false, true, false})
		// The sampler's entropies, per response token, from the host's independent computation.
		hp := computeHostPolicy(t, m, b, c.Temperature)
		perResponse := make([][]float32, b.Len())
		for i, row := range b.LossMask {
			for t, on := range row {
				if on {
					perResponse[i] = append(perResponse[i], float32(hp.entropy[i][t]))
				}
			}
		}
		b, err := b.WithEntropies(perResponse)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := c.sampledSums(b); !ok {
			t.Fatal("sampledSums refused an on-policy batch with entropies")
		}
		return m, c, b
	})
}

func TestWithEntropiesErrors(t *testing.T) {
	p, r, old := fixedRollouts()
	b := NewBatch(p, r, old, []float64{1, -1, 1, -1}, 0, 4)
	if _, err := b.WithEntropies([][]float32{{1}}); err == nil {
		t.Error("accepted 1 row of entropies for 4 rows")
	}
	bad := [][]float32{{1, 2, 3, 4}, {1, 2}, {1, 2, 3}, {1}} // row 3 has 5 tokens
	if _, err := b.WithEntropies(bad); err == nil || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("error %v, want one naming row 3", err)
	}
	good := [][]float32{{1, 2, 3, 4}, {5, 6}, {7, 8, 9}, {1, 2, 3, 4, 5}}
	e, err := b.WithEntropies(good)
	if err != nil {
		t.Fatal(err)
	}
	// Row 1: prompt of 3, so response token j sits on slot 2+j.
	if e.Entropies[1][2] != 5 || e.Entropies[1][3] != 6 || e.Entropies[1][4] != 0 || e.Entropies[1][1] != 0 {
		t.Errorf("row 1 laid out as %v", e.Entropies[1])
	}
}
