package grpo

import (
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// Inputs are the graph inputs of [Loss]; [B, S] tensors follow [Batch]'s layout.
type Inputs struct {
	Tokens      *Node // integer [B, S]
	Mask        *Node // Bool [B, S], true on real tokens
	LossMask    *Node // Bool [B, S], true on slots whose next token is a response token
	Advantages  *Node // float [B]
	OldLogProbs *Node // float [B, S], the sampling policy's, 0 off the loss slots
	RefLogProbs *Node // float [B, S] or nil: the reference policy's
	// TokenCount and RowCount, when set, are scalars that replace this batch's own divisors in
	// the aggregations and token means (Σ LossMask, at least 1, and B): those of the whole batch
	// when these inputs hold only some of its rows. The [Updater] leaves out rows whose
	// advantage is 0 that way (Config.SkipZeroAdvantage) and the result is unchanged.
	TokenCount, RowCount *Node
}

// Outputs are the loss and its metrics, all scalars except LogProbs.
type Outputs struct {
	// Loss is minimised: PGLoss + KLCoef·agg(kl) − EntropyCoef·agg(entropy), agg being
	// Config.LossAgg.
	Loss *Node
	// PGLoss is agg(max(−A·ratio, −A·clip(ratio, 1−ClipLow, 1+ClipHigh))) (actor/pg_loss).
	PGLoss *Node
	// ClipFrac is the token mean of [clipped term > unclipped term] (actor/pg_clipfrac).
	ClipFrac *Node
	// PPOKL is the token mean of old − new log-prob (actor/ppo_kl).
	PPOKL *Node
	// Entropy is the token mean of the tempered policy's entropy (actor/entropy_loss), or nil
	// when neither Config.EntropyCoef nor Config.LogEntropy asks for it.
	Entropy *Node
	// KLLoss is agg of the per-token KL estimate to the reference (actor/kl_loss), nil without
	// reference log-probs.
	KLLoss *Node
	// LogProbs are the current policy's tempered log-probs [B, S] (0 off the loss slots).
	LogProbs *Node
}

// Loss builds the GRPO loss of c for the model cfg whose weights are under scope (e.g.
// m.Scope()). It panics (reported as an error by model.Exec) on bad shapes, or when c.KLCoef > 0
// and in.RefLogProbs is nil.
//
// Per response token (verl compute_policy_loss): ratio = exp(logπ − logπ_old),
// loss = max(−A·ratio, −A·clip(ratio, 1−ε_low, 1+ε_high)). Off the loss slots the log-ratio is
// forced to 0 so that padding can never produce inf·0.
func Loss(scope *model.Scope, cfg lm.Config, c Config, in Inputs) Outputs {
	if in.Tokens.Rank() != 2 || !in.LossMask.Shape().EqualDimensions(in.Tokens.Shape()) ||
		!in.OldLogProbs.Shape().EqualDimensions(in.Tokens.Shape()) ||
		in.Advantages.Rank() != 1 || in.Advantages.Shape().Dimensions[0] != in.Tokens.Shape().Dimensions[0] ||
		(in.RefLogProbs != nil && !in.RefLogProbs.Shape().EqualDimensions(in.Tokens.Shape())) {
		exceptions.Panicf("grpo.Loss: inputs must be [B, S] (advantages [B]); tokens %s, loss mask %s, old %s, advantages %s",
			in.Tokens.Shape(), in.LossMask.Shape(), in.OldLogProbs.Shape(), in.Advantages.Shape())
	}
	if c.KLCoef > 0 && in.RefLogProbs == nil {
		exceptions.Panicf("grpo.Loss: KLCoef = %g needs reference log-probs", c.KLCoef)
	}
	withEntropy := c.EntropyCoef > 0 || c.LogEntropy
	targets := lm.NextTokenTargets(in.Tokens, 0) // the last column is never a loss slot
	logp, ent := TokenLogProbs(scope, cfg, in.Tokens, in.Mask, targets, c.Temperature, withEntropy)
	dt := logp.DType()
	on := in.LossMask
	w := ConvertDType(on, dt)
	zero := ScalarZero(logp.Graph(), dt)
	onLoss := func(x *Node) *Node { return Where(on, x, zero) }
	d := ownDivisors(w)
	if in.TokenCount != nil {
		d.tokens = ConvertDType(in.TokenCount, dt)
	}
	if in.RowCount != nil {
		d.rows = ConvertDType(in.RowCount, dt)
	}

	old := ConvertDType(in.OldLogProbs, dt)
	adv := ExpandAxes(ConvertDType(in.Advantages, dt), -1) // [B, 1], broadcast over tokens
	logRatio := onLoss(Sub(logp, old))
	ratio := Exp(logRatio)
	unclipped := Mul(Neg(adv), ratio)
	clipped := Mul(Neg(adv), MinScalar(MaxScalar(ratio, 1-c.ClipLow), 1+c.ClipHigh))
	// Ties go to the first operand (GoMLX's Max gradient), i.e. the unclipped term, which is
	// the one that carries the gradient when the ratio is inside the clip range.
	pgTok := Max(unclipped, clipped)

	out := Outputs{LogProbs: onLoss(logp)}
	out.PGLoss = aggregate(pgTok, w, c, d)
	out.ClipFrac = tokenMean(ConvertDType(GreaterThan(clipped, unclipped), dt), w, d)
	out.PPOKL = tokenMean(Neg(logRatio), w, d)
	out.Loss = out.PGLoss
	if in.RefLogProbs != nil {
		klTok := klEstimate(logp, onLoss(ConvertDType(in.RefLogProbs, dt)), on, c.KLEstimator)
		out.KLLoss = aggregate(klTok, w, c, d)
		if c.KLCoef > 0 {
			out.Loss = Add(out.Loss, MulScalar(out.KLLoss, c.KLCoef))
		}
	}
	if ent != nil {
		out.Entropy = tokenMean(onLoss(ent), w, d)
		if c.EntropyCoef > 0 {
			out.Loss = Sub(out.Loss, MulScalar(aggregate(onLoss(ent), w, c, d), c.EntropyCoef))
		}
	}
	return out
}

// klEstimate is the per-token KL estimate of the policy to the reference (0 off the loss slots).
// k1 = logπ − logπ_ref. k3 (verl low_var_kl, TRL) = exp(d) − d − 1 with d = logπ_ref − logπ:
// d is first clamped to [−20, 20] (as newer verl does) so exp cannot overflow into inf·0 = NaN
// gradients, and the estimate is clamped to [−10, 10] as verl's low_var_kl.
func klEstimate(logp, ref, on *Node, estimator string) *Node {
	zero := ScalarZero(logp.Graph(), logp.DType())
	if estimator == KLK1 {
		return Where(on, Sub(logp, ref), zero)
	}
	d := ClipScalar(Where(on, Sub(ref, logp), zero), -20, 20)
	k3 := Sub(Sub(Exp(d), d), OnesLike(d))
	return ClipScalar(k3, -10, 10)
}

// divisors are the scalars the means divide by: the loss slots and the rows of the batch (see
// Inputs.TokenCount).
type divisors struct{ tokens, rows *Node }

// ownDivisors are the divisors of the batch whose loss weights are w [B, S]: Σ w (at least 1)
// and B.
func ownDivisors(w *Node) divisors {
	return divisors{tokens: MaxScalar(ReduceAllSum(w), 1), rows: Scalar(w.Graph(), w.DType(), w.Shape().Dimensions[0])}
}

// tokenMean is Σ w·x / d.tokens: the mean over all loss slots of the batch.
func tokenMean(x, w *Node, d divisors) *Node {
	return Div(ReduceAllSum(Mul(x, w)), d.tokens)
}

// aggregate reduces per-token values x [B, S] with loss weights w to a scalar, per c.LossAgg.
func aggregate(x, w *Node, c Config, d divisors) *Node {
	switch c.LossAgg {
	case AggTokenMean, AggDAPO:
		return tokenMean(x, w, d)
	case AggGRPO:
		// TRL grpo: each sequence's own token mean, then the mean over all sequences.
		perSeq := Div(ReduceSum(Mul(x, w), -1), MaxScalar(ReduceSum(w, -1), 1))
		return Div(ReduceAllSum(perSeq), d.rows)
	case AggDrGRPO:
		// TRL dr_grpo: a constant divisor, so no sequence's tokens weigh by its length.
		return Div(ReduceAllSum(Mul(x, w)), MulScalar(d.rows, float64(c.MaxCompletionLength)))
	}
	exceptions.Panicf("grpo: unknown LossAgg %q", c.LossAgg)
	return nil
}
