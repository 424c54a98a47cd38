package experiment

import (
	"fmt"
	"math"

	"github.com/r1lab/r1lab/analysis/figures"
	"github.com/r1lab/r1lab/analysis/stats"
)

// Confidence is the level of the package's intervals.
const Confidence = 0.95

// Wilson returns the 95% Wilson interval of an accuracy measured on n
// prompts (stats.Wilson of round(acc·n) successes), as fractions; NaN, NaN
// when acc is NaN or outside [0, 1], or n ≤ 0.
func Wilson(acc float64, n int) (lo, hi float64) {
	if math.IsNaN(acc) || n <= 0 {
		return math.NaN(), math.NaN()
	}
	iv, err := stats.Wilson(int(math.Round(acc*float64(n))), n, Confidence)
	if err != nil {
		return math.NaN(), math.NaN()
	}
	return iv.Lo, iv.Hi
}

// FormatAccuracy formats an accuracy measured on n prompts in percent with
// its 95% Wilson interval, "12.5% [4, 32]"; "–" when it is NaN or n is 0.
func FormatAccuracy(acc float64, n int) string {
	if math.IsNaN(acc) || n <= 0 {
		return "–"
	}
	lo, hi := Wilson(acc, n)
	return fmt.Sprintf("%.1f%% [%.0f, %.0f]", 100*acc, 100*lo, 100*hi)
}

// CompareAccuracy compares two accuracies, measured on n1 and n2 prompts, by
// their 95% Wilson intervals: 1 when the first interval lies wholly above the
// second, -1 when wholly below, 0 when they overlap (this measurement does
// not tell the two apart) or either is undefined.
func CompareAccuracy(acc1 float64, n1 int, acc2 float64, n2 int) int {
	lo1, hi1 := Wilson(acc1, n1)
	lo2, hi2 := Wilson(acc2, n2)
	switch {
	case lo1 > hi2:
		return 1
	case hi1 < lo2:
		return -1
	}
	return 0
}

// AccuracySeries is the arm's accuracy vs RL step in percent, named by its
// label, with its 95% Wilson band over the ValN validation prompts (NaN
// where it is undefined).
func (a ArmResult) AccuracySeries() figures.Series {
	s := figures.Series{Name: a.Label}
	for i, step := range a.Steps {
		lo, hi := Wilson(a.Acc[i], a.ValN)
		s.X, s.Y = append(s.X, float64(step)), append(s.Y, 100*a.Acc[i])
		s.Lo, s.Hi = append(s.Lo, 100*lo), append(s.Hi, 100*hi)
	}
	return s
}
