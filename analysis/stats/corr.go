package stats

import (
	"errors"
	"math"
	"slices"
)

// ErrConstant is returned (wrapped) when a correlation or regression is
// undefined because one of the variables does not vary.
var ErrConstant = errors.New("stats: a variable is constant")

// Mean returns the arithmetic mean of xs, NaN for an empty slice. Its
// signature fits [Bootstrap]'s statistic.
func Mean(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := 0.0
	for _, v := range xs {
		s += v
	}
	return s / float64(len(xs))
}

// Pearson returns the Pearson correlation coefficient of the pairs (x[i],
// y[i]). It needs at least 2 finite pairs, and wraps [ErrConstant] when x or
// y has zero variance.
func Pearson(x, y []float64) (float64, error) {
	if err := checkPairs(x, y, 2); err != nil {
		return 0, err
	}
	r := pearson(x, y)
	if math.IsNaN(r) {
		return 0, ErrConstant
	}
	return r, nil
}

// pearson computes Pearson's r of checked input, NaN when a variance is 0.
func pearson(x, y []float64) float64 {
	m := comoments(x, y)
	sxx, syy, sxy := m.sxx, m.syy, m.sxy
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return max(-1, min(1, sxy/math.Sqrt(sxx*syy)))
}

// moments holds the means and centred sums of squares and cross-products of
// paired data.
type moments struct{ mx, my, sxx, syy, sxy float64 }

// comoments computes moments in two passes (means first), which keeps them
// exact for data far from 0.
func comoments(x, y []float64) moments {
	m := moments{mx: Mean(x), my: Mean(y)}
	for i := range x {
		dx, dy := x[i]-m.mx, y[i]-m.my
		m.sxy += dx * dy
		m.sxx += dx * dx
		m.syy += dy * dy
	}
	return m
}

// Spearman returns Spearman's rank correlation ρ of the pairs (x[i], y[i]):
// Pearson's r of their ranks, tied values getting the average of the ranks
// they span (as scipy.stats.spearmanr does). It needs at least 2 finite
// pairs, and wraps [ErrConstant] when x or y takes a single value.
func Spearman(x, y []float64) (float64, error) {
	if err := checkPairs(x, y, 2); err != nil {
		return 0, err
	}
	r := pearson(Ranks(x), Ranks(y))
	if math.IsNaN(r) {
		return 0, ErrConstant
	}
	return r, nil
}

// Ranks returns the 1-based ranks of xs in ascending order; tied values get
// the average of the ranks they span, so Ranks([10 20 20 30]) is
// [1 2.5 2.5 4]. NaN values compare as math.NaN does in slices.Sort (before
// every number); callers that care check their input first.
func Ranks(xs []float64) []float64 {
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		// cmp semantics with NaN first, like slices.Sort on float64.
		switch va, vb := xs[a], xs[b]; {
		case va < vb || (math.IsNaN(va) && !math.IsNaN(vb)):
			return -1
		case va > vb || (math.IsNaN(vb) && !math.IsNaN(va)):
			return 1
		}
		return 0
	})
	ranks := make([]float64, len(xs))
	for i := 0; i < len(order); {
		j := i + 1
		for j < len(order) && xs[order[j]] == xs[order[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // mean of the 1-based ranks i+1 … j
		for k := i; k < j; k++ {
			ranks[order[k]] = avg
		}
		i = j
	}
	return ranks
}
