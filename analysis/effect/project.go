package effect

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// ProjectionKind is the distribution of a [Projector]'s entries.
type ProjectionKind int

const (
	// Rademacher entries are ±1/√k with equal probability (TRAK's and LESS's default).
	Rademacher ProjectionKind = iota
	// Gaussian entries are N(0, 1)/√k.
	Gaussian
)

// String returns "rademacher" or "gaussian".
func (k ProjectionKind) String() string {
	switch k {
	case Rademacher:
		return "rademacher"
	case Gaussian:
		return "gaussian"
	}
	return fmt.Sprintf("ProjectionKind(%d)", int(k))
}

// ProjectionBlock is the number of input coordinates (columns of P) generated together from one
// random stream: block c of P (columns c·ProjectionBlock …) is drawn from a PCG generator seeded
// with (seed, c), row by row. Changing it changes every projection.
const ProjectionBlock = 256

// Projector is a seeded random projection P ∈ R^{k×D} (Johnson–Lindenstrauss): for fixed
// vectors a, b, E⟨Pa, Pb⟩ = ⟨a, b⟩ and, for Gaussian entries,
// Var⟨Pa, Pb⟩ = (‖a‖²‖b‖² + ⟨a,b⟩²)/k (Rademacher: no larger), so the error is about
// √2·‖a‖‖b‖/√k; the JL lemma bounds P(|⟨Pa,Pb⟩ − ⟨a,b⟩| > ε‖a‖‖b‖) ≤ 4·exp(−k(ε² − ε³)/4).
// P is never stored: it is regenerated block by block from its seed on every call (k·D random
// draws and k·D multiply-adds per call, shared by all the vectors of the call), so the same
// (D, k, seed, kind) gives the same P on any machine, and projecting vectors in one call or
// several gives identical results.
type Projector struct {
	dim, k int
	seed   uint64
	kind   ProjectionKind
}

// NewProjector returns the projection from dimension dim to k with the given seed and kind.
func NewProjector(dim, k int, seed uint64, kind ProjectionKind) (*Projector, error) {
	if dim <= 0 || k <= 0 {
		return nil, fmt.Errorf("effect.NewProjector: dimensions must be > 0, got D = %d, k = %d", dim, k)
	}
	if kind != Rademacher && kind != Gaussian {
		return nil, fmt.Errorf("effect.NewProjector: unknown kind %v", kind)
	}
	return &Projector{dim: dim, k: k, seed: seed, kind: kind}, nil
}

// Dim is the input dimension D.
func (p *Projector) Dim() int { return p.dim }

// K is the output dimension k.
func (p *Projector) K() int { return p.k }

// Project returns P·v for each v (each of length Dim; it panics otherwise, a programming
// error). Passing all vectors in one call generates P once for all of them.
func (p *Projector) Project(vs ...[]float64) [][]float64 {
	for i, v := range vs {
		if len(v) != p.dim {
			panic(fmt.Sprintf("effect.Projector.Project: vector %d has %d elements, want %d", i, len(v), p.dim))
		}
	}
	out := make([][]float64, len(vs))
	for i := range out {
		out[i] = make([]float64, p.k)
	}
	if len(vs) == 0 {
		return out
	}
	block := make([]float64, p.k*ProjectionBlock)
	for c := 0; c*ProjectionBlock < p.dim; c++ {
		from := c * ProjectionBlock
		width := min(ProjectionBlock, p.dim-from)
		p.fillBlock(block[:p.k*width], c, width)
		for i, v := range vs {
			seg := v[from : from+width]
			o := out[i]
			for j := range p.k {
				row := block[j*width : (j+1)*width]
				s := 0.0
				for d, x := range seg {
					s += row[d] * x
				}
				o[j] += s
			}
		}
	}
	return out
}

// fillBlock writes columns [c·ProjectionBlock, c·ProjectionBlock+width) of P into dst, row-major
// ([k][width]).
func (p *Projector) fillBlock(dst []float64, c, width int) {
	rng := rand.New(rand.NewPCG(p.seed, uint64(c)))
	scale := 1 / math.Sqrt(float64(p.k))
	switch p.kind {
	case Rademacher:
		var bits uint64
		left := 0
		for i := range dst {
			if left == 0 {
				bits, left = rng.Uint64(), 64
			}
			if bits&1 == 1 {
				dst[i] = scale
			} else {
				dst[i] = -scale
			}
			bits >>= 1
			left--
		}
	case Gaussian:
		for i := range dst {
			dst[i] = rng.NormFloat64() * scale
		}
	}
}
