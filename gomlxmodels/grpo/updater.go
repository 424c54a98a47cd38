package grpo

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/optim"
)

// Metric names returned by [Updater.Step]: verl's (research/paper.md §7).
const (
	MetricPGLoss   = "actor/pg_loss"      // the aggregated clipped surrogate
	MetricClipFrac = "actor/pg_clipfrac"  // token fraction where clipping is active
	MetricPPOKL    = "actor/ppo_kl"       // token mean of old − new log-prob
	MetricEntropy  = "actor/entropy_loss" // token mean entropy (when computed)
	MetricGradNorm = "actor/grad_norm"    // global L2 norm before clipping
	MetricKLLoss   = "actor/kl_loss"      // aggregated KL estimate to the reference (with ref)
	MetricRefKL    = "critic/kl"          // verl's monitoring KL to the reference (with ref)
	MetricLR       = "actor/lr"           // the learning rate the step used
)

// AdamScope is the Store scope of the Updater's AdamW moments and step counter. It differs from
// GoMLX's default ("AdamOptimizer", which the SFT trainer uses), so an RL run that starts from
// an SFT checkpoint gets a fresh optimizer, as verl's RL does, and its checkpoints hold its own.
const AdamScope = "grpo_adam"

// Metrics maps metric names (the Metric* constants) to values.
type Metrics map[string]float64

// Updater holds the compiled AdamW step of the GRPO loss for one model. It updates the model's
// Store in place. It is not safe for concurrent use.
type Updater struct {
	model  *lm.Model
	config Config
	exec   *model.Exec
	// measure is the forward pass over the rows the backward pass leaves out
	// (Config.SkipZeroAdvantage): the numerators of their share of the metrics.
	measure *model.Exec
	// grads, sum and apply split exec's step for Config.MaxUpdateTokens: a chunk's metrics and
	// gradients, the sum of two gradient lists, and the clipped AdamW step on summed gradients.
	grads, sum, apply *model.Exec
}

// NewUpdater compiles (lazily, per batch shape) one AdamW step on [Loss] with global grad-norm
// clipping for m on backend b.
func NewUpdater(b compute.Backend, m *lm.Model, c Config) (*Updater, error) {
	if b == nil || m == nil || m.Store == nil {
		return nil, errors.New("grpo.NewUpdater: nil backend or model")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if err := lm.CheckParams(m.Scope(), m.Config); err != nil {
		return nil, err
	}
	opt := optimizer.Adam().Scope(AdamScope).Betas(c.Beta1, c.Beta2).Epsilon(c.Epsilon).
		WeightDecay(c.WeightDecay).Done()
	apply, ok := opt.(interface {
		UpdateGraphWithGradients(scope *model.Scope, grads []*Node, lossDType dtypes.DType)
	})
	if !ok {
		return nil, errors.New("grpo: GoMLX's Adam cannot apply external gradients")
	}
	// Inputs: tokens, mask, loss mask, advantages, old log-probs, token count, row count[, ref
	// log-probs]. Outputs: pg_loss, clipfrac, ppo_kl, grad_norm, entropy, kl_loss (the last two
	// 0 when absent).
	exec, err := model.NewExec(b, m.Store, func(root *model.Scope, in []*Node) []*Node {
		out := Loss(m.Scope(), m.Config, c, lossInputs(in))
		loss := out.Loss
		if c.LossScale != 1 {
			loss = MulScalar(loss, c.LossScale)
		}
		grads := root.BuildTrainableVariablesGradientsGraph(loss)
		norm := optim.ClipGlobalNorm(grads, c.ClipGradNorm)
		apply.UpdateGraphWithGradients(root, grads, loss.DType())
		zero := ScalarZero(loss.Graph(), loss.DType())
		return []*Node{out.PGLoss, out.ClipFrac, out.PPOKL, ConvertDType(norm, loss.DType()),
			orZero(out.Entropy, zero), orZero(out.KLLoss, zero)}
	})
	if err != nil {
		return nil, err
	}
	// The same inputs with both counts 1: every mean becomes the sum it divides, and the
	// outputs are laid out like exec's, with 0 for the grad norm.
	measure, err := model.NewExec(b, m.Store, func(_ *model.Scope, in []*Node) []*Node {
		out := Loss(m.Scope(), m.Config, c, lossInputs(in))
		zero := ScalarZero(out.Loss.Graph(), out.Loss.DType())
		return []*Node{out.PGLoss, out.ClipFrac, out.PPOKL, zero, orZero(out.Entropy, zero), orZero(out.KLLoss, zero)}
	})
	if err != nil {
		exec.Finalize()
		return nil, err
	}
	u := &Updater{model: m, config: c, exec: exec, measure: measure}
	if err := u.buildChunked(b, apply); err != nil {
		u.Finalize()
		return nil, err
	}
	return u, nil
}

// buildChunked builds the executables of the chunked update (Config.MaxUpdateTokens).
func (u *Updater) buildChunked(b compute.Backend, apply interface {
	UpdateGraphWithGradients(scope *model.Scope, grads []*Node, lossDType dtypes.DType)
}) error {
	m, c := u.model, u.config
	// Set when grads builds its graph; apply is only ever built after grads has run.
	lossDType := dtypes.Float32
	var err error
	u.grads, err = model.NewExec(b, m.Store, func(root *model.Scope, in []*Node) []*Node {
		out := Loss(m.Scope(), m.Config, c, lossInputs(in))
		loss := out.Loss
		if c.LossScale != 1 {
			loss = MulScalar(loss, c.LossScale)
		}
		lossDType = loss.DType()
		grads := root.BuildTrainableVariablesGradientsGraph(loss)
		zero := ScalarZero(loss.Graph(), loss.DType())
		return append([]*Node{out.PGLoss, out.ClipFrac, out.PPOKL, zero, orZero(out.Entropy, zero), orZero(out.KLLoss, zero)},
			grads...)
	})
	if err != nil {
		return err
	}
	u.sum, err = model.NewExec(b, m.Store, func(_ *model.Scope, in []*Node) []*Node {
		half := len(in) / 2
		out := make([]*Node, half)
		for i := range out {
			out[i] = Add(in[i], in[half+i])
		}
		return out
	})
	if err != nil {
		return err
	}
	u.apply, err = model.NewExec(b, m.Store, func(root *model.Scope, grads []*Node) []*Node {
		grads = slices.Clone(grads)
		// Adam updates the trainable variables the graph uses, in the Store's order, which is
		// the order of the gradients: read every one so that it is in use here too.
		used := 0
		for v := range root.IterVariables() {
			if v.Trainable {
				v.NodeValue(grads[0].Graph())
				used++
			}
		}
		if used != len(grads) {
			exceptions.Panicf("grpo: %d gradients for %d trainable variables", len(grads), used)
		}
		norm := optim.ClipGlobalNorm(grads, c.ClipGradNorm)
		apply.UpdateGraphWithGradients(root, grads, lossDType)
		return []*Node{ConvertDType(norm, lossDType)}
	})
	return err
}

// lossInputs names the graph inputs of the Updater's executables.
func lossInputs(in []*Node) Inputs {
	li := Inputs{Tokens: in[0], Mask: in[1], LossMask: in[2], Advantages: in[3], OldLogProbs: in[4],
		TokenCount: in[5], RowCount: in[6]}
	if len(in) > 7 {
		li.RefLogProbs = in[7]
	}
	return li
}

// Finalize frees the compiled graphs; the Updater must not be used afterwards.
func (u *Updater) Finalize() {
	for _, e := range []*model.Exec{u.exec, u.measure, u.grads, u.sum, u.apply} {
		if e != nil {
			e.Finalize()
		}
	}
}

// Step runs Config.PPOEpochs passes over b, each split into Config.MiniBatches consecutive
// mini-batches with one AdamW step each, at learning rate lr (see [Config.LearningRateAt]). With
// the defaults that is exactly one optimizer step. Metrics are evaluated before each update and
// averaged over the optimizer steps (as verl reduces them); critic/kl (with reference log-probs)
// is computed once from the old and reference log-probs, as verl's apply_kl_penalty does.
//
// On a non-finite loss or gradient norm it returns an error; the weights have then already
// been updated with it, so the caller should stop and restore a checkpoint.
func (u *Updater) Step(b Batch, lr float64) (Metrics, error) {
	c := u.config
	if err := b.validate(u.model.Config.Vocab, u.model.Config.MaxSeqLen); err != nil {
		return nil, err
	}
	if c.KLCoef > 0 && b.RefLogProbs == nil {
		return nil, fmt.Errorf("grpo: KLCoef = %g needs Batch.RefLogProbs", c.KLCoef)
	}
	if b.Len()%c.MiniBatches != 0 {
		return nil, fmt.Errorf("grpo: batch of %d sequences does not split into %d equal mini-batches", b.Len(), c.MiniBatches)
	}
	if err := optim.SetLearningRate(u.model.Store, optim.AdamDType(u.model.Config.DType), lr); err != nil {
		return nil, err
	}
	names := []string{MetricPGLoss, MetricClipFrac, MetricPPOKL, MetricGradNorm, MetricEntropy, MetricKLLoss}
	sums := make([]float64, len(names))
	size := b.Len() / c.MiniBatches
	steps := 0
	for range c.PPOEpochs {
		for k := range c.MiniBatches {
			values, err := u.miniBatchStep(b.rows(k*size, (k+1)*size))
			if err != nil {
				return nil, err
			}
			for i, v := range values {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("grpo: %s is %v: the update diverged", names[i], v)
				}
				sums[i] += v
			}
			steps++
		}
	}
	m := Metrics{MetricLR: lr}
	for i, name := range names {
		m[name] = sums[i] / float64(steps)
	}
	if !(c.LogEntropy || c.EntropyCoef > 0) {
		delete(m, MetricEntropy)
	}
	if b.RefLogProbs == nil {
		delete(m, MetricKLLoss)
	} else {
		m[MetricRefKL] = RefKL(b)
	}
	return m, nil
}

// miniBatchStep takes one AdamW step on mb and returns its metrics in the order of Step's names.
// With Config.SkipZeroAdvantage the rows it leaves out of the backward pass are measured first,
// by a forward pass at the same weights, or from Batch.Entropies where that suffices: their
// share of each mean is their sum over the whole mini-batch's divisor, added to the backward
// pass's share.
func (u *Updater) miniBatchStep(mb Batch) ([]float64, error) {
	backward, forward := mb, Batch{}
	if u.config.skipsZeroAdvantage() {
		backward, forward = mb.splitByAdvantage()
	}
	tokens, rows := float32(max(mb.ResponseTokens, 1)), float32(mb.Len())
	var measured []float64
	if forward.Len() > 0 {
		var ok bool
		if measured, ok = u.config.sampledSums(forward); !ok {
			out, err := u.measure.Call(forward.execArgs(1, 1)...)
			if err != nil {
				return nil, fmt.Errorf("grpo: forward pass over the zero-advantage rows: %w", err)
			}
			measured = make([]float64, len(out))
			for i, t := range out {
				measured[i] = optim.ScalarValue(t)
			}
		}
	}
	values, err := u.backwardStep(backward, tokens, rows)
	if err != nil {
		return nil, err
	}
	if measured != nil {
		// pg_loss (0) and kl_loss (5) are aggregated per Config.LossAgg; the others are token
		// means.
		byRows := u.config.LossAgg == AggGRPO || u.config.LossAgg == AggDrGRPO
		for i, v := range measured {
			div := float64(tokens)
			if byRows && (i == 0 || i == 5) {
				div = float64(rows)
			}
			values[i] += v / div
		}
	}
	return values, nil
}

// backwardStep takes the AdamW step on the rows of b, in one backward pass or, when they hold
// more than Config.MaxUpdateTokens padded tokens, in chunks of rows whose gradients are summed;
// tokens and rows are the whole mini-batch's divisors. It returns the metrics in Step's order.
func (u *Updater) backwardStep(b Batch, tokens, rows float32) ([]float64, error) {
	chunks := u.config.chunks(b)
	if len(chunks) <= 1 {
		out, err := u.exec.Call(b.execArgs(tokens, rows)...)
		if err != nil {
			return nil, fmt.Errorf("grpo: update step: %w", err)
		}
		return scalars(out), nil
	}
	values := make([]float64, 6)
	var sum []*tensors.Tensor
	for _, chunk := range chunks {
		out, err := u.grads.Call(b.pick(chunk).execArgs(tokens, rows)...)
		if err != nil {
			finalizeAll(sum)
			return nil, fmt.Errorf("grpo: update step, rows %d–%d: %w", chunk[0], chunk[len(chunk)-1], err)
		}
		for i, v := range scalars(out[:6]) {
			values[i] += v // every share is over the whole mini-batch's divisors
		}
		if sum == nil {
			sum = out[6:]
			continue
		}
		next, err := u.sum.Call(tensorArgs(append(sum, out[6:]...))...)
		finalizeAll(sum)
		finalizeAll(out[6:])
		if err != nil {
			return nil, fmt.Errorf("grpo: summing chunk gradients: %w", err)
		}
		sum = next
	}
	out, err := u.apply.Call(tensorArgs(sum)...)
	finalizeAll(sum)
	if err != nil {
		return nil, fmt.Errorf("grpo: update step: %w", err)
	}
	values[3] = optim.ScalarValue(out[0]) // grad_norm of the summed gradient
	return values, nil
}

// chunks cuts the rows of b into runs of consecutive rows of at most MaxUpdateTokens padded
// tokens each (at least one row per run); one run when there is no limit or all rows fit.
func (c Config) chunks(b Batch) [][]int {
	n := b.Len()
	if n == 0 {
		return nil
	}
	per := n
	if s := len(b.Tokens[0]); c.MaxUpdateTokens > 0 && n*s > c.MaxUpdateTokens {
		per = max(1, c.MaxUpdateTokens/s)
	}
	var out [][]int
	for lo := 0; lo < n; lo += per {
		var rows []int
		for i := lo; i < min(lo+per, n); i++ {
			rows = append(rows, i)
		}
		out = append(out, rows)
	}
	return out
}

func scalars(ts []*tensors.Tensor) []float64 {
	out := make([]float64, len(ts))
	for i, t := range ts {
		out[i] = optim.ScalarValue(t)
	}
	return out
}

func tensorArgs(ts []*tensors.Tensor) []any {
	out := make([]any, len(ts))
	for i, t := range ts {
		out[i] = t
	}
	return out
}

func finalizeAll(ts []*tensors.Tensor) {
	for _, t := range ts {
		_ = t.FinalizeAll()
	}
}

// execArgs are the Updater's executable inputs for b with the given divisors.
func (b Batch) execArgs(tokens, rows float32) []any {
	args := []any{b.Tokens, b.Mask, b.LossMask, b.Advantages, b.OldLogProbs, tokens, rows}
	if b.RefLogProbs != nil {
		args = append(args, b.RefLogProbs)
	}
	return args
}

// RefKL is verl's critic/kl monitoring value for a batch with reference log-probs: the k1
// estimate old − ref averaged over each sequence's response tokens, then over sequences
// (apply_kl_penalty with kl_penalty "kl"). It is NaN without reference log-probs.
func RefKL(b Batch) float64 {
	if b.RefLogProbs == nil || b.Len() == 0 {
		return math.NaN()
	}
	total := 0.0
	for i := range b.Len() {
		sum, n := 0.0, 0
		for t, on := range b.LossMask[i] {
			if on {
				sum += float64(b.OldLogProbs[i][t]) - float64(b.RefLogProbs[i][t])
				n++
			}
		}
		total += sum / float64(max(n, 1))
	}
	return total / float64(b.Len())
}

func orZero(x, zero *Node) *Node {
	if x == nil {
		return zero
	}
	return x
}
