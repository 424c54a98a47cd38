package optim

import (
	"math"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
)

// TestClipGlobalNorm: gradients (3, 4) and (0) have global norm 5; torch's clip_grad_norm_
// scales them by max/(5+1e-6) when that is below 1 and returns the norm before clipping.
func TestClipGlobalNorm(t *testing.T) {
	for _, tc := range []struct {
		maxNorm float64
		want    []float64
	}{
		{1, []float64{3 / (5 + 1e-6), 4 / (5 + 1e-6), 0}},
		{10, []float64{3, 4, 0}},
		{0, []float64{3, 4, 0}}, // 0: no clipping
	} {
		e, err := NewExec(backendtest.Must(t), func(a, b *Node) []*Node {
			grads := []*Node{a, b}
			norm := ClipGlobalNorm(grads, tc.maxNorm)
			return []*Node{grads[0], grads[1], norm}
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := e.Call([]float32{3, 4}, []float32{0})
		e.Finalize()
		if err != nil {
			t.Fatal(err)
		}
		got := append(tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])...)
		for i, w := range tc.want {
			if math.Abs(float64(got[i])-w) > 1e-6 {
				t.Errorf("max %g: gradient %d = %g, want %g", tc.maxNorm, i, got[i], w)
			}
		}
		if n := tensors.ToScalar[float32](out[2]); n != 5 {
			t.Errorf("max %g: norm %g, want 5 (before clipping)", tc.maxNorm, n)
		}
	}
}
