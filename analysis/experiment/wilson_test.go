package experiment

import (
	"math"
	"testing"

	"github.com/r1lab/r1lab/analysis/stats"
)

func TestWilson(t *testing.T) {
	iv, err := stats.Wilson(3, 10, 0.95)
	if err != nil {
		t.Fatal(err)
	}
	if lo, hi := Wilson(0.3, 10); lo != iv.Lo || hi != iv.Hi {
		t.Errorf("Wilson(0.3, 10) = %v, %v, want %v, %v", lo, hi, iv.Lo, iv.Hi)
	}
	// An accuracy is a count over n prompts: 0.29 of 10 is 3 of 10.
	if lo, hi := Wilson(0.29, 10); lo != iv.Lo || hi != iv.Hi {
		t.Errorf("Wilson(0.29, 10) = %v, %v", lo, hi)
	}
	for _, c := range []struct {
		acc float64
		n   int
	}{{0.5, 0}, {math.NaN(), 10}, {1.5, 10}, {-0.5, 10}} {
		if lo, hi := Wilson(c.acc, c.n); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("Wilson(%v, %d) = %v, %v, want NaN", c.acc, c.n, lo, hi)
		}
	}
	if lo, hi := Wilson(0, 12); lo != 0 || hi <= 0.2 || hi >= 0.3 {
		t.Errorf("Wilson(0, 12) = %v, %v: want 0 and about 0.24", lo, hi)
	}
}

func TestFormatAndCompare(t *testing.T) {
	if got := FormatAccuracy(0.3, 10); got != "30.0% [11, 60]" {
		t.Errorf("FormatAccuracy(0.3, 10) = %q", got)
	}
	if got := FormatAccuracy(math.NaN(), 10) + FormatAccuracy(0.3, 0); got != "––" {
		t.Errorf("FormatAccuracy of missing values = %q", got)
	}
	for _, c := range []struct {
		a1     float64
		n1     int
		a2     float64
		n2     int
		want   int
		reason string
	}{
		{0.9, 100, 0.1, 100, 1, "far apart"},
		{0.1, 100, 0.9, 100, -1, "far apart, reversed"},
		{0.5, 10, 0.6, 10, 0, "overlap"},
		{0.9, 100, 0.1, 0, 0, "undefined"},
	} {
		if got := CompareAccuracy(c.a1, c.n1, c.a2, c.n2); got != c.want {
			t.Errorf("CompareAccuracy(%v, %d, %v, %d) = %d, want %d (%s)", c.a1, c.n1, c.a2, c.n2, got, c.want, c.reason)
		}
	}
}

func TestAccuracySeries(t *testing.T) {
	a := ArmResult{Arm: RLArms[2], Steps: []int64{0, 5}, Acc: []float64{0.3, 1}, ValN: 10}
	s := a.AccuracySeries()
	lo, hi := Wilson(0.3, 10)
	if s.Name != "long-CoT SFT" || !same(s.X, []float64{0, 5}) || !same(s.Y, []float64{30, 100}) ||
		s.Lo[0] != 100*lo || s.Hi[0] != 100*hi || s.Hi[1] != 100 {
		t.Errorf("AccuracySeries = %+v", s)
	}
	a.ValN = 0
	if s := a.AccuracySeries(); len(s.Lo) != 2 || !math.IsNaN(s.Lo[0]) || !math.IsNaN(s.Hi[1]) {
		t.Errorf("AccuracySeries without validation prompts: bands %v %v, want NaN", s.Lo, s.Hi)
	}
}
