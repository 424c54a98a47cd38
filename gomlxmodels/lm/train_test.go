package lm

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
)

// newSFTStep compiles one AdamW step on the paper's SFT loss (MaskedNLL of the next-token
// log-probs) and returns the loss before the update. Inputs: tokens [B, S] Int32, mask and loss
// mask Bool [B, S].
func newSFTStep(tb testing.TB, b compute.Backend, m *Model, lr float64) *model.Exec {
	tb.Helper()
	opt := optimizer.Adam().LearningRate(lr).WeightDecay(0.01).Done()
	e, err := model.NewExec(b, m.Store, func(root *model.Scope, tok, msk, lossMask *Node) *Node {
		lp := TokenLogProbs(m.Scope(), m.Config, tok, nil, msk, NextTokenTargets(tok, 0))
		loss := MaskedNLL(lp, lossMask)
		opt.UpdateGraph(root, tok.Graph(), loss)
		return loss
	})
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

// TestOverfit drives the SFT loss on a fixed tiny batch of random sequences down by a large
// factor with a few dozen AdamW steps: the forward pass, the loss, the gradients and the
// optimizer wiring all have to be right for a random-token batch to be memorised.
func TestOverfit(t *testing.T) {
	cfg := testConfig(dtypes.Float32)
	cfg.InitStd = 0.02
	m := newTestModel(t, cfg, 21)
	rng := rand.New(rand.NewPCG(9, 10))
	const b, s, steps = 4, 16, 40
	tokens := randomTokens(rng, b, s, cfg.Vocab)
	mask := onesMask(b, s)
	lossMask := onesMask(b, s)
	for i := range lossMask {
		lossMask[i][0], lossMask[i][s-1] = false, false // "prompt" token and the fill target
	}
	step := newSFTStep(t, backendtest.Must(t), m, 1e-2)
	var first, last float32
	for i := range steps {
		out, err := step.Call(tokens, mask, lossMask)
		if err != nil {
			t.Fatal(err)
		}
		last = tensors.ToScalar[float32](out[0])
		if i == 0 {
			first = last
		}
	}
	t.Logf("SFT loss: %.3f → %.3f after %d steps", first, last, steps)
	if first < 3 { // ln(29) ≈ 3.37: an untrained model must be near uniform
		t.Errorf("initial loss %.3f, want ≈ ln(vocab) = 3.37", first)
	}
	if last > first/10 {
		t.Errorf("loss went from %.3f to %.3f in %d steps, want a >10× drop", first, last, steps)
	}
}
