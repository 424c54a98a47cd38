package trainer

import (
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/optim"
)

// gradientOptimizer is the part of GoMLX's Adam that applies gradients built
// outside it, which is what lets the step clip the global norm first.
type gradientOptimizer interface {
	UpdateGraphWithGradients(scope *model.Scope, grads []*Node, lossDType dtypes.DType)
}

// newStepExec compiles one AdamW step: loss, gradients, global-norm clip,
// update. It returns the loss and the gradient norm before clipping. The
// learning rate is read from the Store's learning-rate variable, which the
// loop sets before every step.
func newStepExec(b compute.Backend, m *lm.Model, c Config) (*model.Exec, error) {
	opt := optimizer.Adam().Betas(c.Beta1, c.Beta2).Epsilon(c.Epsilon).WeightDecay(c.WeightDecay).
		LearningRate(c.LearningRate).Done()
	apply, ok := opt.(gradientOptimizer)
	if !ok {
		return nil, fmt.Errorf("trainer: GoMLX's Adam cannot apply external gradients")
	}
	return model.NewExec(b, m.Store, func(root *model.Scope, tokens, mask, lossMask *Node) (*Node, *Node) {
		lp := lm.TokenLogProbs(m.Scope(), m.Config, tokens, nil, mask, lm.NextTokenTargets(tokens, 0))
		var loss *Node
		if c.Loss == TokenMean {
			loss = lm.TokenMeanNLL(lp, lossMask)
		} else {
			loss = lm.MaskedNLL(lp, lossMask)
		}
		grads := root.BuildTrainableVariablesGradientsGraph(loss)
		norm := optim.ClipGlobalNorm(grads, c.ClipGradNorm)
		apply.UpdateGraphWithGradients(root, grads, loss.DType())
		return loss, norm
	})
}

// newEvalExec compiles the validation pass: per sequence, the summed NLL of
// its loss tokens and their count, so the host can reduce either way.
func newEvalExec(b compute.Backend, m *lm.Model) (*model.Exec, error) {
	return model.NewExec(b, m.Store, func(_ *model.Scope, tokens, mask, lossMask *Node) (*Node, *Node) {
		lp := lm.TokenLogProbs(m.Scope(), m.Config, tokens, nil, mask, lm.NextTokenTargets(tokens, 0))
		lmF := ConvertDType(lossMask, lp.DType())
		return ReduceSum(Neg(Mul(lp, lmF)), -1), ReduceSum(lmF, -1)
	})
}
