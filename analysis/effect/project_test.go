package effect

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestProjectionPreservesInnerProducts: with k = 512, every pairwise inner product of 20
// correlated vectors (D = 5000, not a multiple of the block) is preserved within
// ε·‖a‖‖b‖ with ε = 0.3, for both kinds. The JL bound puts the failure probability of one pair
// at ≤ 4·exp(−k(ε² − ε³)/4) ≈ 1.3e-3; the Gaussian approximation (σ ≤ √2/√k ≈ 0.0625, ε ≈ 4.8σ)
// at ≈ 2e-6. Seeds are fixed, so the test is deterministic.
func TestProjectionPreservesInnerProducts(t *testing.T) {
	const d, k, n, eps = 5000, 512, 20, 0.3
	rng := rand.New(rand.NewPCG(21, 22))
	common := make([]float64, d)
	for i := range common {
		common[i] = rng.NormFloat64()
	}
	vs := make([][]float64, n)
	for i := range vs {
		vs[i] = make([]float64, d)
		for j := range vs[i] {
			vs[i][j] = 0.7*common[j] + rng.NormFloat64()*float64(1+i%3)
		}
	}
	for _, kind := range []ProjectionKind{Rademacher, Gaussian} {
		p, err := NewProjector(d, k, 99, kind)
		if err != nil {
			t.Fatal(err)
		}
		ps := p.Project(vs...)
		worst, sumSq, count := 0.0, 0.0, 0
		for a := range vs {
			for b := a; b < n; b++ {
				dev := (Dot(ps[a], ps[b]) - Dot(vs[a], vs[b])) / (Norm(vs[a]) * Norm(vs[b]))
				worst = max(worst, math.Abs(dev))
				sumSq += dev * dev
				count++
				if math.Abs(dev) > eps {
					t.Errorf("%s: pair (%d,%d): |⟨Pa,Pb⟩ − ⟨a,b⟩| = %.3f·‖a‖‖b‖ > %.2f", kind, a, b, math.Abs(dev), eps)
				}
			}
		}
		t.Logf("%s k=%d: max deviation %.4f·‖a‖‖b‖, rms %.4f (theory ≤ %.4f) over %d pairs incl. norms",
			kind, k, worst, math.Sqrt(sumSq/float64(count)), math.Sqrt2/math.Sqrt(k), count)
	}
}

// TestProjectionIsSeeded: the same seed gives the same projection (regenerated, never stored),
// whether vectors are projected together or one by one; another seed or kind gives another.
func TestProjectionIsSeeded(t *testing.T) {
	const d, k = 700, 64
	rng := rand.New(rand.NewPCG(23, 24))
	a, b := randomUnit(rng, d), randomUnit(rng, d)
	p1, _ := NewProjector(d, k, 5, Rademacher)
	p2, _ := NewProjector(d, k, 5, Rademacher)
	together := p1.Project(a, b)
	if !slices.Equal(together[0], p2.Project(a)[0]) || !slices.Equal(together[1], p2.Project(b)[0]) {
		t.Error("the same seed gave different projections")
	}
	other, _ := NewProjector(d, k, 6, Rademacher)
	gauss, _ := NewProjector(d, k, 5, Gaussian)
	if slices.Equal(together[0], other.Project(a)[0]) || slices.Equal(together[0], gauss.Project(a)[0]) {
		t.Error("another seed or kind gave the same projection")
	}
	// Rademacher entries are ±1/√k: projecting a basis vector reads one column of P.
	e0 := make([]float64, d)
	e0[ProjectionBlock+3] = 1
	for j, x := range p1.Project(e0)[0] {
		if math.Abs(math.Abs(x)-1/math.Sqrt(k)) > 1e-15 {
			t.Fatalf("P[%d][%d] = %g, want ±1/√k", j, ProjectionBlock+3, x)
		}
	}
	if _, err := NewProjector(0, 3, 1, Gaussian); err == nil {
		t.Error("D = 0 accepted")
	}
}
