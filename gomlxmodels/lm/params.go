package lm

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style: graph ops read like math.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Parameter names, relative to the model's scope. Layer i's parameters live in sub-scope
// "layer_<i>". The q|k|v projections and the SwiGLU gate|up projections are fused into one matrix
// each: same parameters as Qwen2's separate matrices, but fewer (larger) matmuls, which is what the
// op-overhead-bound Go backend wants.
const (
	ParamEmbed     = "embed"            // [Vocab, DModel], tied with the output projection
	ParamAttnNorm  = "attn_norm_scale"  // [DModel]
	ParamQKV       = "qkv_weights"      // [DModel, (Heads+2·KVHeads)·HeadDim], columns q|k|v
	ParamQKVBias   = "qkv_bias"         // [(Heads+2·KVHeads)·HeadDim]
	ParamAttnOut   = "attn_out_weights" // [Heads·HeadDim, DModel], no bias (Qwen2)
	ParamMLPNorm   = "mlp_norm_scale"   // [DModel]
	ParamGateUp    = "gate_up_weights"  // [DModel, 2·FFN], columns gate|up
	ParamDown      = "down_weights"     // [FFN, DModel]
	ParamFinalNorm = "final_norm_scale" // [DModel]
	layerScopeFmt  = "layer_%d"
)

// DefaultPath is the scope path under which [New] stores the weights.
const DefaultPath = "/lm"

type initKind int

const (
	initNormal initKind = iota
	initNormalResidual
	initOnes
	initZeros
)

// paramSpec is one parameter: where it lives, its shape and how it starts.
type paramSpec struct {
	layer int // -1 for the global (non-layer) parameters
	name  string
	dims  []int
	init  initKind
}

func (p paramSpec) size() int {
	n := 1
	for _, d := range p.dims {
		n *= d
	}
	return n
}

// relPath is the parameter's path relative to the model scope, e.g. "layer_0/qkv_weights".
func (p paramSpec) relPath() string {
	if p.layer < 0 {
		return p.name
	}
	return fmt.Sprintf(layerScopeFmt+"/%s", p.layer, p.name)
}

// embedParam is the token embedding, shared by the input lookup and the output projection.
func (c Config) embedParam() paramSpec {
	return paramSpec{-1, ParamEmbed, []int{c.Vocab, c.DModel}, initNormal}
}

// params lists every parameter of the model in a fixed order.
func (c Config) params() []paramSpec {
	ps := []paramSpec{c.embedParam()}
	for l := range c.Layers {
		ps = append(ps,
			paramSpec{l, ParamAttnNorm, []int{c.DModel}, initOnes},
			paramSpec{l, ParamQKV, []int{c.DModel, c.qkvWidth()}, initNormal},
			paramSpec{l, ParamQKVBias, []int{c.qkvWidth()}, initZeros},
			paramSpec{l, ParamAttnOut, []int{c.Heads * c.HeadDim, c.DModel}, initNormalResidual},
			paramSpec{l, ParamMLPNorm, []int{c.DModel}, initOnes},
			paramSpec{l, ParamGateUp, []int{c.DModel, 2 * c.FFN}, initNormal},
			paramSpec{l, ParamDown, []int{c.FFN, c.DModel}, initNormalResidual},
		)
	}
	return append(ps, paramSpec{-1, ParamFinalNorm, []int{c.DModel}, initOnes})
}

// Init creates the model's variables under scope (e.g. store.Scope("/lm")) with values drawn on
// the host, replacing any existing values there.
//
// Each variable is drawn from its own PCG stream seeded by (seed, FNV-1a hash of its relative
// path), so the weights depend only on seed and the parameter's name: not on the backend, the
// order of creation, or which other variables exist.
func Init(scope *model.Scope, cfg Config, seed uint64) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	for _, p := range cfg.params() {
		t, err := initTensor(cfg, p, seed)
		if err != nil {
			return err
		}
		sc := scope
		if p.layer >= 0 {
			sc = scope.At(layerScopeFmt, p.layer)
		}
		if v := sc.GetVariable(p.name); v != nil {
			if err := v.SetValue(t); err != nil {
				return fmt.Errorf("lm.Init: setting %s: %w", v.Path(), err)
			}
			continue
		}
		if _, err := sc.CreateVariable(p.name, t); err != nil {
			return fmt.Errorf("lm.Init: creating %s: %w", p.relPath(), err)
		}
	}
	return nil
}

func initTensor(cfg Config, p paramSpec, seed uint64) (*tensors.Tensor, error) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(p.relPath()))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	vals := make([]float64, p.size())
	switch p.init {
	case initNormal, initNormalResidual:
		std := cfg.InitStd
		if p.init == initNormalResidual {
			std /= math.Sqrt(2 * float64(cfg.Layers))
		}
		for i := range vals {
			vals[i] = rng.NormFloat64() * std
		}
	case initOnes:
		for i := range vals {
			vals[i] = 1
		}
	case initZeros:
	}
	switch cfg.DType {
	case dtypes.Float64:
		return tensors.FromFlatDataAndDimensions(vals, p.dims...), nil
	case dtypes.Float32:
		return tensors.FromFlatDataAndDimensions(convert(vals, func(x float64) float32 { return float32(x) }), p.dims...), nil
	case dtypes.BFloat16:
		return tensors.FromFlatDataAndDimensions(convert(vals, bfloat16.FromFloat64), p.dims...), nil
	case dtypes.Float16:
		return tensors.FromFlatDataAndDimensions(convert(vals, float16.FromFloat64), p.dims...), nil
	}
	return nil, fmt.Errorf("lm.Init: unsupported dtype %s", cfg.DType)
}

func convert[T any](xs []float64, f func(float64) T) []T {
	out := make([]T, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// CheckParams verifies that scope holds every variable cfg needs, with the right shape and dtype,
// e.g. after loading a checkpoint. The error names the first offending variable.
func CheckParams(scope *model.Scope, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	for _, p := range cfg.params() {
		if _, err := lookup(scope, cfg, p); err != nil {
			return err
		}
	}
	return nil
}

// lookup returns the variable for p under scope, checking shape and dtype.
func lookup(scope *model.Scope, cfg Config, p paramSpec) (*model.Variable, error) {
	full := strings.TrimSuffix(scope.Scope(), "/") + "/" + p.relPath()
	v := scope.Store().GetVariable(full)
	if v == nil {
		return nil, fmt.Errorf("lm: variable %s not found (call lm.Init or load a checkpoint first)", full)
	}
	want := shapes.Make(cfg.DType, p.dims...)
	if !v.Shape().Equal(want) {
		return nil, fmt.Errorf("lm: variable %s has shape %s, config needs %s", full, v.Shape(), want)
	}
	return v, nil
}

// weights fetches the graph value of every parameter, panicking (the GoMLX convention inside
// graph-building code; model.Exec turns it into an error) if one is missing or mis-shaped.
type weights struct {
	embed, finalNorm *Node
	layers           []layerWeights
}

type layerWeights struct {
	attnNorm, qkv, qkvBias, attnOut, mlpNorm, gateUp, down *Node
}

func loadWeights(scope *model.Scope, cfg Config, g *Graph) *weights {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	w := &weights{layers: make([]layerWeights, cfg.Layers)}
	for _, p := range cfg.params() {
		v, err := lookup(scope, cfg, p)
		if err != nil {
			panic(err)
		}
		n := v.NodeValue(g)
		if p.layer < 0 {
			switch p.name {
			case ParamEmbed:
				w.embed = n
			case ParamFinalNorm:
				w.finalNorm = n
			}
			continue
		}
		lw := &w.layers[p.layer]
		switch p.name {
		case ParamAttnNorm:
			lw.attnNorm = n
		case ParamQKV:
			lw.qkv = n
		case ParamQKVBias:
			lw.qkvBias = n
		case ParamAttnOut:
			lw.attnOut = n
		case ParamMLPNorm:
			lw.mlpNorm = n
		case ParamGateUp:
			lw.gateUp = n
		case ParamDown:
			lw.down = n
		}
	}
	return w
}
