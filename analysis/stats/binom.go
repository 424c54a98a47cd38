package stats

import (
	"fmt"
	"math"
)

// Wilson returns the accuracy k/n with its Wilson score interval at the given
// confidence level (e.g. 0.95). Unlike the normal ("Wald") interval it stays
// inside [0, 1] and is not empty at k = 0 or k = n, which matters for toy
// accuracies near 0. With z the two-sided normal quantile of level and
// p = k/n:
//
//	centre = (p + z²/2n) / (1 + z²/n)
//	half   = z/(1 + z²/n) · √(p(1−p)/n + z²/4n²)
//
// It needs 0 ≤ k ≤ n and n > 0.
func Wilson(k, n int, level float64) (Interval, error) {
	if n <= 0 || k < 0 || k > n {
		return Interval{}, fmt.Errorf("stats: Wilson interval of %d successes in %d trials", k, n)
	}
	if err := checkLevel(level); err != nil {
		return Interval{}, err
	}
	z := NormalQuantile((1 + level) / 2)
	nf, p := float64(n), float64(k)/float64(n)
	z2n := z * z / nf
	centre := (p + z2n/2) / (1 + z2n)
	half := z / (1 + z2n) * math.Sqrt(p*(1-p)/nf+z2n/(4*nf))
	return Interval{Estimate: p, Lo: max(0, centre-half), Hi: min(1, centre+half), Level: level}, nil
}

// NormalQuantile returns the p-quantile of the standard normal distribution
// (the inverse CDF), e.g. 1.959964 for p = 0.975; ±Inf at p = 1 and 0, NaN
// outside [0, 1].
func NormalQuantile(p float64) float64 {
	return math.Sqrt2 * math.Erfinv(2*p-1)
}
