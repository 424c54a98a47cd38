package effect

import (
	"fmt"
	"math"

	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// Param is one weight tensor of the model inside a flat vector (a gradient, a direction or the
// weights themselves).
type Param struct {
	Path   string // relative to the model's scope, e.g. "embed" or "layer_0/qkv_weights"
	Dims   []int  // the tensor's shape
	Offset int    // index of its first element in the flat vector
	Size   int    // number of elements
}

// Layout is the order in which a model's trainable weights are flattened into one vector:
// lm's parameter order (embedding, then each layer's attention norm, q|k|v weights and bias,
// attention output, MLP norm, gate|up, down, then the final norm), each tensor row-major.
// Every vector this package returns or accepts (target gradients, sample gradients, directions)
// uses it.
type Layout struct {
	Params []Param
	Dim    int // total number of elements, the dimension D of the flat vectors
}

// paramPaths lists lm's parameters in its order, relative to the model's scope.
func paramPaths(cfg lm.Config) []string {
	paths := []string{lm.ParamEmbed}
	for l := range cfg.Layers {
		for _, name := range []string{lm.ParamAttnNorm, lm.ParamQKV, lm.ParamQKVBias, lm.ParamAttnOut,
			lm.ParamMLPNorm, lm.ParamGateUp, lm.ParamDown} {
			paths = append(paths, fmt.Sprintf("layer_%d/%s", l, name))
		}
	}
	return append(paths, lm.ParamFinalNorm)
}

// NewLayout returns the flat layout of m's weights, reading their shapes from m's Store.
func NewLayout(m *lm.Model) (Layout, error) {
	if m == nil || m.Store == nil {
		return Layout{}, fmt.Errorf("effect.NewLayout: nil model")
	}
	if err := lm.CheckParams(m.Scope(), m.Config); err != nil {
		return Layout{}, err
	}
	var l Layout
	for _, rel := range paramPaths(m.Config) {
		v := m.Store.GetVariable(joinPath(m.Path, rel))
		if v == nil {
			return Layout{}, fmt.Errorf("effect.NewLayout: variable %s not found", joinPath(m.Path, rel))
		}
		dims := append([]int(nil), v.Shape().Dimensions...)
		size := v.Shape().Size()
		l.Params = append(l.Params, Param{Path: rel, Dims: dims, Offset: l.Dim, Size: size})
		l.Dim += size
	}
	return l, nil
}

// Of returns the part of the flat vector v that holds parameter i (a sub-slice, not a copy).
func (l Layout) Of(v []float64, i int) []float64 {
	p := l.Params[i]
	return v[p.Offset : p.Offset+p.Size : p.Offset+p.Size]
}

// Index returns the index in Params of the parameter at path (relative to the model's scope,
// e.g. "layer_1/down_weights"), or -1.
func (l Layout) Index(path string) int {
	for i, p := range l.Params {
		if p.Path == path {
			return i
		}
	}
	return -1
}

func (l Layout) check(v []float64, what string) error {
	if len(v) != l.Dim {
		return fmt.Errorf("effect: %s has %d elements, the model's layout has %d", what, len(v), l.Dim)
	}
	return nil
}

func joinPath(base, rel string) string {
	if len(base) > 0 && base[len(base)-1] == '/' {
		return base + rel
	}
	return base + "/" + rel
}

// Dot is the inner product ⟨a, b⟩, accumulated in float64. It panics if the lengths differ.
func Dot(a, b []float64) float64 {
	if len(a) != len(b) {
		panic(fmt.Sprintf("effect.Dot: lengths %d and %d differ", len(a), len(b)))
	}
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// Norm is the Euclidean norm ‖a‖.
func Norm(a []float64) float64 { return math.Sqrt(Dot(a, a)) }
