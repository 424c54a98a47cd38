package grpo

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// onPolicyBatch is fixedRollouts with the given advantages and old log-probs from m itself.
func onPolicyBatch(t *testing.T, m *lm.Model, c Config, adv []float64) (Batch, *LogProber) {
	t.Helper()
	p, r, old := fixedRollouts()
	return withOwnLogProbs(t, m, c, NewBatch(p, r, old, adv, 0, 4))
}

// withOwnLogProbs sets b's old log-probs to m's own at c.Temperature (an on-policy batch) and
// returns the LogProber that computed them; the caller finalizes it.
func withOwnLogProbs(t *testing.T, m *lm.Model, c Config, b Batch) (Batch, *LogProber) {
	t.Helper()
	lpr, err := NewLogProber(backendtest.Must(t), m, c.Temperature)
	if err != nil {
		t.Fatal(err)
	}
	if b.OldLogProbs, err = lpr.LogProbs(b); err != nil {
		t.Fatal(err)
	}
	return b, lpr
}

func newUpdater(t *testing.T, m *lm.Model, c Config) *Updater {
	t.Helper()
	u, err := NewUpdater(backendtest.Must(t), m, c)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// TestStepMovesPolicy: one step raises the summed log-prob of each positive-advantage response
// and lowers each negative one's, measured before/after with a separate LogProber.
func TestStepMovesPolicy(t *testing.T) {
	m := newModel(t, 4)
	c := DefaultConfig()
	adv := []float64{1, -1, 1, -1}
	b, lpr := onPolicyBatch(t, m, c, adv)
	defer lpr.Finalize()
	before := sumResponses(b.OldLogProbs, b)

	u := newUpdater(t, m, c)
	defer u.Finalize()
	met, err := u.Step(b, 1e-3)
	if err != nil {
		t.Fatal(err)
	}
	lp, err := lpr.LogProbs(b)
	if err != nil {
		t.Fatal(err)
	}
	after := sumResponses(lp, b)
	t.Logf("summed response log-probs before %.4f, after %.4f", before, after)
	for i := range adv {
		if d := after[i] - before[i]; d*adv[i] <= 0 {
			t.Errorf("response %d (advantage %+g): summed log-prob %.5f → %.5f, wrong direction", i, adv[i], before[i], after[i])
		}
	}
	// On-policy: ratio 1, so pg_loss = −Σ A·n / N = −(4 − 2 + 3 − 5)/14 = 0, nothing clipped,
	// and verl names for every logged value.
	if math.Abs(met[MetricPGLoss]) > 1e-6 || met[MetricClipFrac] != 0 || math.Abs(met[MetricPPOKL]) > 1e-6 {
		t.Errorf("on-policy metrics %v: want pg_loss ≈ 0, clipfrac 0, ppo_kl ≈ 0", met)
	}
	for _, name := range []string{MetricEntropy, MetricGradNorm, MetricLR} {
		if v, ok := met[name]; !ok || !(v > 0) {
			t.Errorf("metric %s = %v (present %v), want > 0", name, v, ok)
		}
	}
	if _, ok := met[MetricRefKL]; ok {
		t.Errorf("critic/kl logged without reference log-probs: %v", met)
	}
}

// TestStepChangesEveryParameter is TRL's "every parameter changed" check: with weight decay off
// (it alone would move every weight) one step with non-zero advantages changes every variable.
func TestStepChangesEveryParameter(t *testing.T) {
	m := newModel(t, 5)
	c := DefaultConfig()
	c.WeightDecay = 0
	b, lpr := onPolicyBatch(t, m, c, []float64{1.5, -0.5, 0.25, -1.25})
	lpr.Finalize()
	before := modelWeights(t, m)
	if len(before) != 9 { // embed, final norm, and 7 per layer (1 layer)
		t.Fatalf("found %d model variables, want 9", len(before))
	}
	u := newUpdater(t, m, c)
	defer u.Finalize()
	if _, err := u.Step(b, 1e-3); err != nil {
		t.Fatal(err)
	}
	after := modelWeights(t, m)
	for path, w := range before {
		changed := false
		for i := range w {
			changed = changed || w[i] != after[path][i]
		}
		if !changed {
			t.Errorf("variable %s did not change", path)
		}
	}
	// The moments live under the Updater's own scope, not GoMLX's default (the SFT trainer's).
	if v := m.Store.GetVariable("/" + AdamScope + "/step"); v == nil {
		t.Errorf("no Adam step counter under /%s", AdamScope)
	}
}

// TestZeroAdvantages: with every advantage 0, β = 0 and no entropy bonus the loss is identically
// 0, so its gradient is exactly 0: AdamW's moments stay 0, its update m̂/(√v̂+ε) is 0, and the
// only change is the decoupled weight decay w ← w − lr·wd·w, checked weight by weight.
func TestZeroAdvantages(t *testing.T) {
	m := newModel(t, 6)
	c := DefaultConfig()
	b, lpr := onPolicyBatch(t, m, c, []float64{0, 0, 0, 0})
	lpr.Finalize()
	before := modelWeights(t, m)
	u := newUpdater(t, m, c)
	defer u.Finalize()
	const lr = 0.1 // large, so that the decay factor 1 − lr·wd = 0.999 is visible in float32
	met, err := u.Step(b, lr)
	if err != nil {
		t.Fatal(err)
	}
	if met[MetricPGLoss] != 0 || met[MetricGradNorm] != 0 {
		t.Errorf("pg_loss %g, grad_norm %g: want exactly 0", met[MetricPGLoss], met[MetricGradNorm])
	}
	after := modelWeights(t, m)
	factor := 1 - lr*c.WeightDecay
	for path, w := range before {
		for i := range w {
			want := float64(w[i]) * factor
			if math.Abs(float64(after[path][i])-want) > 1e-6*math.Abs(want)+1e-12 {
				t.Fatalf("%s[%d] = %g, want %g·%g = %g (decay only)", path, i, after[path][i], w[i], factor, want)
			}
		}
	}
}

// TestStepEpochsAndMiniBatches: 2 epochs × 2 mini-batches are 4 optimizer steps, and after the
// first one the policy is off the sampling policy, so ppo_kl becomes non-zero on average.
func TestStepEpochsAndMiniBatches(t *testing.T) {
	m := newModel(t, 7)
	c := DefaultConfig()
	c.PPOEpochs, c.MiniBatches = 2, 2
	b, lpr := onPolicyBatch(t, m, c, []float64{1.5, -0.5, 0.25, -1.25})
	lpr.Finalize()
	b.RefLogProbs = b.OldLogProbs
	u := newUpdater(t, m, c)
	defer u.Finalize()
	met, err := u.Step(b, 1e-2)
	if err != nil {
		t.Fatal(err)
	}
	v, err := m.Store.GetVariable("/" + AdamScope + "/step").Value()
	if err != nil {
		t.Fatal(err)
	}
	if steps := tensors.ToScalar[float32](v); steps != 4 {
		t.Errorf("Adam took %g steps, want 2 epochs × 2 mini-batches = 4", steps)
	}
	if met[MetricPPOKL] == 0 || met[MetricRefKL] != 0 {
		t.Errorf("ppo_kl %g (want ≠ 0 after the first update), critic/kl %g (want 0: ref = old)", met[MetricPPOKL], met[MetricRefKL])
	}
	if _, ok := met[MetricKLLoss]; !ok {
		t.Errorf("actor/kl_loss missing with reference log-probs: %v", met)
	}
}

func TestStepErrors(t *testing.T) {
	m := newModel(t, 8)
	p, r, old := fixedRollouts()
	b := NewBatch(p, r, old, []float64{1, -1, 1, -1}, 0, 4)
	tests := []struct {
		name   string
		edit   func(*Config)
		errHas string
	}{
		{"KL without reference", func(c *Config) { c.KLCoef = 0.1 }, "RefLogProbs"},
		{"mini-batches do not divide", func(c *Config) { c.MiniBatches = 3 }, "mini-batches"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			u := newUpdater(t, m, c)
			defer u.Finalize()
			if _, err := u.Step(b, 1e-3); err == nil || !strings.Contains(err.Error(), tc.errHas) {
				t.Errorf("Step error %v, want one mentioning %q", err, tc.errHas)
			}
		})
	}
	if _, err := NewUpdater(backendtest.Must(t), m, Config{}); err == nil {
		t.Error("NewUpdater accepted the zero Config")
	}
}

// TestLossScale: the gradient of LossScale·loss is LossScale times the gradient, which the
// reported (pre-clip) grad_norm shows on two identical models.
func TestLossScale(t *testing.T) {
	norms := map[float64]float64{}
	for _, scale := range []float64{1, 0.125} {
		m := newModel(t, 9)
		c := DefaultConfig()
		c.LossScale = scale
		b, lpr := onPolicyBatch(t, m, c, []float64{1.5, -0.5, 0.25, -1.25})
		lpr.Finalize()
		u := newUpdater(t, m, c)
		met, err := u.Step(b, 1e-3)
		u.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		norms[scale] = met[MetricGradNorm]
	}
	if !near(norms[0.125], norms[1]/8, 1e-5) {
		t.Errorf("grad_norm %g with LossScale 1/8, want %g/8", norms[0.125], norms[1])
	}
}
