package lm

import (
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
)

// The building blocks of one decoder block, written with core graph ops only.

// computeDType is the dtype used for numerically sensitive reductions (norm statistics, softmax,
// log-probs): the model dtype, upgraded to Float32 for half dtypes.
func computeDType(dt dtypes.DType) dtypes.DType {
	if dt.IsHalfPrecision() {
		return dtypes.Float32
	}
	return dt
}

// rmsNorm is x / √(mean(x²) + ε) · scale over the last axis. It divides by Sqrt rather than
// multiplying by Rsqrt because GoMLX v0.28 has no gradient for Rsqrt.
func rmsNorm(x, scale *Node, eps float64) *Node {
	dt := x.DType()
	xc := ConvertDType(x, computeDType(dt))
	ms := ReduceAndKeep(Square(xc), ReduceMean, -1)
	y := Div(xc, Sqrt(AddScalar(ms, eps)))
	return Mul(ConvertDType(y, dt), ExpandLeftToRank(scale, x.Rank()))
}

// ropeTables returns cos and sin of position·θ^(−2i/headDim), shaped [B, S, 1, headDim/2] so they
// broadcast over heads. Angles are computed in Float64 when the model is Float64, else Float32
// (positions ≤ a few thousand keep Float32 angle errors ≈ 1e-4 rad at worst).
func ropeTables(cfg Config, positions *Node) (cos, sin *Node) {
	g := positions.Graph()
	half := cfg.HeadDim / 2
	angleDT := dtypes.Float32
	if cfg.DType == dtypes.Float64 {
		angleDT = dtypes.Float64
	}
	invFreq := make([]float64, half)
	for i := range invFreq {
		invFreq[i] = math.Pow(cfg.RoPEBase, -2*float64(i)/float64(cfg.HeadDim))
	}
	freq := ConvertDType(Const(g, invFreq), angleDT)        // [half]
	pos := ExpandAxes(ConvertDType(positions, angleDT), -1) // [B, S, 1]
	angles := Mul(pos, Reshape(freq, 1, 1, half))           // [B, S, half]
	angles = ExpandAxes(angles, 2)                          // [B, S, 1, half]
	return ConvertDType(Cos(angles), cfg.DType), ConvertDType(Sin(angles), cfg.DType)
}

// applyRoPE rotates x [B, S, heads, headDim] in the "rotate-half" layout of Llama/Qwen2: pair i
// is (x[i], x[i+headDim/2]).
func applyRoPE(x, cos, sin *Node) *Node {
	half := x.Shape().Dimensions[3] / 2
	x1 := SliceAxis(x, 3, AxisRange(0, half))
	x2 := SliceAxis(x, 3, AxisRange(half, 2*half))
	return Concatenate([]*Node{
		Sub(Mul(x1, cos), Mul(x2, sin)),
		Add(Mul(x2, cos), Mul(x1, sin)),
	}, 3)
}

// projectQKV applies the block's pre-attention RMSNorm and the fused q|k|v projection (with
// bias), then RoPE to q and k. x is [B, S, D]; q is [B, S, Heads, HeadDim] and k, v are
// [B, S, KVHeads, HeadDim].
func projectQKV(cfg Config, lw *layerWeights, x, cos, sin *Node) (q, k, v *Node) {
	b, s := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	h := rmsNorm(x, lw.attnNorm, cfg.NormEps)
	qkv := Add(Einsum("bsd,de->bse", h, lw.qkv), ExpandLeftToRank(lw.qkvBias, 3))
	qw, kw := cfg.Heads*cfg.HeadDim, cfg.KVHeads*cfg.HeadDim
	q = Reshape(SliceAxis(qkv, 2, AxisRange(0, qw)), b, s, cfg.Heads, cfg.HeadDim)
	k = Reshape(SliceAxis(qkv, 2, AxisRange(qw, qw+kw)), b, s, cfg.KVHeads, cfg.HeadDim)
	v = Reshape(SliceAxis(qkv, 2, AxisRange(qw+kw, qw+2*kw)), b, s, cfg.KVHeads, cfg.HeadDim)
	return applyRoPE(q, cos, sin), applyRoPE(k, cos, sin), v
}

// attend is grouped-query scaled dot-product attention. q is [B, Sq, Heads, HeadDim], k and v are
// [B, Sk, KVHeads, HeadDim], allowed is a Bool [B, Sq, Sk] saying which keys each query may see.
// Query head h uses KV head h / (Heads/KVHeads), as Qwen2's repeat_kv does. Returns
// [B, Sq, Heads·HeadDim].
//
// Disallowed scores get a large negative constant rather than −∞, so a query that may see no key
// at all (a left-padding position) yields a harmless uniform average instead of NaN; such rows
// are padding and are masked out of every loss.
func attend(cfg Config, q, k, v, allowed *Node) *Node {
	dims := q.Shape().Dimensions
	b, sq := dims[0], dims[1]
	groups := cfg.Heads / cfg.KVHeads
	cdt := computeDType(cfg.DType)
	qg := Reshape(q, b, sq, cfg.KVHeads, groups, cfg.HeadDim)
	// Scores stay in DotGeneral's natural output order [B, KV, Sq, G, Sk]: asking for
	// [B, KV, G, Sq, Sk] made Einsum transpose the largest tensor of the layer, one
	// element at a time on the Go backend, even when G is 1 and the move is a no-op.
	scores := Einsum("bqkgd,bskd->bkqgs", qg, k)
	scores = MulScalar(ConvertDType(scores, cdt), 1/math.Sqrt(float64(cfg.HeadDim)))
	sk := k.Shape().Dimensions[1]
	bias := Where(allowed, ScalarZero(q.Graph(), cdt), Scalar(q.Graph(), cdt, maskedScore))
	scores = Add(scores, Reshape(bias, b, 1, sq, 1, sk))
	probs := ConvertDType(Softmax(scores, -1), cfg.DType)
	out := Einsum("bkqgs,bskd->bqkgd", probs, v) // [B, Sq, KV, G, HeadDim]
	return Reshape(out, b, sq, cfg.Heads*cfg.HeadDim)
}

// maskedScore is added to the attention scores of keys a query may not see. exp(−1e9) is 0 in
// every float dtype we compute softmax in (Float32/Float64), while staying finite.
const maskedScore = -1e9

// finishBlock adds the attention output projection to the residual stream, then the SwiGLU MLP
// (pre-norm): x + W_down(silu(gate) ⊙ up).
func finishBlock(cfg Config, lw *layerWeights, x, attnOut *Node) *Node {
	x = Add(x, Einsum("bse,ed->bsd", attnOut, lw.attnOut))
	h := rmsNorm(x, lw.mlpNorm, cfg.NormEps)
	gu := Einsum("bsd,df->bsf", h, lw.gateUp)
	gate := SliceAxis(gu, 2, AxisRange(0, cfg.FFN))
	up := SliceAxis(gu, 2, AxisRange(cfg.FFN, 2*cfg.FFN))
	act := Mul(Mul(gate, Sigmoid(gate)), up) // silu(gate)·up
	return Add(x, Einsum("bsf,fd->bsd", act, lw.down))
}

// causalAllowed builds the Bool [B, S, S] attention pattern of a full forward pass: query i sees
// key j iff j ≤ i and key j is a real token (mask[b, j]).
func causalAllowed(mask *Node) *Node {
	g := mask.Graph()
	b, s := mask.Shape().Dimensions[0], mask.Shape().Dimensions[1]
	qi := Iota(g, shapes.Make(dtypes.Int32, s, s), 0)
	kj := Iota(g, shapes.Make(dtypes.Int32, s, s), 1)
	causal := BroadcastToDims(ExpandAxes(LessOrEqual(kj, qi), 0), b, s, s)
	keys := BroadcastToDims(ExpandAxes(mask, 1), b, s, s)
	return LogicalAnd(causal, keys)
}
