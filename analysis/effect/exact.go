package effect

import "fmt"

// ExactSE returns SE(z) = ⟨g, s(z)⟩ for every pair with the exact per-sample gradient s(z) (one
// backward pass per pair, see [Estimator.SampleGradient]); only the inner products are kept.
// g is the target direction in Layout order (from [Estimator.TargetREINFORCE] or
// [Estimator.TargetExact], or any vector).
func (e *Estimator) ExactSE(g []float64, pairs []Pair) ([]float64, error) {
	if err := e.layout.check(g, "the target gradient"); err != nil {
		return nil, err
	}
	out := make([]float64, len(pairs))
	err := e.eachSampleGradient(pairs, func(i int, s []float64) error {
		out[i] = Dot(g, s)
		return nil
	})
	return out, err
}

// ProjectedSampleGradients returns P·s(z) for every pair: the exact per-sample gradients,
// computed one by one and projected in chunks by p (whose input dimension must be Layout().Dim),
// so that at most a chunk of full gradients is in memory. Inner products of the results
// approximate those of the full gradients (see [Projector]); project g with the same p to get
// SE(z) ≈ ⟨Pg, Ps(z)⟩.
func (e *Estimator) ProjectedSampleGradients(pairs []Pair, p *Projector) ([][]float64, error) {
	if p == nil {
		return nil, fmt.Errorf("effect: nil projector")
	}
	if p.Dim() != e.layout.Dim {
		return nil, fmt.Errorf("effect: projector input dimension %d differs from the model's %d", p.Dim(), e.layout.Dim)
	}
	const chunk = 32
	out := make([][]float64, 0, len(pairs))
	pending := make([][]float64, 0, chunk)
	flush := func() {
		out = append(out, p.Project(pending...)...)
		pending = pending[:0]
	}
	err := e.eachSampleGradient(pairs, func(_ int, s []float64) error {
		pending = append(pending, s)
		if len(pending) == chunk {
			flush()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(pending) > 0 {
		flush()
	}
	return out, nil
}
