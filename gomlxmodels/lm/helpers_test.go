package lm

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
)

// testConfig is a deliberately tiny but complete model: 2 layers, GQA with 2 query heads per KV
// head, Heads·HeadDim ≠ DModel, so every code path (grouping, reshapes, fused splits) is used.
func testConfig(dt dtypes.DType) Config {
	return Config{
		Vocab: 29, DModel: 24, Layers: 2, Heads: 4, KVHeads: 2, HeadDim: 8, FFN: 40,
		RoPEBase: 10000, MaxSeqLen: 128, NormEps: 1e-6, InitStd: 0.2, DType: dt,
	}
}

func newTestModel(t testing.TB, cfg Config, seed uint64) *Model {
	t.Helper()
	m, err := New(cfg, seed)
	if err != nil {
		t.Fatalf("lm.New: %v", err)
	}
	return m
}

// randomTokens returns a [b][s] matrix of ids in [0, vocab).
func randomTokens(rng *rand.Rand, b, s, vocab int) [][]int32 {
	out := make([][]int32, b)
	for i := range out {
		out[i] = make([]int32, s)
		for j := range out[i] {
			out[i][j] = int32(rng.IntN(vocab))
		}
	}
	return out
}

func onesMask(b, s int) [][]bool {
	out := make([][]bool, b)
	for i := range out {
		out[i] = make([]bool, s)
		for j := range out[i] {
			out[i][j] = true
		}
	}
	return out
}

// logitsExec compiles Logits(tokens, mask) with positions derived from the mask.
func logitsExec(t testing.TB, m *Model) *model.Exec {
	t.Helper()
	e, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tokens, mask *Node) *Node {
		return Logits(m.Scope(), m.Config, tokens, nil, mask)
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// runLogits returns logits [B][S][V] as float64.
func runLogits(t testing.TB, e *model.Exec, tokens [][]int32, mask [][]bool) [][][]float64 {
	t.Helper()
	out, err := e.Call(tokens, mask)
	if err != nil {
		t.Fatalf("Logits: %v", err)
	}
	return to3D(t, out[0])
}

func to3D(t testing.TB, x *tensors.Tensor) [][][]float64 {
	t.Helper()
	dims := x.Shape().Dimensions
	flat := toFloat64s(t, x)
	out := make([][][]float64, dims[0])
	for i := range out {
		out[i] = make([][]float64, dims[1])
		for j := range out[i] {
			off := (i*dims[1] + j) * dims[2]
			out[i][j] = flat[off : off+dims[2]]
		}
	}
	return out
}

func toFloat64s(t testing.TB, x *tensors.Tensor) []float64 {
	t.Helper()
	switch x.DType() {
	case dtypes.Float32:
		f := tensors.MustCopyFlatData[float32](x)
		out := make([]float64, len(f))
		for i, v := range f {
			out[i] = float64(v)
		}
		return out
	case dtypes.Float64:
		return tensors.MustCopyFlatData[float64](x)
	}
	t.Fatalf("unexpected dtype %s", x.DType())
	return nil
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		d := a[i] - b[i]
		if d < 0 {
			d = -d
		}
		m = max(m, d)
	}
	return m
}
