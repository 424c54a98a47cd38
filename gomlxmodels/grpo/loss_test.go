package grpo

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// TestAggregate checks each loss aggregation on a hand-made [2, 3] tensor.
func TestAggregate(t *testing.T) {
	x := [][]float32{{1, 2, 3}, {4, 5, 6}}
	w := [][]float32{{1, 1, 0}, {1, 0, 0}} // row 0 keeps 1, 2; row 1 keeps 4
	tests := []struct {
		agg  string
		want float64
	}{
		{AggTokenMean, 7.0 / 3},    // (1+2+4)/3
		{AggDAPO, 7.0 / 3},         // same: one optimizer step sees the whole batch
		{AggGRPO, (1.5 + 4.0) / 2}, // row means 1.5 and 4
		{AggDrGRPO, 7.0 / (2 * 4)}, // MaxCompletionLength 4
	}
	for _, tc := range tests {
		t.Run(tc.agg, func(t *testing.T) {
			c := DefaultConfig()
			c.LossAgg, c.MaxCompletionLength = tc.agg, 4
			e, err := NewExec(backendtest.Must(t), func(x, w *Node) *Node { return aggregate(x, w, c, ownDivisors(w)) })
			if err != nil {
				t.Fatal(err)
			}
			defer e.Finalize()
			out, err := e.Call(x, w)
			if err != nil {
				t.Fatal(err)
			}
			if got := tensors.ToScalar[float32](out[0]); math.Abs(float64(got)-tc.want) > 1e-6 {
				t.Errorf("%s = %g, want %g", tc.agg, got, tc.want)
			}
		})
	}
}

// TestKLEstimate checks both estimators against hand values, including verl's clamps.
func TestKLEstimate(t *testing.T) {
	// Columns: logπ, logπ_ref; d = ref − logπ.
	logp := [][]float32{{-1, -2, -1, -40, -3}}
	ref := [][]float32{{-2, -1, -1, -5, 0}}
	on := [][]bool{{true, true, true, true, false}}
	tests := []struct {
		est  string
		want []float64
	}{
		// k1 = logπ − ref; off the loss slots 0.
		{KLK1, []float64{1, -1, 0, -35, 0}},
		// k3 = e^d − d − 1: d = −1 → e^−1; d = 1 → e − 2; d = 0 → 0; d = 35 is clamped to 20
		// and e^20 − 21 is clamped to 10.
		{KLK3, []float64{math.Exp(-1), math.E - 2, 0, 10, 0}},
		{KLLowVarKL, []float64{math.Exp(-1), math.E - 2, 0, 10, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.est, func(t *testing.T) {
			e, err := NewExec(backendtest.Must(t), func(lp, r, m *Node) *Node { return klEstimate(lp, r, m, tc.est) })
			if err != nil {
				t.Fatal(err)
			}
			defer e.Finalize()
			out, err := e.Call(logp, ref, on)
			if err != nil {
				t.Fatal(err)
			}
			got := tensors.MustCopyFlatData[float32](out[0])
			for i, w := range tc.want {
				if !near(float64(got[i]), w, 1e-6) {
					t.Errorf("slot %d: %g, want %g", i, got[i], w)
				}
			}
		})
	}
}

// TestTokenLogProbsMatchHost compares the package's tempered log-probs and entropies with the
// host's log-softmax of lm.Logits, and at temperature 1 with lm.TokenLogProbs.
func TestTokenLogProbsMatchHost(t *testing.T) {
	m := newModel(t, 1)
	p, r, old := fixedRollouts()
	b := NewBatch(p, r, old, make([]float64, len(p)), 0, 4)
	for _, temp := range []float64{1, 0.7} {
		hp := computeHostPolicy(t, m, b, temp)
		e, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tok, mask *Node) (*Node, *Node, *Node) {
			targets := lm.NextTokenTargets(tok, 0)
			lp, ent := TokenLogProbs(m.Scope(), m.Config, tok, mask, targets, temp, true)
			return lp, ent, lm.TokenLogProbs(m.Scope(), m.Config, tok, nil, mask, targets)
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := e.Call(b.Tokens, b.Mask)
		e.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		lp, ent, ref := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1]),
			tensors.MustCopyFlatData[float32](out[2])
		s := len(b.Tokens[0])
		for i := range b.Len() {
			for j := range s {
				if !b.LossMask[i][j] {
					continue
				}
				k := i*s + j
				if !near(float64(lp[k]), hp.logp[i][j], 1e-5) || !near(float64(ent[k]), hp.entropy[i][j], 1e-5) {
					t.Errorf("T=%g row %d slot %d: logp %g entropy %g, host %g %g", temp, i, j, lp[k], ent[k], hp.logp[i][j], hp.entropy[i][j])
				}
				if temp == 1 && !near(float64(lp[k]), float64(ref[k]), 1e-5) {
					t.Errorf("row %d slot %d: logp %g, lm.TokenLogProbs %g", i, j, lp[k], ref[k])
				}
			}
		}
	}
}

// lossExec compiles Loss alone (no update) with outputs Loss, PGLoss, ClipFrac, PPOKL,
// Entropy and KLLoss (NaN when absent).
func lossExec(t *testing.T, m *lm.Model, c Config) *model.Exec {
	t.Helper()
	e, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, in []*Node) []*Node {
		li := Inputs{Tokens: in[0], Mask: in[1], LossMask: in[2], Advantages: in[3], OldLogProbs: in[4]}
		if len(in) > 5 {
			li.RefLogProbs = in[5]
		}
		o := Loss(m.Scope(), m.Config, c, li)
		nan := Scalar(in[0].Graph(), o.Loss.DType(), math.NaN())
		return []*Node{o.Loss, o.PGLoss, o.ClipFrac, o.PPOKL, orZero(o.Entropy, nan), orZero(o.KLLoss, nan)}
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func runLoss(t *testing.T, e *model.Exec, b Batch) []float64 {
	t.Helper()
	args := []any{b.Tokens, b.Mask, b.LossMask, b.Advantages, b.OldLogProbs}
	if b.RefLogProbs != nil {
		args = append(args, b.RefLogProbs)
	}
	out, err := e.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	vals := make([]float64, len(out))
	for i, o := range out {
		vals[i] = float64(tensors.ToScalar[float32](o))
	}
	return vals
}

// hostLoss computes [loss, pg, clipfrac, ppo_kl, entropy, kl] from the definitions (verl
// compute_policy_loss, kl_penalty, TRL's aggregations) in float64.
func hostLoss(hp hostPolicy, b Batch, c Config) []float64 {
	type acc struct{ pg, kl, ent, n float64 }
	rows := make([]acc, b.Len())
	var clipped, ppoKL, ent, n float64
	for i := range b.Len() {
		a := float64(b.Advantages[i])
		for j, on := range b.LossMask[i] {
			if !on {
				continue
			}
			lp := hp.logp[i][j]
			ratio := math.Exp(lp - float64(b.OldLogProbs[i][j]))
			pg1, pg2 := -a*ratio, -a*math.Min(math.Max(ratio, 1-c.ClipLow), 1+c.ClipHigh)
			rows[i].pg += math.Max(pg1, pg2)
			if pg2 > pg1 {
				clipped++
			}
			ppoKL += float64(b.OldLogProbs[i][j]) - lp
			if b.RefLogProbs != nil {
				d := float64(b.RefLogProbs[i][j]) - lp
				if c.KLEstimator == KLK1 {
					rows[i].kl += -d
				} else {
					rows[i].kl += math.Exp(d) - d - 1
				}
			}
			rows[i].ent += hp.entropy[i][j]
			ent += hp.entropy[i][j]
			rows[i].n++
			n++
		}
	}
	agg := func(get func(acc) float64) float64 {
		sum, seqMean := 0.0, 0.0
		for _, r := range rows {
			sum += get(r)
			seqMean += get(r) / r.n / float64(len(rows))
		}
		switch c.LossAgg {
		case AggGRPO:
			return seqMean
		case AggDrGRPO:
			return sum / float64(len(rows)*c.MaxCompletionLength)
		}
		return sum / n
	}
	pg := agg(func(r acc) float64 { return r.pg })
	kl := agg(func(r acc) float64 { return r.kl })
	loss := pg + c.KLCoef*kl - c.EntropyCoef*agg(func(r acc) float64 { return r.ent })
	return []float64{loss, pg, clipped / n, ppoKL / n, ent / n, kl}
}

// TestLossMatchesHost checks every aggregation, both KL estimators and the entropy bonus against
// the host computation, with old log-probs shifted so that some ratios are clipped below 0.8,
// some above 1.2 and some not at all.
func TestLossMatchesHost(t *testing.T) {
	m := newModel(t, 2)
	p, r, old := fixedRollouts()
	b := NewBatch(p, r, old, []float64{1.5, -0.5, 0.25, -1.25}, 0, 4)
	// δ = old − logπ: ratio e^−δ is 0.61, 1.65, 0.90, 1.11, 0.74, 1.35, 1 — 0.07+ away from
	// the clip boundaries e^−δ = 0.8, 1.2, so float32 rounding cannot flip a clip decision.
	deltas := []float64{0.5, -0.5, 0.1, -0.1, 0.3, -0.3, 0}
	gammas := []float64{0.2, -0.4, 0.7, -0.1} // ref − logπ
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"paper: token-mean, no KL, no entropy bonus", func(*Config) {}},
		{"grpo, k3 KL, entropy bonus", func(c *Config) {
			c.LossAgg, c.KLCoef, c.KLEstimator, c.EntropyCoef = AggGRPO, 0.1, KLK3, 0.01
		}},
		{"dr_grpo, k1 KL", func(c *Config) { c.LossAgg, c.MaxCompletionLength, c.KLCoef, c.KLEstimator = AggDrGRPO, 8, 0.05, KLK1 }},
		{"dapo, asymmetric clip, entropy bonus", func(c *Config) { c.LossAgg, c.ClipHigh, c.EntropyCoef = AggDAPO, 0.28, 0.02 }},
		{"temperature 1", func(c *Config) { c.Temperature = 1 }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			hp := computeHostPolicy(t, m, b, c.Temperature)
			bb := b
			bb.OldLogProbs, bb.RefLogProbs = to32(hp.logp), to32(hp.logp)
			k := 0
			for i := range bb.Len() {
				for j, on := range bb.LossMask[i] {
					if on {
						bb.OldLogProbs[i][j] += float32(deltas[k%len(deltas)])
						bb.RefLogProbs[i][j] += float32(gammas[k%len(gammas)])
						k++
					}
				}
			}
			want := hostLoss(hp, bb, c)
			e := lossExec(t, m, c)
			defer e.Finalize()
			got := runLoss(t, e, bb)
			names := []string{"loss", "pg_loss", "clipfrac", "ppo_kl", "entropy", "kl_loss"}
			for i := range names {
				if !near(got[i], want[i], 1e-5) {
					t.Errorf("%s = %.7g, host %.7g", names[i], got[i], want[i])
				}
			}
			// Updater.Step reports the same values (computed before its update) under verl's
			// names; lr 0 leaves the weights as they are for the next case.
			u := newUpdater(t, m, c)
			defer u.Finalize()
			met, err := u.Step(bb, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, name := range []string{"", MetricPGLoss, MetricClipFrac, MetricPPOKL, MetricEntropy, MetricKLLoss} {
				if name != "" && !near(met[name], want[i], 1e-5) {
					t.Errorf("Step's %s = %.7g, host %.7g", name, met[name], want[i])
				}
			}
			if want[2] == 0 || want[2] == 1 {
				t.Errorf("clip fraction %g: the test batch should clip some tokens, not all or none", want[2])
			}
		})
	}
}

// TestOnPolicy checks the paper's regime: with old log-probs from the same weights the ratio is
// 1, nothing is clipped, ppo_kl is 0, the pg loss is −Σ_b A_b·n_b / Σ_b n_b, and the k3 KL to
// an identical reference is 0 while a different reference gives a positive KL.
func TestOnPolicy(t *testing.T) {
	m := newModel(t, 3)
	p, r, old := fixedRollouts()
	b := NewBatch(p, r, old, []float64{1.5, -0.5, 0.25, -1.25}, 0, 4)
	c := DefaultConfig()
	lpr, err := NewLogProber(backendtest.Must(t), m, c.Temperature)
	if err != nil {
		t.Fatal(err)
	}
	defer lpr.Finalize()
	if b.OldLogProbs, err = lpr.LogProbs(b); err != nil {
		t.Fatal(err)
	}
	b.RefLogProbs = b.OldLogProbs
	e := lossExec(t, m, c)
	defer e.Finalize()

	got := runLoss(t, e, b)
	// Response lengths 4, 2, 3, 5: Σ A·n = 6 − 1 + 0.75 − 6.25 = −0.5 over 14 tokens.
	if want := 0.5 / 14; !near(got[1], want, 1e-5) {
		t.Errorf("pg_loss = %g, want −ΣA·n/N = %g", got[1], want)
	}
	if got[2] != 0 || math.Abs(got[3]) > 1e-6 || math.Abs(got[5]) > 1e-6 {
		t.Errorf("clipfrac %g, ppo_kl %g, k3 KL %g: want 0, ≈0, ≈0 on-policy with ref = policy", got[2], got[3], got[5])
	}

	// A reference that differs on every token: k3 = e^d − d − 1 > 0 for d ≠ 0.
	b.RefLogProbs = make([][]float32, b.Len())
	for i, row := range b.OldLogProbs {
		b.RefLogProbs[i] = make([]float32, len(row))
		for j, v := range row {
			b.RefLogProbs[i][j] = v - 0.3
		}
	}
	got = runLoss(t, e, b)
	// d = −0.3 everywhere: e^−0.3 + 0.3 − 1 per token, whatever the aggregation.
	if want := math.Exp(-0.3) + 0.3 - 1; !near(got[5], want, 1e-5) {
		t.Errorf("k3 KL to a shifted reference = %g, want %g", got[5], want)
	}
}
