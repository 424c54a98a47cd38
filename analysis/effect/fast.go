package effect

import (
	"fmt"

	"github.com/gomlx/gomlx/core/graph"
)

// dirPath holds the direction v of the double-backward estimator inside the private Store.
const dirPath = "/effect/direction"

// FastSE returns SE(z) = ⟨g, s(z)⟩ for every pair without any per-sample gradient, as the
// directional derivative of the length-normalised log-likelihood along g:
//
//	SE(z) = d/dε f_z(θ + ε·g) at ε = 0,   f_z(θ) = (1/|y|)·log π_θ(y|x)
//
// for all pairs at once from batched passes, in Options.DType. With the default
// CentralDifference method it is a central difference along the unit direction ĝ = g/‖g‖ with
// step h = Epsilon·‖θ‖:
//
//	SE(z) ≈ ‖g‖·(f_z(θ + h·ĝ) − f_z(θ − h·ĝ)) / (2h)
//
// both evaluations running in one graph (two forward passes of every batch). Its error is
// O(h²) truncation plus O(u·|f|/h) rounding (u the dtype's precision); see the package doc for
// the measured size. With DoubleBackward it is exact (see [FastMethod]).
func (e *Estimator) FastSE(g []float64, pairs []Pair) ([]float64, error) {
	return e.DirectionalDerivatives(g, pairs)
}

// DirectionalDerivatives returns ⟨v, s(z)⟩ = d/dε f_z(θ + ε·v) for every pair and any direction
// v in Layout order, by Options.FastMethod (see [Estimator.FastSE]). A zero v gives zeros.
func (e *Estimator) DirectionalDerivatives(v []float64, pairs []Pair) ([]float64, error) {
	if err := e.layout.check(v, "the direction"); err != nil {
		return nil, err
	}
	if err := checkFinite(v, "the direction"); err != nil {
		return nil, err
	}
	if err := e.checkPairs(pairs, "pairs"); err != nil {
		return nil, err
	}
	vNorm := Norm(v)
	if vNorm == 0 {
		return make([]float64, len(pairs)), nil
	}
	if e.opts.FastMethod == DoubleBackward {
		return e.doubleBackward(v, pairs)
	}
	h := e.step()
	plus, minus := make([]float64, len(v)), make([]float64, len(v))
	for i, x := range v {
		d := h * x / vNorm
		plus[i], minus[i] = e.theta[i]+d, e.theta[i]-d
	}
	if err := e.writeFlat(plusPath, plus); err != nil {
		return nil, err
	}
	if err := e.writeFlat(minusPath, minus); err != nil {
		return nil, err
	}
	x, err := e.exec("central-difference", func(in []*graph.Node) []*graph.Node {
		up := objective(e.store.Scope(plusPath), e.cfg, in[0], in[1], in[2], true, 1)
		down := objective(e.store.Scope(minusPath), e.cfg, in[0], in[1], in[2], true, 1)
		return []*graph.Node{graph.Sub(up, down)}
	})
	if err != nil {
		return nil, err
	}
	diff, err := e.perRow(x, pairs, "central difference")
	if err != nil {
		return nil, err
	}
	scale := vNorm / (2 * h)
	for i := range diff {
		diff[i] *= scale
	}
	return diff, nil
}

// step is the central-difference step h = Epsilon·‖θ‖ (Epsilon alone for all-zero weights).
func (e *Estimator) step() float64 {
	if e.thetaNorm == 0 {
		return e.opts.epsilon()
	}
	return e.opts.epsilon() * e.thetaNorm
}

// doubleBackward computes ⟨v, ∇θ f_b⟩ for every row b as ∂/∂w_b ⟨∇θ Σ_b w_b·f_b, v⟩ (at w = 1;
// the expression is linear in w, so the point does not matter). v lives in the Store so that
// the compiled graph serves every direction.
func (e *Estimator) doubleBackward(v []float64, pairs []Pair) ([]float64, error) {
	if err := e.writeFlat(dirPath, v); err != nil {
		return nil, err
	}
	x, err := e.exec("double-backward", func(in []*graph.Node) []*graph.Node {
		w := in[3]
		f := objective(e.store.Scope(basePath), e.cfg, in[0], in[1], in[2], true, 1)
		g := f.Graph()
		params := make([]*graph.Node, len(e.layout.Params))
		for i, p := range e.layout.Params {
			params[i] = e.store.GetVariable(joinPath(basePath, p.Path)).NodeValue(g)
		}
		grads := graph.Gradient(graph.ReduceAllSum(graph.Mul(f, w)), params...)
		var inner *graph.Node
		for i, p := range e.layout.Params {
			dir := e.store.GetVariable(joinPath(dirPath, p.Path)).NodeValue(g)
			term := graph.ReduceAllSum(graph.Mul(grads[i], dir))
			if inner == nil {
				inner = term
			} else {
				inner = graph.Add(inner, term)
			}
		}
		return graph.Gradient(inner, w)
	})
	if err != nil {
		return nil, err
	}
	out := make([]float64, len(pairs))
	for _, b := range e.batches(pairs) {
		ones := make([]float64, len(b.tokens))
		for i := range ones {
			ones[i] = 1
		}
		res, err := x.Call(b.tokens, b.mask, b.lossMask, e.weightsArg(ones))
		if err != nil {
			return nil, fmt.Errorf("effect: double backward: %w", err)
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
