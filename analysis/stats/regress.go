package stats

import (
	"fmt"
	"math"
)

// Fit is an ordinary-least-squares line y ≈ Slope·x + Intercept.
type Fit struct {
	Slope, Intercept float64
	// R2 is the coefficient of determination, the squared Pearson r of the
	// data; NaN when y is constant (there is no variance to explain).
	R2 float64
	// N is the number of points fitted.
	N int
}

// Predict returns the fitted line's value at x.
func (f Fit) Predict(x float64) float64 { return f.Slope*x + f.Intercept }

// String renders the fit for a legend, e.g. "y = 1.02x + 0.013 (R² = 0.87)".
func (f Fit) String() string {
	sign, b := "+", f.Intercept
	if b < 0 {
		sign, b = "−", -b
	}
	return fmt.Sprintf("y = %.3gx %s %.3g (R² = %.2f)", f.Slope, sign, b, f.R2)
}

// LinearRegression fits y ≈ a·x + b by ordinary least squares over the pairs
// (x[i], y[i]). It needs at least 2 finite pairs, and wraps [ErrConstant]
// when x is constant (the slope is undefined).
func LinearRegression(x, y []float64) (Fit, error) {
	if err := checkPairs(x, y, 2); err != nil {
		return Fit{}, err
	}
	m := comoments(x, y)
	if m.sxx == 0 {
		return Fit{}, fmt.Errorf("linear regression: x: %w", ErrConstant)
	}
	slope := m.sxy / m.sxx
	r2 := math.NaN()
	if m.syy > 0 {
		r2 = min(1, m.sxy*m.sxy/(m.sxx*m.syy))
	}
	return Fit{Slope: slope, Intercept: m.my - slope*m.mx, R2: r2, N: len(x)}, nil
}
