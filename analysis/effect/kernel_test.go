package effect

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
)

// TestKernel: the exact kernel is the Gram matrix of the sample gradients, its projected version
// stays within the JL tolerance, projected SE agrees with exact SE, and kernel comparisons give
// the expected values on known cases.
func TestKernel(t *testing.T) {
	vocab := mustVocab(t)
	m := newModel(t, microConfig(vocab, dtypes.Float32), 61)
	e := newEstimator(t, m, DefaultOptions())
	rng := rand.New(rand.NewPCG(25, 26))
	pairs := randomPairs(rng, 6, vocab, 3, 10, 2, 8)
	exact, err := e.Kernel(pairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.SampleGradients(pairs)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pairs {
		if d := math.Abs(exact[i][i] - Dot(s[i], s[i])); d > 1e-12*exact[i][i] {
			t.Errorf("K[%d][%d] = %g, ‖s‖² = %g", i, i, exact[i][i], Dot(s[i], s[i]))
		}
	}
	const k, eps = 1024, 0.25
	p, err := NewProjector(e.Layout().Dim, k, 7, Rademacher)
	if err != nil {
		t.Fatal(err)
	}
	approx, err := e.Kernel(pairs, p)
	if err != nil {
		t.Fatal(err)
	}
	worst := 0.0
	for i := range pairs {
		for j := range pairs {
			dev := math.Abs(approx[i][j]-exact[i][j]) / math.Sqrt(exact[i][i]*exact[j][j])
			worst = max(worst, dev)
			if dev > eps {
				t.Errorf("projected K[%d][%d] = %g, exact %g (deviation %.3f > %.2f)", i, j, approx[i][j], exact[i][j], dev, eps)
			}
		}
	}
	t.Logf("projected kernel (k = %d, D = %d): max deviation %.4f·√(K_ii K_jj)", k, e.Layout().Dim, worst)

	// SE from projected vectors: ⟨Pg, Ps⟩ ≈ ⟨g, s⟩ within ε‖g‖‖s‖.
	g, err := e.TargetREINFORCE(randomRollouts(rng, 2, 4, vocab), BaselineMean)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := e.ProjectedSampleGradients(pairs, p)
	if err != nil {
		t.Fatal(err)
	}
	pg := p.Project(g)[0]
	for i := range pairs {
		exactSE, projSE := Dot(g, s[i]), Dot(pg, ps[i])
		if math.Abs(projSE-exactSE) > eps*Norm(g)*Norm(s[i]) {
			t.Errorf("pair %d: projected SE %g, exact %g", i, projSE, exactSE)
		}
	}

	// Comparisons.
	same, err := CompareKernels(exact, exact)
	if err != nil {
		t.Fatal(err)
	}
	if same.RelativeChange != 0 || math.Abs(same.Alignment-1) > 1e-12 || same.NormalizedChange != 0 {
		t.Errorf("kernel vs itself: %+v", same)
	}
	scaled := make([][]float64, len(exact))
	for i := range exact {
		scaled[i] = make([]float64, len(exact))
		for j := range exact {
			scaled[i][j] = 2 * exact[i][j]
		}
	}
	c, _ := CompareKernels(exact, scaled)
	if math.Abs(c.RelativeChange-1) > 1e-12 || math.Abs(c.Alignment-1) > 1e-12 || c.NormalizedChange > 1e-12 {
		t.Errorf("kernel vs 2×kernel: %+v, want change 1, alignment 1, normalised change 0", c)
	}
	// Another checkpoint: a different model gives a different kernel.
	other, err := newEstimator(t, newModel(t, microConfig(vocab, dtypes.Float32), 62), DefaultOptions()).Kernel(pairs, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, _ = CompareKernels(exact, other)
	t.Logf("kernel of another initialisation: %+v", c)
	if c.RelativeChange == 0 || c.Alignment >= 1 {
		t.Errorf("different models, identical kernels: %+v", c)
	}
	if _, err := CompareKernels(exact, exact[:2]); err == nil {
		t.Error("kernels of different sizes accepted")
	}
}
