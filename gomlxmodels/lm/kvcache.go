package lm

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// KVCache is the static attention cache of a batch being decoded: per layer, the keys (already
// rotated by RoPE) and values of every cache slot, each [B·KVHeads, T, HeadDim] (row b·KVHeads+k
// holds KV head k of batch row b). T (the cache length) is fixed when the cache is created by
// [Prefill], so one compiled step graph serves the whole generation. Slots not yet written hold
// zeros and are masked out.
//
// The head-major layout lets both attention products of a decode step run as batched matmuls
// without transposing the cache, which otherwise dominated the step time. The batch and head
// axes are one axis because the Go backend's matmul merges adjacent batch axes with a Reshape,
// and a Reshape of a tensor that is also an output (the next cache) copies it: with
// [B, KVHeads, T, HeadDim] that copy was 19% of a decode step (paper-cpu model, 64 rows).
type KVCache struct {
	Keys, Values []*Node
}

// Flat returns the cache as [k₀, v₀, k₁, v₁, …], the order used to pass it through a model.Exec.
func (c KVCache) Flat() []*Node {
	out := make([]*Node, 0, 2*len(c.Keys))
	for i := range c.Keys {
		out = append(out, c.Keys[i], c.Values[i])
	}
	return out
}

// KVCacheFromFlat is the inverse of [KVCache.Flat].
func KVCacheFromFlat(flat []*Node) KVCache {
	if len(flat)%2 != 0 {
		exceptions.Panicf("lm: a flat KV cache has an even number of tensors, got %d", len(flat))
	}
	c := KVCache{}
	for i := 0; i < len(flat); i += 2 {
		c.Keys = append(c.Keys, flat[i])
		c.Values = append(c.Values, flat[i+1])
	}
	return c
}

// Prefill runs left-padded prompts through the model. tokens, positions and mask are as for
// [Logits] with shape [B, P]; the last column must be a real token in every row (left padding),
// because the returned logits [B, Vocab] are those of slot P−1, i.e. the scores of each row's
// first generated token. The returned cache has cacheLen ≥ P slots, the prompt in slots [0, P).
func Prefill(scope *model.Scope, cfg Config, tokens, positions, mask *Node, cacheLen int) (*Node, KVCache) {
	tokens, positions, mask = prepare(cfg, tokens, positions, mask)
	b, p := tokens.Shape().Dimensions[0], tokens.Shape().Dimensions[1]
	if cacheLen < p {
		exceptions.Panicf("lm.Prefill: cacheLen %d is shorter than the prompt length %d", cacheLen, p)
	}
	w := loadWeights(scope, cfg, tokens.Graph())
	cos, sin := ropeTables(cfg, positions)
	allowed := causalAllowed(mask)
	x := embedTokens(w, tokens)
	var cache KVCache
	for l := range w.layers {
		lw := &w.layers[l]
		q, k, v := projectQKV(cfg, lw, x, cos, sin)
		x = finishBlock(cfg, lw, x, attend(cfg, q, k, v, allowed))
		cache.Keys = append(cache.Keys, headMajor(cfg, k, cacheLen))
		cache.Values = append(cache.Values, headMajor(cfg, v, cacheLen))
	}
	last := SliceAxis(x, 1, AxisElem(p-1)) // [B, 1, D]: only the last slot is projected
	h := rmsNorm(last, w.finalNorm, cfg.NormEps)
	return Reshape(OutputLogits(scope, cfg, h), b, cfg.Vocab), cache
}

// headMajor turns prompt keys or values [B, P, KVHeads, HeadDim] into a cache tensor
// [B·KVHeads, cacheLen, HeadDim], zero after slot P.
func headMajor(cfg Config, x *Node, cacheLen int) *Node {
	b, p := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	hm := Reshape(TransposeAllAxes(x, 0, 2, 1, 3), b*cfg.KVHeads, p, cfg.HeadDim)
	return GrowRight(hm, 1, cacheLen-p, 0)
}

// DecodeStep feeds one token per row and returns its next-token logits [B, Vocab] and the
// updated cache.
//
//   - tokens, positions: integer [B]: the new token of each row and its RoPE position.
//   - slot: integer scalar: the cache slot the new token is written to (the same for all rows;
//     with left-padded prompts of padded length P, step i writes slot P+i).
//   - keyMask: Bool [B, T]: which slots hold real tokens. The new slot is always visible and
//     slots after it never are, whatever keyMask says.
//
// The write is a ScatterSum of the new keys and values into the slot, which must still be
// zero (prefill pads the cache with zeros and every step writes a new slot): GoMLX's Go backend
// has no DynamicUpdateSlice, and a Where over the whole cache copied all of it every step —
// about half of the decode time (measured: ScatterSum decodes ~1.6× faster, gomlxmodels/bench).
func DecodeStep(scope *model.Scope, cfg Config, tokens, positions, slot, keyMask *Node, cache KVCache) (*Node, KVCache) {
	if tokens.Rank() != 1 || positions.Rank() != 1 || !slot.IsScalar() || keyMask.Rank() != 2 ||
		keyMask.DType() != dtypes.Bool {
		exceptions.Panicf("lm.DecodeStep: want tokens [B], positions [B], scalar slot and Bool keyMask [B, T]; "+
			"got %s, %s, %s, %s", tokens.Shape(), positions.Shape(), slot.Shape(), keyMask.Shape())
	}
	if len(cache.Keys) != cfg.Layers || len(cache.Values) != cfg.Layers {
		exceptions.Panicf("lm.DecodeStep: cache has %d/%d layers, config has %d", len(cache.Keys), len(cache.Values), cfg.Layers)
	}
	g := tokens.Graph()
	b, t := keyMask.Shape().Dimensions[0], keyMask.Shape().Dimensions[1]
	w := loadWeights(scope, cfg, g)
	tok2 := ExpandAxes(tokens, -1) // [B, 1]
	cos, sin := ropeTables(cfg, ExpandAxes(positions, -1))

	idx := Iota(g, shapes.Make(dtypes.Int32, t), 0)
	slot32 := ConvertDType(slot, dtypes.Int32)
	isSlotT := Equal(idx, slot32) // [T]
	// Scatter indices (b·KV + kv, slot) for every row and KV head: [B·KV, 2].
	n := b * cfg.KVHeads
	writeAt := Concatenate([]*Node{
		ExpandAxes(Iota(g, shapes.Make(dtypes.Int32, n), 0), -1),
		ExpandAxes(BroadcastToDims(slot32, n), -1)}, -1)
	notFuture := BroadcastToDims(ExpandAxes(LessOrEqual(idx, slot32), 0), b, t)
	allowed := LogicalAnd(LogicalOr(keyMask, BroadcastToDims(ExpandAxes(isSlotT, 0), b, t)), notFuture) // [B, T]

	x := embedTokens(w, tok2) // [B, 1, D]
	var next KVCache
	for l := range w.layers {
		lw := &w.layers[l]
		q, k, v := projectQKV(cfg, lw, x, cos, sin) // k, v: [B, 1, KV, hd]
		cacheShape := cache.Keys[l].Shape()
		if cacheShape.Rank() != 3 || cacheShape.Dimensions[0] != n || cacheShape.Dimensions[1] != t ||
			cacheShape.Dimensions[2] != cfg.HeadDim {
			exceptions.Panicf("lm.DecodeStep: layer %d cache is %s, want [%d, %d, %d]", l, cacheShape, n, t, cfg.HeadDim)
		}
		// With one query slot, [B, 1, KV, hd] is [B·KV, hd] rows in (b, kv) order.
		kc := ScatterSum(cache.Keys[l], writeAt, Reshape(k, b*cfg.KVHeads, cfg.HeadDim), true, true)
		vc := ScatterSum(cache.Values[l], writeAt, Reshape(v, b*cfg.KVHeads, cfg.HeadDim), true, true)
		next.Keys, next.Values = append(next.Keys, kc), append(next.Values, vc)
		x = finishBlock(cfg, lw, x, attendCached(cfg, q, kc, vc, allowed))
	}
	h := rmsNorm(x, w.finalNorm, cfg.NormEps)
	return Reshape(OutputLogits(scope, cfg, h), b, cfg.Vocab), next
}

// attendCached is [attend] for a single query slot against a head-major cache: q is
// [B, 1, Heads, HeadDim], kc and vc are [B·KVHeads, T, HeadDim], allowed is Bool [B, T].
// Returns [B, 1, Heads·HeadDim].
func attendCached(cfg Config, q, kc, vc, allowed *Node) *Node {
	b, t := allowed.Shape().Dimensions[0], allowed.Shape().Dimensions[1]
	groups := cfg.Heads / cfg.KVHeads
	cdt := computeDType(cfg.DType)
	qg := Reshape(q, b*cfg.KVHeads, groups, cfg.HeadDim) // query head h = kv·groups + g
	scores := Einsum("ngd,ntd->ngt", qg, kc)
	scores = MulScalar(ConvertDType(scores, cdt), 1/math.Sqrt(float64(cfg.HeadDim)))
	bias := Where(allowed, ScalarZero(q.Graph(), cdt), Scalar(q.Graph(), cdt, maskedScore))
	scores = Reshape(scores, b, cfg.KVHeads, groups, t)
	probs := ConvertDType(Softmax(Add(scores, Reshape(bias, b, 1, 1, t)), -1), cfg.DType)
	out := Einsum("ngt,ntd->ngd", Reshape(probs, b*cfg.KVHeads, groups, t), vc)
	return Reshape(out, b, 1, cfg.Heads*cfg.HeadDim)
}
