package figures

import (
	"fmt"
	"math"
)

// checkLen fails unless xs is nil (when optional) or has n values.
func checkLen(what string, xs []float64, n int, optional bool) error {
	if len(xs) == n || (optional && xs == nil) {
		return nil
	}
	return fmt.Errorf("figures: %s has %d values, want %d", what, len(xs), n)
}

// checkNoInf fails on the first ±Inf in xs; NaN is left to the caller's
// documented rule.
func checkNoInf(what string, xs []float64) error {
	for i, v := range xs {
		if math.IsInf(v, 0) {
			return fmt.Errorf("figures: %s[%d] is %v", what, i, v)
		}
	}
	return nil
}

// column is one per-point slice of a series, for checkColumns.
type column struct {
	what     string
	xs       []float64
	optional bool // nil is allowed
}

// checkColumns checks that each column of the series name has n values (or
// is nil, when optional) and no ±Inf.
func checkColumns(name string, n int, cols ...column) error {
	for _, c := range cols {
		if err := checkLen(name+" "+c.what, c.xs, n, c.optional); err != nil {
			return err
		}
		if err := checkNoInf(name+" "+c.what, c.xs); err != nil {
			return err
		}
	}
	return nil
}

// nan reports whether any of vs is NaN.
func nan(vs ...float64) bool {
	for _, v := range vs {
		if math.IsNaN(v) {
			return true
		}
	}
	return false
}
