package lm

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Graph functions. They follow GoMLX conventions: they take the model's scope (the one its
// weights live under, e.g. m.Scope()) and panic on misuse, which model.Exec reports as an error.
//
// Inputs shared by all of them:
//   - tokens: integer [B, S] token ids in [0, Vocab).
//   - positions: integer [B, S] RoPE position ids, or nil to derive them from mask with
//     [PositionsFromMask] (so a left-padded row's first real token gets position 0).
//   - mask: Bool [B, S], true for real tokens, false for padding; nil means no padding. Padding
//     keys are invisible to every query, so pad tokens cannot influence real tokens wherever they
//     sit (left, right or in between). Outputs at pad positions are finite but meaningless.

// PositionsFromMask returns Int32 [B, S] RoPE positions: the number of real tokens before each
// slot, i.e. cumsum(mask) − 1 clamped at 0. A row's first real token gets position 0 however
// much left padding precedes it; pad slots get the position of the last real token (or 0).
func PositionsFromMask(mask *Node) *Node {
	c := CumSum(ConvertDType(mask, dtypes.Int32), 1)
	return MaxScalar(AddScalar(c, -1), 0)
}

// prepare checks and completes the (tokens, positions, mask) triple.
func prepare(cfg Config, tokens, positions, mask *Node) (*Node, *Node, *Node) {
	if tokens.Rank() != 2 || !tokens.DType().IsInt() {
		exceptions.Panicf("lm: tokens must be an integer [batch, seq] tensor, got %s", tokens.Shape())
	}
	g := tokens.Graph()
	dims := tokens.Shape().Dimensions
	if mask == nil {
		mask = Ones(g, shapes.Make(dtypes.Bool, dims...))
	} else if mask.DType() != dtypes.Bool || !mask.Shape().EqualDimensions(tokens.Shape()) {
		exceptions.Panicf("lm: mask must be Bool with the shape of tokens %v, got %s", dims, mask.Shape())
	}
	if positions == nil {
		positions = PositionsFromMask(mask)
	} else if !positions.DType().IsInt() || !positions.Shape().EqualDimensions(tokens.Shape()) {
		exceptions.Panicf("lm: positions must be integer with the shape of tokens %v, got %s", dims, positions.Shape())
	}
	return tokens, positions, mask
}

// embedTokens looks up token embeddings: [B, S] → [B, S, D].
func embedTokens(w *weights, tokens *Node) *Node {
	return Gather(w.embed, ExpandAxes(ConvertDType(tokens, dtypes.Int32), -1))
}

// Hidden runs the decoder and returns the final-normed hidden states [B, S, DModel], the input
// of the (tied) output projection. See the package comment for the architecture.
func Hidden(scope *model.Scope, cfg Config, tokens, positions, mask *Node) *Node {
	tokens, positions, mask = prepare(cfg, tokens, positions, mask)
	w := loadWeights(scope, cfg, tokens.Graph())
	cos, sin := ropeTables(cfg, positions)
	allowed := causalAllowed(mask)
	x := embedTokens(w, tokens)
	for l := range w.layers {
		lw := &w.layers[l]
		q, k, v := projectQKV(cfg, lw, x, cos, sin)
		x = finishBlock(cfg, lw, x, attend(cfg, q, k, v, allowed))
	}
	return rmsNorm(x, w.finalNorm, cfg.NormEps)
}

// OutputLogits projects hidden states [..., DModel] to logits [..., Vocab] with the transposed
// token embedding (tied weights), in the compute dtype (Float32 for half models).
func OutputLogits(scope *model.Scope, cfg Config, hidden *Node) *Node {
	v, err := lookup(scope, cfg, cfg.embedParam())
	if err != nil {
		panic(err)
	}
	emb := v.NodeValue(hidden.Graph())
	logits := DotGeneral(hidden, []int{hidden.Rank() - 1}, nil, emb, []int{1}, nil) // [..., Vocab]
	return ConvertDType(logits, computeDType(cfg.DType))
}

// Logits runs the model and returns next-token logits [B, S, Vocab]: Logits[b, t] scores the
// token that follows tokens[b, 0..t].
func Logits(scope *model.Scope, cfg Config, tokens, positions, mask *Node) *Node {
	return OutputLogits(scope, cfg, Hidden(scope, cfg, tokens, positions, mask))
}
