package stats

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// Reference values were computed by hand (the small cases) and checked with
// Python's statistics module (correlation, linear_regression, NormalDist).

var (
	ansX = []float64{10, 8, 13, 9, 11, 14, 6, 4, 12, 7, 5} // Anscombe's quartet, set I
	ansY = []float64{8.04, 6.95, 7.58, 8.81, 8.33, 9.96, 7.24, 4.26, 10.84, 4.82, 5.68}
)

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestPearsonSpearman(t *testing.T) {
	tests := []struct {
		name              string
		x, y              []float64
		pearson, spearman float64
	}{
		// mx=3, my=4, Sxy=6, Sxx=10, Syy=6: r = 6/√60.
		{"small", []float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5}, 6 / math.Sqrt(60), 0.7378647873726218},
		{"anscombe I", ansX, ansY, 0.81642051634484, 0.8181818181818182},
		{"perfect negative", []float64{1, 2, 3}, []float64{30, 20, 10}, -1, -1},
		// Monotone but not linear: ρ = 1, r = Sxy/√(Sxx·Syy) = 151/√(5·6849).
		{"monotone", []float64{1, 2, 3, 4}, []float64{1, 4, 9, 100}, 151 / math.Sqrt(5*6849), 1},
		// Ties in both: ranks [1 2.5 2.5 4 6 6 6] and [4 1 2.5 2.5 6 5 7].
		{"ties", []float64{10, 20, 20, 30, 40, 40, 40}, []float64{3, 1, 2, 2, 5, 4, 6}, math.NaN(), 0.7080514800462759},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Pearson(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if !math.IsNaN(tc.pearson) && !near(r, tc.pearson, 1e-12) {
				t.Errorf("Pearson = %.15g, want %.15g", r, tc.pearson)
			}
			rho, err := Spearman(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if !near(rho, tc.spearman, 1e-12) {
				t.Errorf("Spearman = %.15g, want %.15g", rho, tc.spearman)
			}
		})
	}
}

func TestCorrelationErrors(t *testing.T) {
	tests := []struct {
		name string
		x, y []float64
		want string
	}{
		{"mismatch", []float64{1, 2}, []float64{1}, "x has 2 values, y has 1"},
		{"too few", []float64{1}, []float64{1}, "1 pairs, need at least 2"},
		{"empty", nil, nil, "0 pairs"},
		{"nan", []float64{1, math.NaN()}, []float64{1, 2}, "x[1] is NaN"},
		{"inf", []float64{1, 2}, []float64{math.Inf(1), 2}, "y[0] is +Inf"},
		{"constant", []float64{1, 2, 3}, []float64{5, 5, 5}, "constant"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for fn, f := range map[string]func(x, y []float64) (float64, error){"Pearson": Pearson, "Spearman": Spearman} {
				_, err := f(tc.x, tc.y)
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: err = %v, want it to contain %q", fn, err, tc.want)
				}
			}
		})
	}
	if _, err := Pearson([]float64{1, 2}, []float64{3, 3}); !errors.Is(err, ErrConstant) {
		t.Errorf("constant y: err = %v, want ErrConstant", err)
	}
}

func TestRanks(t *testing.T) {
	tests := []struct{ in, want []float64 }{
		{nil, []float64{}},
		{[]float64{5}, []float64{1}},
		{[]float64{10, 20, 20, 30}, []float64{1, 2.5, 2.5, 4}},
		{[]float64{3, 1, 2}, []float64{3, 1, 2}},
		{[]float64{7, 7, 7}, []float64{2, 2, 2}},
		{[]float64{2, 1, 2, 1, 2}, []float64{4, 1.5, 4, 1.5, 4}},
	}
	for _, tc := range tests {
		got := Ranks(tc.in)
		if len(got) != len(tc.want) {
			t.Fatalf("Ranks(%v) = %v, want %v", tc.in, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("Ranks(%v) = %v, want %v", tc.in, got, tc.want)
				break
			}
		}
	}
}

func TestLinearRegression(t *testing.T) {
	tests := []struct {
		name                 string
		x, y                 []float64
		slope, intercept, r2 float64
	}{
		{"small", []float64{1, 2, 3, 4, 5}, []float64{2, 4, 5, 4, 5}, 0.6, 2.2, 0.6},
		{"anscombe I", ansX, ansY, 0.5000909090909091, 3.0000909090909085, 0.6665424595087752},
		{"exact line", []float64{0, 1, 2}, []float64{1, 3, 5}, 2, 1, 1},
		{"flat y", []float64{0, 1, 2}, []float64{4, 4, 4}, 0, 4, math.NaN()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := LinearRegression(tc.x, tc.y)
			if err != nil {
				t.Fatal(err)
			}
			if !near(f.Slope, tc.slope, 1e-12) || !near(f.Intercept, tc.intercept, 1e-12) || f.N != len(tc.x) {
				t.Errorf("fit = %+v, want slope %v intercept %v", f, tc.slope, tc.intercept)
			}
			if math.IsNaN(tc.r2) != math.IsNaN(f.R2) || (!math.IsNaN(tc.r2) && !near(f.R2, tc.r2, 1e-12)) {
				t.Errorf("R2 = %v, want %v", f.R2, tc.r2)
			}
			if got := f.Predict(10); !near(got, tc.slope*10+tc.intercept, 1e-9) {
				t.Errorf("Predict(10) = %v", got)
			}
		})
	}
	if _, err := LinearRegression([]float64{1, 1}, []float64{1, 2}); !errors.Is(err, ErrConstant) {
		t.Errorf("constant x: err = %v, want ErrConstant", err)
	}
	if _, err := LinearRegression([]float64{1, 2}, []float64{1}); err == nil {
		t.Error("mismatched lengths: no error")
	}
	if s := (Fit{Slope: 1.5, Intercept: -0.25, R2: 0.5}).String(); s != "y = 1.5x − 0.25 (R² = 0.50)" {
		t.Errorf("String = %q", s)
	}
}

func TestWilson(t *testing.T) {
	tests := []struct {
		k, n   int
		level  float64
		lo, hi float64
	}{
		{0, 10, 0.95, 0, 0.2775327998628892},
		{10, 10, 0.95, 0.7224672001371107, 1},
		{7, 10, 0.95, 0.39677814746114537, 0.8922087325936989},
		{45, 100, 0.95, 0.3561453797951198, 0.5475539700255787},
		{1, 1, 0.95, 0.20654931437723745, 1},
		{7, 10, 0.90, 0.4416997958698352, 0.873123416096802},
	}
	for _, tc := range tests {
		iv, err := Wilson(tc.k, tc.n, tc.level)
		if err != nil {
			t.Fatal(err)
		}
		if !near(iv.Lo, tc.lo, 1e-12) || !near(iv.Hi, tc.hi, 1e-12) || iv.Estimate != float64(tc.k)/float64(tc.n) || iv.Level != tc.level {
			t.Errorf("Wilson(%d, %d, %v) = %+v, want [%v, %v]", tc.k, tc.n, tc.level, iv, tc.lo, tc.hi)
		}
	}
	for _, bad := range [][3]float64{{1, 0, 0.95}, {-1, 5, 0.95}, {6, 5, 0.95}, {1, 5, 1}, {1, 5, 0}, {1, 5, math.NaN()}} {
		if _, err := Wilson(int(bad[0]), int(bad[1]), bad[2]); err == nil {
			t.Errorf("Wilson%v: no error", bad)
		}
	}
}

func TestNormalQuantile(t *testing.T) {
	for p, want := range map[float64]float64{0.5: 0, 0.975: 1.9599639845400536, 0.95: 1.6448536269514715, 0.025: -1.9599639845400536} {
		if got := NormalQuantile(p); !near(got, want, 1e-12) {
			t.Errorf("NormalQuantile(%v) = %.16g, want %.16g", p, got, want)
		}
	}
}

func TestQuantile(t *testing.T) {
	xs := []float64{10, 1, 9, 2, 8, 3, 7, 4, 6, 5} // 1…10, shuffled
	for p, want := range map[float64]float64{0: 1, 1: 10, 0.5: 5.5, 0.25: 3.25, 0.75: 7.75, 0.1: 1.9} {
		got, err := Quantile(xs, p)
		if err != nil || !near(got, want, 1e-12) {
			t.Errorf("Quantile(%v) = %v, %v; want %v", p, got, err, want)
		}
	}
	if xs[0] != 10 {
		t.Error("Quantile modified its input")
	}
	for _, bad := range []struct {
		xs []float64
		p  float64
	}{{nil, 0.5}, {xs, -0.1}, {xs, 1.1}, {[]float64{math.NaN()}, 0.5}} {
		if _, err := Quantile(bad.xs, bad.p); err == nil {
			t.Errorf("Quantile(%v, %v): no error", bad.xs, bad.p)
		}
	}
}
