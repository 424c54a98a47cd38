package grpo

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// TokenLogProbs runs the model on tokens (integer [B, S], mask Bool [B, S]) and returns, for every
// slot, log p_T(targets[b, t] | tokens[b, ≤t]) where p_T = softmax(logits / temperature), in the
// model's compute dtype. With withEntropy it also returns the entropy of p_T per slot ([B, S]);
// otherwise entropy is nil.
//
// Why not lm.TokenLogProbs: verl's actor and TRL divide the logits by the sampling temperature
// before the log-softmax (the optimised policy is the tempered one), and the entropy needs the
// whole distribution; both come from one [B, S, Vocab] logits tensor here, so the forward pass
// runs once. At temperature 1 the log-probs equal lm.TokenLogProbs' (tested).
func TokenLogProbs(scope *model.Scope, cfg lm.Config, tokens, mask, targets *Node, temperature float64, withEntropy bool) (logProbs, entropy *Node) {
	logits := lm.Logits(scope, cfg, tokens, nil, mask) // [B, S, V], compute dtype
	if temperature != 1 {
		logits = MulScalar(logits, 1/temperature)
	}
	// Stable log-sum-exp. The max carries no gradient: both the normaliser and the entropy below
	// are identities in it, so treating it as a constant leaves their gradients exact.
	m := StopGradient(ReduceAndKeep(logits, ReduceMax, -1))
	shifted := Sub(logits, m)
	e := Exp(shifted)
	sum := ReduceSum(e, -1)
	lse := Add(Log(sum), Squeeze(m, -1))
	logProbs = Sub(gatherLast(logits, targets), lse)
	if withEntropy {
		// H = lse − Σ p·x = log Σe − Σ e·(x−m) / Σe, on the shifted logits to avoid cancellation.
		entropy = Sub(Log(sum), Div(ReduceSum(Mul(e, shifted), -1), sum))
	}
	return logProbs, entropy
}

// gatherLast returns x[b, s, idx[b, s]] for x [B, S, V] and integer idx [B, S].
func gatherLast(x, idx *Node) *Node {
	g := x.Graph()
	dims := idx.Shape().Dimensions
	at := shapes.Make(dtypes.Int32, dims[0], dims[1], 1)
	indices := Concatenate([]*Node{Iota(g, at, 0), Iota(g, at, 1), ExpandAxes(ConvertDType(idx, dtypes.Int32), -1)}, -1)
	return Gather(x, indices)
}
