package lm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
)

// TestGradientsMatchFiniteDifferences checks autodiff through the whole model and the SFT loss
// against central differences, in Float64 (which the Go backend supports), so the tolerance can
// be tight: with h = 1e-5 the truncation error is O(h²) ≈ 1e-10 and rounding ≈ 1e-16/h ≈ 1e-11.
func TestGradientsMatchFiniteDifferences(t *testing.T) {
	cfg := testConfig(dtypes.Float64)
	m := newTestModel(t, cfg, 11)
	rng := rand.New(rand.NewPCG(7, 8))
	const b, s = 2, 7
	tokens := randomTokens(rng, b, s, cfg.Vocab)
	mask := onesMask(b, s)
	mask[1][0], mask[1][1] = false, false // left padding in row 1
	// Loss on the "response": the targets of positions 2..5.
	lossMask := make([][]bool, b)
	for i := range lossMask {
		lossMask[i] = make([]bool, s)
		for j := 2; j < s-1; j++ {
			lossMask[i][j] = true
		}
	}
	lossFn := func(tok, msk, lm *Node) *Node {
		lp := TokenLogProbs(m.Scope(), cfg, tok, nil, msk, NextTokenTargets(tok, 0))
		return MaskedNLL(lp, lm)
	}

	checked := []string{
		"embed", "layer_0/attn_norm_scale", "layer_0/qkv_weights", "layer_0/qkv_bias",
		"layer_0/attn_out_weights", "layer_1/mlp_norm_scale", "layer_1/gate_up_weights",
		"layer_1/down_weights", "final_norm_scale",
	}
	vars := make([]*model.Variable, len(checked))
	for i, rel := range checked {
		if vars[i] = m.Store.GetVariable(m.Path + "/" + rel); vars[i] == nil {
			t.Fatalf("no variable %s", rel)
		}
	}
	gradExec, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, inputs []*Node) []*Node {
		loss := lossFn(inputs[0], inputs[1], inputs[2])
		nodes := make([]*Node, len(vars))
		for i, v := range vars {
			nodes[i] = v.NodeValue(loss.Graph())
		}
		return append([]*Node{loss}, Gradient(loss, nodes...)...)
	})
	if err != nil {
		t.Fatal(err)
	}
	lossExec, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tok, msk, lm *Node) *Node {
		return lossFn(tok, msk, lm)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := gradExec.Call(tokens, mask, lossMask)
	if err != nil {
		t.Fatal(err)
	}
	evalLoss := func() float64 {
		o, err := lossExec.Call(tokens, mask, lossMask)
		if err != nil {
			t.Fatal(err)
		}
		return tensors.ToScalar[float64](o[0])
	}
	if l0 := tensors.ToScalar[float64](out[0]); math.Abs(l0-evalLoss()) > 1e-12 {
		t.Fatalf("loss differs between the two executables: %g vs %g", l0, evalLoss())
	}

	const h = 1e-5
	for i, v := range vars {
		grad := tensors.MustCopyFlatData[float64](out[i+1])
		orig := tensors.MustCopyFlatData[float64](v.MustValue())
		dims := v.Shape().Dimensions
		set := func(vals []float64) {
			if err := v.SetValue(tensors.FromFlatDataAndDimensions(vals, dims...)); err != nil {
				t.Fatal(err)
			}
		}
		maxGrad := 0.0
		for _, g := range grad {
			maxGrad = max(maxGrad, math.Abs(g))
		}
		if maxGrad == 0 {
			t.Errorf("%s: gradient is identically zero", checked[i])
		}
		for range 3 {
			// Prefer coordinates with a non-negligible gradient, so the check has teeth.
			k := rng.IntN(len(orig))
			for tries := 0; tries < 50 && math.Abs(grad[k]) < 0.05*maxGrad; tries++ {
				k = rng.IntN(len(orig))
			}
			p := append([]float64(nil), orig...)
			p[k] = orig[k] + h
			set(p)
			up := evalLoss()
			p[k] = orig[k] - h
			set(p)
			down := evalLoss()
			set(orig)
			fd := (up - down) / (2 * h)
			if d := math.Abs(fd - grad[k]); d > 1e-8+1e-5*math.Abs(fd) {
				t.Errorf("%s[%d]: autodiff %.10g, finite difference %.10g (Δ=%.2g)", checked[i], k, grad[k], fd, d)
			}
		}
	}
}
