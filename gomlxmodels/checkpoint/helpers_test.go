package checkpoint

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// tinyConfig is lm's test model: 2 layers, GQA, Heads·HeadDim ≠ DModel.
func tinyConfig() lm.Config {
	return lm.Config{
		Vocab: 29, DModel: 24, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 8, FFN: 40,
		RoPEBase: 10000, MaxSeqLen: 128, NormEps: 1e-6, InitStd: 0.2, DType: dtypes.Float32,
	}
}

func newTiny(t testing.TB, cfg lm.Config, seed uint64) *lm.Model {
	t.Helper()
	m, err := lm.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// train runs AdamW steps [from, to) of the SFT loss on m. The batch of step i depends only on
// i, so a run split by a checkpoint sees exactly the batches of a straight run.
func train(t testing.TB, m *lm.Model, from, to int) {
	t.Helper()
	opt := optimizer.Adam().LearningRate(1e-2).WeightDecay(0.01).Done()
	e, err := model.NewExec(backendtest.Must(t), m.Store, func(root *model.Scope, tok, msk *Node) *Node {
		lp := lm.TokenLogProbs(m.Scope(), m.Config, tok, nil, msk, lm.NextTokenTargets(tok, 0))
		loss := lm.MaskedNLL(lp, msk)
		opt.UpdateGraph(root, tok.Graph(), loss)
		return loss
	})
	if err != nil {
		t.Fatal(err)
	}
	const b, s = 3, 10
	for step := from; step < to; step++ {
		rng := rand.New(rand.NewPCG(uint64(step), 7))
		tok := make([][]int32, b)
		msk := make([][]bool, b)
		for i := range tok {
			tok[i], msk[i] = make([]int32, s), make([]bool, s)
			for j := range tok[i] {
				tok[i][j], msk[i][j] = int32(rng.IntN(m.Config.Vocab)), true
			}
		}
		if _, err := e.Call(tok, msk); err != nil {
			t.Fatalf("train step %d: %v", step, err)
		}
	}
}

// varBytes returns a copy of v's raw bytes.
func varBytes(t testing.TB, v *model.Variable) []byte {
	t.Helper()
	val, err := v.Value()
	if err != nil {
		t.Fatalf("%s: %v", v.Path(), err)
	}
	var out []byte
	if err := withBytes(val, func(b []byte) error { out = slices.Clone(b); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

// assertSameStores checks that want and got hold the same variables, in the same creation order,
// with the same shapes, trainable flags and bit-identical values.
func assertSameStores(t testing.TB, want, got *model.Store) {
	t.Helper()
	var wv, gv []*model.Variable
	for v := range want.IterVariables() {
		wv = append(wv, v)
	}
	for v := range got.IterVariables() {
		gv = append(gv, v)
	}
	if len(wv) != len(gv) {
		t.Fatalf("stores have %d and %d variables", len(wv), len(gv))
	}
	for i := range wv {
		w, g := wv[i], gv[i]
		if w.Path() != g.Path() {
			t.Fatalf("variable %d: path %q, want %q (creation order must survive)", i, g.Path(), w.Path())
		}
		if !w.Shape().Equal(g.Shape()) || w.Trainable != g.Trainable {
			t.Errorf("%s: shape %s trainable %v, want %s %v", w.Path(), g.Shape(), g.Trainable, w.Shape(), w.Trainable)
			continue
		}
		if !bytes.Equal(varBytes(t, w), varBytes(t, g)) {
			t.Errorf("%s: values differ", w.Path())
		}
	}
}
