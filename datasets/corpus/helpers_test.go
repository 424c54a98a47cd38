package corpus

import (
	"math"
	"testing"
)

// generateTraced runs the generator with its trace on.
func generateTraced(t testing.TB, c Config, ex Exclusion) ([]Document, *trace) {
	t.Helper()
	g, err := newGenerator(c, ex)
	if err != nil {
		t.Fatal(err)
	}
	g.tr = &trace{}
	docs, err := g.run()
	if err != nil {
		t.Fatal(err)
	}
	return docs, g.tr
}

// only returns the default configuration writing n documents of one kind.
func only(k Kind, n int) Config {
	c := DefaultConfig()
	c.Documents = n
	c.Mix = Mix{}
	switch k {
	case KKSemantics:
		c.Mix.KKSemantics = 1
	case KKEpisode:
		c.Mix.KKEpisode = 1
	case KKFragment:
		c.Mix.KKFragment = 1
	case ArithEpisode:
		c.Mix.ArithEpisode = 1
	case ArithFragment:
		c.Mix.ArithFragment = 1
	case KKRoster:
		c.Mix.KKRoster = 1
	}
	return c
}

// checkRate fails unless hits/n is within 4.5 binomial standard deviations
// of p (exactly p when p is 0 or 1): loose enough never to flake, tight
// enough to catch a wrong rate.
func checkRate(t *testing.T, what string, hits, n int, p float64) {
	t.Helper()
	if n == 0 {
		t.Fatalf("%s: no samples", what)
	}
	got := float64(hits) / float64(n)
	tol := 4.5*math.Sqrt(p*(1-p)/float64(n)) + 1e-12
	if math.Abs(got-p) > tol {
		t.Errorf("%s: measured %.4f over %d, want %.4f ± %.4f", what, got, n, p, tol)
	} else {
		t.Logf("%s: measured %.4f over %d (want %.4f ± %.4f)", what, got, n, p, tol)
	}
}
