package stats

import (
	"math"
	"strings"
	"testing"
)

func TestBootstrapDeterministic(t *testing.T) {
	xs := []float64{0.3, 1.7, 1.1, 0.2, 2.9, 1.4, 1.8, 0.05, 1.3, 0.6, 1.25, 2.2}
	a, err := MeanCI(xs, 2000, 7, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := MeanCI(xs, 2000, 7, 0.95)
	if a != b {
		t.Errorf("same seed, different intervals: %+v vs %+v", a, b)
	}
	c, _ := MeanCI(xs, 2000, 8, 0.95)
	if a == c {
		t.Errorf("seeds 7 and 8 gave the same interval %+v", a)
	}
	if a.Estimate != Mean(xs) || a.Resamples != 2000 || a.Level != 0.95 || !(a.Lo <= a.Estimate && a.Estimate <= a.Hi) {
		t.Errorf("interval %+v does not bracket the mean %v", a, Mean(xs))
	}
}

// TestBootstrapWidth checks the percentile interval of a mean against the
// normal approximation mean ± 1.96·sd/√n on a sample where that holds well.
func TestBootstrapWidth(t *testing.T) {
	xs := make([]float64, 400)
	for i := range xs {
		xs[i] = float64(i % 20) // uniform on 0…19: sd = √((20²−1)/12)
	}
	iv, err := Bootstrap(xs, Mean, 4000, 1, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	sd := math.Sqrt((20*20 - 1) / 12.0)
	half := 1.96 * sd / math.Sqrt(float64(len(xs)))
	if !near(iv.Hi-iv.Estimate, half, 0.1*half) || !near(iv.Estimate-iv.Lo, half, 0.1*half) {
		t.Errorf("interval %+v, want about %v ± %v", iv, iv.Estimate, half)
	}
	// A wider level gives a wider interval from the same resamples.
	iv99, _ := Bootstrap(xs, Mean, 4000, 1, 0.99)
	if !(iv99.Lo < iv.Lo && iv99.Hi > iv.Hi) {
		t.Errorf("99%% interval %+v is not wider than 95%% %+v", iv99, iv)
	}
}

func TestBootstrapDegenerate(t *testing.T) {
	// A one-point sample: every resample is that point.
	iv, err := MeanCI([]float64{3}, 10, 1, 0.9)
	if err != nil || iv.Lo != 3 || iv.Hi != 3 {
		t.Errorf("MeanCI([3]) = %+v, %v", iv, err)
	}
	// A statistic undefined on some resamples: those are left out.
	nanOnZeroSum := func(xs []float64) float64 {
		if s := Mean(xs); s != 0 {
			return s
		}
		return math.NaN()
	}
	iv, err = Bootstrap([]float64{0, 1}, nanOnZeroSum, 1000, 3, 0.9)
	if err != nil || iv.Resamples >= 1000 || iv.Resamples < 600 {
		t.Errorf("Bootstrap with NaN resamples = %+v, %v; want about 750 kept", iv, err)
	}
}

func TestBootstrapErrors(t *testing.T) {
	tests := []struct {
		name string
		xs   []float64
		n    int
		lvl  float64
		stat func([]float64) float64
		want string
	}{
		{"empty", nil, 10, 0.95, Mean, "empty"},
		{"nan input", []float64{1, math.NaN()}, 10, 0.95, Mean, "xs[1] is NaN"},
		{"no resamples", []float64{1}, 0, 0.95, Mean, "positive number of resamples"},
		{"level", []float64{1}, 10, 95, Mean, "level 95"},
		{"nan estimate", []float64{1}, 10, 0.95, func([]float64) float64 { return math.NaN() }, "undefined (NaN) on the data"},
		{"all nan", []float64{1, 2}, 10, 0.95, definedOnce(), "on all 10 resamples"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Bootstrap(tc.xs, tc.stat, tc.n, 1, tc.lvl)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// definedOnce returns a statistic that is 0 on its first call (the data) and
// NaN on every later one (the resamples).
func definedOnce() func([]float64) float64 {
	calls := 0
	return func([]float64) float64 {
		calls++
		if calls == 1 {
			return 0
		}
		return math.NaN()
	}
}

func TestSpearmanCI(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	y := []float64{2, 1, 4, 3, 6, 5, 8, 7, 10, 9}
	iv, err := SpearmanCI(x, y, 2000, 11, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := Spearman(x, y)
	if iv.Estimate != want || iv.Hi > 1 || iv.Lo < 0.5 || iv.Lo > iv.Estimate {
		t.Errorf("SpearmanCI = %+v, want estimate %v inside a tight interval below 1", iv, want)
	}
	again, _ := SpearmanCI(x, y, 2000, 11, 0.95)
	if again != iv {
		t.Errorf("not deterministic: %+v vs %+v", iv, again)
	}
	// Pairs stay together: a paired bootstrap of x against itself is ρ = 1
	// on every resample with two distinct values.
	self, err := SpearmanCI(x, x, 500, 1, 0.95)
	if err != nil || self.Lo != 1 || self.Hi != 1 {
		t.Errorf("SpearmanCI(x, x) = %+v, %v; want [1, 1]", self, err)
	}
	for _, bad := range [][2][]float64{{{1, 2}, {1}}, {{1}, {1}}, {{1, 2, 3}, {4, 4, 4}}} {
		if _, err := SpearmanCI(bad[0], bad[1], 10, 1, 0.95); err == nil {
			t.Errorf("SpearmanCI(%v, %v): no error", bad[0], bad[1])
		}
	}
}

func TestIntervalString(t *testing.T) {
	if s := (Interval{Estimate: 0.4123, Lo: 0.371, Hi: 0.4551}).String(); s != "0.412 [0.371, 0.455]" {
		t.Errorf("String = %q", s)
	}
}
