package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// DefaultResamples is the bootstrap resample count the analyses use unless
// told otherwise: 10,000 puts the Monte-Carlo error of a 95% percentile
// bound well below the intervals' own width.
const DefaultResamples = 10000

// DefaultLevel is the confidence level the analyses report: 0.95.
const DefaultLevel = 0.95

// Interval is a point estimate with a confidence interval [Lo, Hi].
type Interval struct {
	Estimate float64 // the statistic on the data itself
	Lo, Hi   float64
	Level    float64 // the confidence level, e.g. 0.95
	// Resamples is the number of bootstrap resamples the bounds come from:
	// those on which the statistic was defined (not NaN). 0 for intervals
	// that are not bootstrapped (Wilson).
	Resamples int
}

// String renders the interval as "0.412 [0.371, 0.455]".
func (iv Interval) String() string {
	return fmt.Sprintf("%.3g [%.3g, %.3g]", iv.Estimate, iv.Lo, iv.Hi)
}

// Bootstrap returns stat(xs) with a percentile bootstrap confidence interval
// at the given level (e.g. 0.95): stat is evaluated on n resamples of xs
// drawn with replacement, and the bounds are the (1−level)/2 and
// (1+level)/2 quantiles ([Quantile]) of those values. The resamples are a
// function of seed alone (see the package doc). Resamples on which stat
// returns NaN (a degenerate resample) are left out and the count of the rest
// is reported in Interval.Resamples; if none is left, or stat(xs) itself is
// NaN, Bootstrap fails. xs must be non-empty and finite. stat must not keep
// the slice it is given: it is reused.
func Bootstrap(xs []float64, stat func([]float64) float64, n int, seed uint64, level float64) (Interval, error) {
	if len(xs) == 0 {
		return Interval{}, fmt.Errorf("stats: bootstrap of an empty sample")
	}
	if err := checkFinite("xs", xs); err != nil {
		return Interval{}, err
	}
	buf := make([]float64, len(xs))
	return resample(len(xs), n, seed, level, func(idx []int) float64 {
		if idx == nil {
			return stat(xs)
		}
		for i, j := range idx {
			buf[i] = xs[j]
		}
		return stat(buf)
	})
}

// MeanCI is Bootstrap with stat = [Mean].
func MeanCI(xs []float64, n int, seed uint64, level float64) (Interval, error) {
	return Bootstrap(xs, Mean, n, seed, level)
}

// PairedBootstrap is [Bootstrap] for a statistic of paired data: each
// resample draws indices with replacement and keeps the pairs (x[i], y[i])
// together. x and y must have equal, non-zero length and be finite. stat must
// not keep the slices it is given.
func PairedBootstrap(x, y []float64, stat func(x, y []float64) float64, n int, seed uint64, level float64) (Interval, error) {
	if err := checkPairs(x, y, 1); err != nil {
		return Interval{}, err
	}
	bx, by := make([]float64, len(x)), make([]float64, len(y))
	return resample(len(x), n, seed, level, func(idx []int) float64 {
		if idx == nil {
			return stat(x, y)
		}
		for i, j := range idx {
			bx[i], by[i] = x[j], y[j]
		}
		return stat(bx, by)
	})
}

// SpearmanCI returns Spearman's ρ of the pairs with a paired percentile
// bootstrap interval (see [PairedBootstrap]); resamples in which x or y is
// constant have no ρ and are left out. It is the interval for "do two
// rankings of the same items agree" (e.g. datasets ranked by predicted and
// by measured ΔAcc).
func SpearmanCI(x, y []float64, n int, seed uint64, level float64) (Interval, error) {
	if err := checkPairs(x, y, 2); err != nil {
		return Interval{}, err
	}
	return PairedBootstrap(x, y, func(x, y []float64) float64 { return pearson(Ranks(x), Ranks(y)) }, n, seed, level)
}

// resample runs the bootstrap over m items: stat(nil) is the estimate on the
// data, stat(idx) its value on the resample idx.
func resample(m, n int, seed uint64, level float64, stat func(idx []int) float64) (Interval, error) {
	if n <= 0 {
		return Interval{}, fmt.Errorf("stats: bootstrap needs a positive number of resamples, got %d", n)
	}
	if err := checkLevel(level); err != nil {
		return Interval{}, err
	}
	est := stat(nil)
	if math.IsNaN(est) {
		return Interval{}, fmt.Errorf("stats: the statistic is undefined (NaN) on the data")
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	idx := make([]int, m)
	vals := make([]float64, 0, n)
	for range n {
		for i := range idx {
			idx[i] = rng.IntN(m)
		}
		if v := stat(idx); !math.IsNaN(v) {
			vals = append(vals, v)
		}
	}
	if len(vals) == 0 {
		return Interval{}, fmt.Errorf("stats: the statistic is undefined (NaN) on all %d resamples", n)
	}
	slices.Sort(vals)
	tail := (1 - level) / 2
	return Interval{Estimate: est, Lo: quantileSorted(vals, tail), Hi: quantileSorted(vals, 1-tail),
		Level: level, Resamples: len(vals)}, nil
}

// Quantile returns the p-quantile of xs (0 ≤ p ≤ 1) by linear interpolation
// between order statistics (Hyndman & Fan's type 7, numpy's default): with
// s the sorted values and h = (len−1)·p, it is s[⌊h⌋] + (h−⌊h⌋)·(s[⌊h⌋+1] −
// s[⌊h⌋]). xs must be non-empty and finite; it is not modified.
func Quantile(xs []float64, p float64) (float64, error) {
	if len(xs) == 0 {
		return 0, fmt.Errorf("stats: quantile of an empty sample")
	}
	if !(p >= 0 && p <= 1) {
		return 0, fmt.Errorf("stats: quantile probability %v is not in [0, 1]", p)
	}
	if err := checkFinite("xs", xs); err != nil {
		return 0, err
	}
	return quantileSorted(slices.Sorted(slices.Values(xs)), p), nil
}

func quantileSorted(s []float64, p float64) float64 {
	h := float64(len(s)-1) * p
	lo := int(math.Floor(h))
	if lo >= len(s)-1 {
		return s[len(s)-1]
	}
	return s[lo] + (h-float64(lo))*(s[lo+1]-s[lo])
}
