package effect

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/grpo"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// Scope paths of the weight sets inside an Estimator's private Store.
const (
	basePath  = "/effect/theta" // θ, the analysed weights
	plusPath  = "/effect/plus"  // θ + h·v̂ (fast estimator)
	minusPath = "/effect/minus" // θ − h·v̂ (fast estimator)
)

// Estimator computes sample effects and the quantities around them for one model at one point
// θ of training: the weights are copied (and converted to Options.DType) when it is created, so
// later changes to the model are not seen; create one Estimator per checkpoint. It compiles its
// graphs lazily, one per batch shape, and is not safe for concurrent use.
type Estimator struct {
	backend   compute.Backend
	cfg       lm.Config // the model's config with DType = Options.DType
	opts      Options
	layout    Layout
	store     *model.Store
	theta     []float64 // θ in Layout order
	thetaNorm float64
	execs     map[string]*model.Exec
}

// New returns an Estimator for m's current weights on backend b.
func New(b compute.Backend, m *lm.Model, opts Options) (*Estimator, error) {
	if b == nil {
		return nil, errors.New("effect.New: nil backend")
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	opts.LengthBucket = backend.LengthBucket(b, opts.LengthBucket) // coarser where shapes compile slowly
	layout, err := NewLayout(m)
	if err != nil {
		return nil, err
	}
	theta, err := readFlat(m, layout)
	if err != nil {
		return nil, err
	}
	cfg := m.Config
	cfg.DType = opts.DType
	e := &Estimator{backend: b, cfg: cfg, opts: opts, layout: layout, store: model.NewStore(),
		theta: theta, thetaNorm: Norm(theta), execs: map[string]*model.Exec{}}
	if err := e.writeFlat(basePath, theta); err != nil {
		return nil, err
	}
	return e, nil
}

// Layout is the flat layout of every vector the Estimator takes or returns.
func (e *Estimator) Layout() Layout { return e.layout }

// Options returns the options the Estimator was built with.
func (e *Estimator) Options() Options { return e.opts }

// Weights returns a copy of θ, the analysed weights, flattened in Layout order.
func (e *Estimator) Weights() []float64 { return append([]float64(nil), e.theta...) }

// Finalize frees the compiled graphs and the copied weights; the Estimator must not be used
// afterwards.
func (e *Estimator) Finalize() {
	for _, x := range e.execs {
		x.Finalize()
	}
	e.execs = nil
	e.store.Finalize()
}

// readFlat returns m's weights flattened in layout order, as float64 whatever their dtype.
func readFlat(m *lm.Model, layout Layout) ([]float64, error) {
	flat := make([]float64, layout.Dim)
	for i, p := range layout.Params {
		v := m.Store.GetVariable(joinPath(m.Path, p.Path))
		t, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("effect: reading %s: %w", v.Path(), err)
		}
		vals, err := toFloat64s(t)
		if err != nil {
			return nil, fmt.Errorf("effect: reading %s: %w", v.Path(), err)
		}
		copy(layout.Of(flat, i), vals)
	}
	return flat, nil
}

// writeFlat stores flat (in Layout order) as the weights under path of the private Store,
// creating the variables on first use.
func (e *Estimator) writeFlat(path string, flat []float64) error {
	return writeWeights(e.store, path, e.cfg, e.layout, flat)
}

func writeWeights(store *model.Store, path string, cfg lm.Config, layout Layout, flat []float64) error {
	if store.GetVariable(joinPath(path, layout.Params[0].Path)) == nil {
		if err := lm.Init(store.Scope(path), cfg, 0); err != nil {
			return err
		}
	}
	for i, p := range layout.Params {
		v := store.GetVariable(joinPath(path, p.Path))
		if err := v.SetValue(fromFloat64s(cfg.DType, layout.Of(flat, i), p.Dims)); err != nil {
			return fmt.Errorf("effect: setting %s: %w", v.Path(), err)
		}
	}
	return nil
}

// toFloat64s copies a float tensor's values as float64.
func toFloat64s(t *tensors.Tensor) ([]float64, error) {
	switch t.DType() {
	case dtypes.Float64:
		return tensors.MustCopyFlatData[float64](t), nil
	case dtypes.Float32:
		return widen(tensors.MustCopyFlatData[float32](t), func(x float32) float64 { return float64(x) }), nil
	case dtypes.BFloat16:
		return widen(tensors.MustCopyFlatData[bfloat16.BFloat16](t), bfloat16.BFloat16.Float64), nil
	case dtypes.Float16:
		return widen(tensors.MustCopyFlatData[float16.Float16](t), float16.Float16.Float64), nil
	}
	return nil, fmt.Errorf("unsupported dtype %s (want a float tensor)", t.DType())
}

func widen[T any](xs []T, f func(T) float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

// fromFloat64s builds a tensor of dtype dt (Float64 or Float32) from float64 values.
func fromFloat64s(dt dtypes.DType, vals []float64, dims []int) *tensors.Tensor {
	if dt == dtypes.Float64 {
		return tensors.FromFlatDataAndDimensions(append([]float64(nil), vals...), dims...)
	}
	f := make([]float32, len(vals))
	for i, x := range vals {
		f[i] = float32(x)
	}
	return tensors.FromFlatDataAndDimensions(f, dims...)
}

// weightsArg converts per-row weights to the Exec argument of the working dtype.
func (e *Estimator) weightsArg(w []float64) any {
	if e.opts.DType == dtypes.Float64 {
		return w
	}
	f := make([]float32, len(w))
	for i, x := range w {
		f[i] = float32(x)
	}
	return f
}

// objective is the per-row quantity the estimators differentiate, [B]: with normalize the
// length-normalised response log-likelihood (1/|y|)·Σ_t log π_T(y_t | x, y_<t) (the negative of
// lm.SequenceNLL, whose gradient is the paper's SFT direction), otherwise the sequence
// log-probability Σ_t log π_T(y_t | x, y_<t). Rows without loss slots give 0. The log-probs come
// from grpo.TokenLogProbs (logits divided by temperature before the log-softmax).
func objective(scope *model.Scope, cfg lm.Config, tokens, mask, lossMask *graph.Node, normalize bool, temperature float64) *graph.Node {
	lp, _ := grpo.TokenLogProbs(scope, cfg, tokens, mask, lm.NextTokenTargets(tokens, 0), temperature, false)
	if normalize {
		return graph.Neg(lm.SequenceNLL(lp, lossMask))
	}
	return graph.ReduceSum(graph.Where(lossMask, lp, graph.ZerosLike(lp)), -1)
}

// exec returns the compiled graph named key, building it with fn on first use.
func (e *Estimator) exec(key string, fn func(inputs []*graph.Node) []*graph.Node) (*model.Exec, error) {
	if x, ok := e.execs[key]; ok {
		return x, nil
	}
	x, err := model.NewExec(e.backend, e.store, func(_ *model.Scope, inputs []*graph.Node) []*graph.Node { return fn(inputs) })
	if err != nil {
		return nil, fmt.Errorf("effect: compiling %s: %w", key, err)
	}
	e.execs[key] = x
	return x, nil
}

// forward returns the objective of every pair at θ, in the pairs' order.
func (e *Estimator) forward(pairs []Pair, normalize bool, temperature float64) ([]float64, error) {
	key := fmt.Sprintf("forward/normalize=%t/T=%g", normalize, temperature)
	x, err := e.exec(key, func(in []*graph.Node) []*graph.Node {
		return []*graph.Node{objective(e.store.Scope(basePath), e.cfg, in[0], in[1], in[2], normalize, temperature)}
	})
	if err != nil {
		return nil, err
	}
	return e.perRow(x, pairs, key)
}

// perRow runs x (inputs tokens, mask, loss mask; output one value per row) over pairs in
// batches and returns the values in the pairs' order.
func (e *Estimator) perRow(x *model.Exec, pairs []Pair, what string) ([]float64, error) {
	out := make([]float64, len(pairs))
	for _, b := range e.batches(pairs) {
		res, err := x.Call(b.tokens, b.mask, b.lossMask)
		if err != nil {
			return nil, fmt.Errorf("effect: %s: %w", what, err)
		}
		vals, err := toFloat64s(res[0])
		if err != nil {
			return nil, err
		}
		for r, i := range b.index {
			out[i] = vals[r]
		}
	}
	return out, nil
}

// gradientExec compiles ∇θ Σ_b w_b·objective_b (inputs tokens, mask, loss mask, w [B]; outputs
// one gradient per Layout parameter).
func (e *Estimator) gradientExec(normalize bool, temperature float64) (*model.Exec, error) {
	key := fmt.Sprintf("gradient/normalize=%t/T=%g", normalize, temperature)
	return e.exec(key, func(in []*graph.Node) []*graph.Node {
		f := objective(e.store.Scope(basePath), e.cfg, in[0], in[1], in[2], normalize, temperature)
		loss := graph.ReduceAllSum(graph.Mul(f, in[3]))
		nodes := make([]*graph.Node, len(e.layout.Params))
		for i, p := range e.layout.Params {
			nodes[i] = e.store.GetVariable(joinPath(basePath, p.Path)).NodeValue(loss.Graph())
		}
		return graph.Gradient(loss, nodes...)
	})
}

// addGradient adds the Exec's per-parameter gradient outputs into the flat vector dst.
func (e *Estimator) addGradient(dst []float64, outs []*tensors.Tensor) error {
	for i, t := range outs {
		vals, err := toFloat64s(t)
		if err != nil {
			return err
		}
		part := e.layout.Of(dst, i)
		if len(vals) != len(part) {
			return fmt.Errorf("effect: gradient of %s has %d elements, want %d", e.layout.Params[i].Path, len(vals), len(part))
		}
		for j, v := range vals {
			part[j] += v
		}
	}
	return nil
}

// weightedGradient returns Σ_i w_i ∇θ objective_i over pairs, computed in batches.
func (e *Estimator) weightedGradient(pairs []Pair, w []float64, normalize bool, temperature float64) ([]float64, error) {
	x, err := e.gradientExec(normalize, temperature)
	if err != nil {
		return nil, err
	}
	g := make([]float64, e.layout.Dim)
	for _, b := range e.batches(pairs) {
		rowW := make([]float64, len(b.tokens))
		nonzero := false
		for r, i := range b.index {
			rowW[r] = w[i]
			nonzero = nonzero || w[i] != 0
		}
		if !nonzero {
			continue
		}
		outs, err := x.Call(b.tokens, b.mask, b.lossMask, e.weightsArg(rowW))
		if err != nil {
			return nil, fmt.Errorf("effect: weighted gradient: %w", err)
		}
		if err := e.addGradient(g, outs); err != nil {
			return nil, err
		}
	}
	return g, nil
}

// checkFinite returns an error naming what if v holds a NaN or an infinity.
func checkFinite(v []float64, what string) error {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("effect: %s has a non-finite value %v at index %d", what, x, i)
		}
	}
	return nil
}
