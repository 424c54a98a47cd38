package lm

import (
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// NextTokenTargets returns targets[b, t] = tokens[b, t+1], with fill in the last column: the
// usual teacher-forcing targets for [TokenLogProbs]. fill must be a valid id (e.g. the pad id);
// the last column is never a real target and must be excluded by the loss mask.
func NextTokenTargets(tokens *Node, fill int) *Node {
	return ShiftLeft(tokens, 1, float64(fill))
}

// TokenLogProbs runs the model and returns, for every slot, log π(targets[b, t] | tokens[b, ≤t])
// as a [B, S] tensor in the compute dtype (Float32 for half models). targets is integer [B, S]
// with ids in [0, Vocab); typically NextTokenTargets(tokens, pad).
//
// It avoids materialising a [B, S, Vocab] log-softmax: the target's logit is the dot product of
// the hidden state with the target's (tied) embedding row, and the normaliser is a stable
// log-sum-exp of the logits, log π(y) = h·e_y − logΣ_v exp(h·e_v).
func TokenLogProbs(scope *model.Scope, cfg Config, tokens, positions, mask, targets *Node) *Node {
	if targets == nil || !targets.DType().IsInt() || !targets.Shape().EqualDimensions(tokens.Shape()) {
		exceptions.Panicf("lm: targets must be integer with the shape of tokens %s", tokens.Shape())
	}
	hidden := Hidden(scope, cfg, tokens, positions, mask)
	logits := OutputLogits(scope, cfg, hidden) // [B, S, V], compute dtype
	lse := logSumExp(logits)

	w, err := lookup(scope, cfg, cfg.embedParam())
	if err != nil {
		panic(err)
	}
	emb := w.NodeValue(tokens.Graph())
	targetEmb := Gather(emb, ExpandAxes(ConvertDType(targets, dtypes.Int32), -1)) // [B, S, D]
	cdt := computeDType(cfg.DType)
	targetLogit := ReduceSum(Mul(ConvertDType(hidden, cdt), ConvertDType(targetEmb, cdt)), -1)
	return Sub(targetLogit, lse)
}

// logSumExp over the last axis, stable: the max is subtracted first. Its gradient does not flow
// through the max (StopGradient) because the exact gradient of log-sum-exp does not depend on it.
func logSumExp(x *Node) *Node {
	m := StopGradient(ReduceAndKeep(x, ReduceMax, -1))
	s := ReduceSum(Exp(Sub(x, m)), -1)
	return Add(Log(s), Squeeze(m, -1))
}

// lossWeights converts a Bool or numeric 0/1 [B, S] loss mask into weights of logProbs' dtype.
func lossWeights(logProbs, lossMask *Node) *Node {
	if lossMask == nil || !lossMask.Shape().EqualDimensions(logProbs.Shape()) {
		exceptions.Panicf("lm: loss mask must have the shape of the log-probs %s", logProbs.Shape())
	}
	return ConvertDType(lossMask, logProbs.DType())
}

// SequenceNLL returns the per-sequence mean negative log-likelihood, [B]:
// −Σ_t m[b,t]·logProbs[b,t] / Σ_t m[b,t], and 0 for a row with no loss tokens. lossMask is Bool
// (or numeric 0/1) [B, S], true on the slots whose target counts (for SFT: the slots predicting
// the response tokens and its EOS).
// It is the per-example loss whose gradient is the paper's per-sample SFT direction.
func SequenceNLL(logProbs, lossMask *Node) *Node {
	w := lossWeights(logProbs, lossMask)
	sum := ReduceSum(Mul(Neg(logProbs), w), -1)
	count := ReduceSum(w, -1)
	return Div(sum, MaxScalar(count, 1))
}

// MaskedNLL is the paper's SFT loss (verl's fsdp_sft_trainer, "MODIFIED"): the response-only
// NLL averaged over each sequence's own loss tokens, then averaged over the sequences, so every
// sequence weighs the same whatever its length. Rows with no loss token (batch padding) are left
// out of the average; if there are none at all the loss is 0. Returns a scalar.
func MaskedNLL(logProbs, lossMask *Node) *Node {
	perSeq := SequenceNLL(logProbs, lossMask)
	hasTokens := ConvertDType(GreaterThan(ReduceSum(lossWeights(logProbs, lossMask), -1),
		ScalarZero(logProbs.Graph(), logProbs.DType())), logProbs.DType())
	return Div(ReduceAllSum(Mul(perSeq, hasTokens)), MaxScalar(ReduceAllSum(hasTokens), 1))
}

// TokenMeanNLL is the NLL averaged over all loss tokens of the batch (long sequences weigh more),
// the "token-mean" convention of GRPO-style losses. Returns a scalar, 0 if there are no tokens.
func TokenMeanNLL(logProbs, lossMask *Node) *Node {
	w := lossWeights(logProbs, lossMask)
	return Div(ReduceAllSum(Mul(Neg(logProbs), w)), MaxScalar(ReduceAllSum(w), 1))
}
