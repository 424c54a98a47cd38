// Package optim holds the optimizer plumbing shared by r1lab's trainers (the
// supervised trainer and GRPO): global grad-norm clipping as PyTorch does it,
// and the learning-rate variable that GoMLX's Adam reads, set from the host
// before every step so any schedule can drive it.
package optim

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// ClipGlobalNorm scales grads in place so that their global L2 norm is at
// most maxNorm (0: no clipping), as torch.nn.utils.clip_grad_norm_ does
// (scale maxNorm/(norm+1e-6), capped at 1), and returns the norm before
// clipping, in Float32.
func ClipGlobalNorm(grads []*Node, maxNorm float64) *Node {
	var sum *Node
	for _, g := range grads {
		sq := ReduceAllSum(Square(ConvertDType(g, dtypes.Float32)))
		if sum == nil {
			sum = sq
		} else {
			sum = Add(sum, sq)
		}
	}
	norm := Sqrt(sum)
	if maxNorm > 0 {
		scale := MinScalar(Div(Scalar(norm.Graph(), dtypes.Float32, maxNorm), AddScalar(norm, 1e-6)), 1)
		for i, g := range grads {
			grads[i] = Mul(g, ConvertDType(scale, g.DType()))
		}
	}
	return norm
}

// SetLearningRate writes lr into the Store's learning-rate variable, which
// GoMLX's Adam reads, creating it (non-trainable) before the first step so
// that step already uses the schedule's rate. dtype must be the one Adam
// computes in: the loss dtype.
func SetLearningRate(store *model.Store, dtype dtypes.DType, lr float64) error {
	v := optimizer.LearningRateVarWithValue(store.RootScope(), dtype, lr)
	switch v.DType() {
	case dtypes.Float32:
		return v.SetValue(tensors.FromScalar(float32(lr)))
	case dtypes.Float64:
		return v.SetValue(tensors.FromScalar(lr))
	}
	return fmt.Errorf("optim: learning-rate variable has dtype %s", v.DType())
}

// AdamDType is the dtype GoMLX's Adam computes in for a model of dtype dt:
// the loss dtype, which r1lab's losses make Float64 for Float64 models and
// Float32 otherwise (half-precision models compute their loss in Float32).
func AdamDType(dt dtypes.DType) dtypes.DType {
	if dt == dtypes.Float64 {
		return dtypes.Float64
	}
	return dtypes.Float32
}

// ScalarValue returns a scalar float tensor's value as float64 (NaN for any other tensor).
func ScalarValue(t *tensors.Tensor) float64 {
	switch v := t.Value().(type) {
	case float32:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}
