package effect

import (
	"fmt"
	"math"
)

// Gram returns the matrix of inner products K[i][j] = ⟨vs[i], vs[j]⟩ (symmetric, computed once
// per pair). With sample gradients it is the empirical neural-tangent kernel of the
// length-normalised log-likelihoods, K(z, z') = ⟨s(z), s(z')⟩.
func Gram(vs [][]float64) [][]float64 {
	k := make([][]float64, len(vs))
	for i := range k {
		k[i] = make([]float64, len(vs))
	}
	for i := range vs {
		for j := i; j < len(vs); j++ {
			k[i][j] = Dot(vs[i], vs[j])
			k[j][i] = k[i][j]
		}
	}
	return k
}

// Kernel returns K(z, z') = ⟨s(z), s(z')⟩ for the pairs, from exact per-sample gradients, or
// from their projections ⟨P s(z), P s(z')⟩ when p is not nil (for many pairs: the exact
// version keeps len(pairs) full gradients in memory).
func (e *Estimator) Kernel(pairs []Pair, p *Projector) ([][]float64, error) {
	var vs [][]float64
	var err error
	if p == nil {
		vs, err = e.SampleGradients(pairs)
	} else {
		vs, err = e.ProjectedSampleGradients(pairs, p)
	}
	if err != nil {
		return nil, err
	}
	return Gram(vs), nil
}

// KernelComparison summarises how much a kernel B (e.g. at a later checkpoint) differs from a
// kernel A over the same samples, for the "is the linearisation valid" analysis.
type KernelComparison struct {
	// RelativeChange is ‖B − A‖_F / ‖A‖_F: 0 when the kernel did not move.
	RelativeChange float64
	// Alignment is the kernel alignment ⟨A, B⟩_F / (‖A‖_F·‖B‖_F) ∈ [−1, 1]: 1 when B is a
	// positive multiple of A (a uniformly rescaled kernel keeps every ranking of SE).
	Alignment float64
	// NormalizedChange is RelativeChange of the cosine kernels K[i][j]/√(K[i][i]·K[j][j]):
	// how much the angles between sample gradients moved, regardless of their norms.
	NormalizedChange float64
}

// CompareKernels compares two square kernels of the same size.
func CompareKernels(a, b [][]float64) (KernelComparison, error) {
	if len(a) != len(b) || len(a) == 0 {
		return KernelComparison{}, fmt.Errorf("effect.CompareKernels: sizes %d and %d (want equal and > 0)", len(a), len(b))
	}
	for i := range a {
		if len(a[i]) != len(a) || len(b[i]) != len(a) {
			return KernelComparison{}, fmt.Errorf("effect.CompareKernels: row %d is not %d long in both kernels", i, len(a))
		}
	}
	rel := func(a, b [][]float64) (change, align float64) {
		var diff, na, nb, ab float64
		for i := range a {
			for j := range a {
				d := b[i][j] - a[i][j]
				diff += d * d
				na += a[i][j] * a[i][j]
				nb += b[i][j] * b[i][j]
				ab += a[i][j] * b[i][j]
			}
		}
		return math.Sqrt(diff / na), ab / math.Sqrt(na*nb)
	}
	var c KernelComparison
	c.RelativeChange, c.Alignment = rel(a, b)
	c.NormalizedChange, _ = rel(CosineKernel(a), CosineKernel(b))
	return c, nil
}

// CosineKernel returns K[i][j]/√(K[i][i]·K[j][j]) (0 where a diagonal entry is 0).
func CosineKernel(k [][]float64) [][]float64 {
	out := make([][]float64, len(k))
	for i := range k {
		out[i] = make([]float64, len(k))
		for j := range k {
			if d := k[i][i] * k[j][j]; d > 0 {
				out[i][j] = k[i][j] / math.Sqrt(d)
			}
		}
	}
	return out
}
