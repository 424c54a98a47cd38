package effect

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// refPath holds a reference policy's weights inside an Estimator's Store, for
// [Estimator.ComparePerPosition].
const refPath = "/effect/ref"

// TokenStats are per-position quantities of one policy along one pair's response, at
// temperature 1. Index j is response token j (0 = the first token after the prompt); every
// slice has len(Response) entries.
type TokenStats struct {
	LogProbs []float64 // log π(y_j | x, y_<j)
	Argmax   []int32   // argmax_v π(v | x, y_<j): the greedy choice at that position
	Entropy  []float64 // entropy of π(· | x, y_<j), in nats
}

// PositionDiff compares the Estimator's policy π with a reference policy π_ref (e.g. the
// initial policy of an RL run) along one pair's response, position by position, at temperature
// 1, for the "where in the response does RL change the policy" analysis. Index j is response
// token j.
type PositionDiff struct {
	// KL[j] = KL(π(·|x,y_<j) ‖ π_ref(·|x,y_<j)) = Σ_v π(v)·(log π(v) − log π_ref(v)), exact
	// over the vocabulary.
	KL []float64
	// LogProbs and RefLogProbs are log π(y_j|…) and log π_ref(y_j|…).
	LogProbs, RefLogProbs []float64
	// Argmax and RefArgmax are the two policies' greedy tokens; the argmax-change rate at
	// position j is the fraction of pairs where they differ.
	Argmax, RefArgmax []int32
}

// ArgmaxChanged reports, per position, whether the two policies' greedy tokens differ.
func (d PositionDiff) ArgmaxChanged() []bool {
	out := make([]bool, len(d.Argmax))
	for j := range out {
		out[j] = d.Argmax[j] != d.RefArgmax[j]
	}
	return out
}

// tokenOutputs returns, per slot, [log π(target), argmax, entropy] and the full log-softmax of
// the model under scope.
func tokenOutputs(scope *model.Scope, cfg lm.Config, tokens, mask *graph.Node) (lp, argmax, entropy, logSoftmax *graph.Node) {
	logits := lm.Logits(scope, cfg, tokens, nil, mask) // [B, S, V]
	logSoftmax = graph.LogSoftmax(logits, -1)
	targets := lm.NextTokenTargets(tokens, 0)
	lp = graph.ReduceSum(graph.Mul(logSoftmax, graph.OneHot(targets, cfg.Vocab, logSoftmax.DType())), -1)
	argmax = graph.ArgMax(logits, -1, dtypes.Int32)
	entropy = graph.Neg(graph.ReduceSum(graph.Mul(graph.Exp(logSoftmax), logSoftmax), -1))
	return lp, argmax, entropy, logSoftmax
}

// TokenStats returns per-position log-probs, greedy tokens and entropies of the Estimator's
// policy along each pair's response (batched forward passes).
func (e *Estimator) TokenStats(pairs []Pair) ([]TokenStats, error) {
	if err := e.checkPairs(pairs, "pairs"); err != nil {
		return nil, err
	}
	x, err := e.exec("token-stats", func(in []*graph.Node) []*graph.Node {
		lp, am, ent, _ := tokenOutputs(e.store.Scope(basePath), e.cfg, in[0], in[1])
		return []*graph.Node{lp, am, ent}
	})
	if err != nil {
		return nil, err
	}
	out := make([]TokenStats, len(pairs))
	err = e.perSlot(x, pairs, "token stats", func(i int, rows [][]float64, argmax [][]int32) {
		out[i] = TokenStats{LogProbs: rows[0], Entropy: rows[1], Argmax: argmax[0]}
	})
	return out, err
}

// ComparePerPosition compares the Estimator's policy with ref's, position by position along
// each pair's response (see [PositionDiff]). Both Estimators must be for the same architecture;
// the computation runs on e's backend, in e's DType.
func (e *Estimator) ComparePerPosition(ref *Estimator, pairs []Pair) ([]PositionDiff, error) {
	if ref == nil {
		return nil, fmt.Errorf("effect: nil reference estimator")
	}
	if err := e.checkPairs(pairs, "pairs"); err != nil {
		return nil, err
	}
	refCfg := ref.cfg
	refCfg.DType = e.cfg.DType
	if refCfg != e.cfg {
		return nil, fmt.Errorf("effect: reference model (%s) differs from the compared model (%s)", ref.cfg, e.cfg)
	}
	if err := e.writeFlat(refPath, ref.theta); err != nil {
		return nil, err
	}
	x, err := e.exec("compare-per-position", func(in []*graph.Node) []*graph.Node {
		lp, am, _, ls := tokenOutputs(e.store.Scope(basePath), e.cfg, in[0], in[1])
		refLP, refAM, _, refLS := tokenOutputs(e.store.Scope(refPath), e.cfg, in[0], in[1])
		kl := graph.ReduceSum(graph.Mul(graph.Exp(ls), graph.Sub(ls, refLS)), -1)
		return []*graph.Node{kl, lp, refLP, am, refAM}
	})
	if err != nil {
		return nil, err
	}
	out := make([]PositionDiff, len(pairs))
	err = e.perSlot(x, pairs, "per-position comparison", func(i int, rows [][]float64, argmax [][]int32) {
		out[i] = PositionDiff{KL: rows[0], LogProbs: rows[1], RefLogProbs: rows[2], Argmax: argmax[0], RefArgmax: argmax[1]}
	})
	return out, err
}

// perSlot runs x (inputs tokens, mask, loss mask; outputs [B, S] tensors, float ones first, then
// Int32 ones) over pairs in batches and hands fn, per pair, each output restricted to the pair's
// response positions.
func (e *Estimator) perSlot(x *model.Exec, pairs []Pair, what string, fn func(i int, rows [][]float64, argmax [][]int32)) error {
	for _, b := range e.batches(pairs) {
		res, err := x.Call(b.tokens, b.mask, b.lossMask)
		if err != nil {
			return fmt.Errorf("effect: %s: %w", what, err)
		}
		var floats [][]float64
		var ints [][]int32
		for _, t := range res {
			if t.DType() == dtypes.Int32 {
				ints = append(ints, tensors.MustCopyFlatData[int32](t))
				continue
			}
			v, err := toFloat64s(t)
			if err != nil {
				return err
			}
			floats = append(floats, v)
		}
		s := len(b.tokens[0])
		for r, i := range b.index {
			first := len(pairs[i].Prompt) - 1 // slot predicting response token 0
			n := len(pairs[i].Response)
			from, to := r*s+first, r*s+first+n
			rows := make([][]float64, len(floats))
			for k, f := range floats {
				rows[k] = append([]float64(nil), f[from:to]...)
			}
			am := make([][]int32, len(ints))
			for k, a := range ints {
				am[k] = append([]int32(nil), a[from:to]...)
			}
			fn(i, rows, am)
		}
	}
	return nil
}
