package stats

import (
	"fmt"
	"math"
)

// checkFinite returns an error naming the first NaN or ±Inf in xs; name says
// which argument xs is.
func checkFinite(name string, xs []float64) error {
	for i, v := range xs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("stats: %s[%d] is %v; drop non-finite values first", name, i, v)
		}
	}
	return nil
}

// checkPairs checks that x and y are finite, of equal length and hold at
// least min pairs.
func checkPairs(x, y []float64, min int) error {
	if len(x) != len(y) {
		return fmt.Errorf("stats: x has %d values, y has %d; want pairs", len(x), len(y))
	}
	if len(x) < min {
		return fmt.Errorf("stats: %d pairs, need at least %d", len(x), min)
	}
	if err := checkFinite("x", x); err != nil {
		return err
	}
	return checkFinite("y", y)
}

// checkLevel checks a confidence level.
func checkLevel(level float64) error {
	if !(level > 0 && level < 1) {
		return fmt.Errorf("stats: confidence level %v is not in (0, 1)", level)
	}
	return nil
}
