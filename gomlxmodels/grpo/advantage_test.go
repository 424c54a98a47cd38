package grpo

import (
	"math"
	"testing"
)

func TestAdvantages(t *testing.T) {
	cfg := func(scale string, eps float64) Config {
		c := DefaultConfig()
		c.ScaleRewards, c.AdvantageEpsilon = scale, eps
		return c
	}
	// {1,0,0,0}: mean 1/4, deviations 3/4 and −1/4 (×3), Σd² = 9/16 + 3/16 = 3/4, unbiased
	// variance (3/4)/3 = 1/4, std 1/2.
	const s4 = 0.5
	// {1,0}: mean 1/2, Σd² = 1/2, unbiased variance 1/2, std √½.
	s2 := math.Sqrt(0.5)
	tests := []struct {
		name    string
		rewards []float64
		groups  []int
		c       Config
		want    []float64
	}{
		{"uniform group is exactly 0", []float64{1, 1, 1, 1}, []int{0, 0, 0, 0}, cfg(ScaleGroup, 1e-6), []float64{0, 0, 0, 0}},
		// 0.1 summed eight times is 0.7999999999999999: the naive mean would leave ±1e-17/1e-6.
		{"uniform group with a rounding mean", []float64{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1},
			[]int{5, 5, 5, 5, 5, 5, 5, 5}, cfg(ScaleGroup, 1e-6), make([]float64, 8)},
		{"one correct of four, N−1 std", []float64{1, 0, 0, 0}, []int{0, 0, 0, 0}, cfg(ScaleGroup, 1e-6),
			[]float64{0.75 / (s4 + 1e-6), -0.25 / (s4 + 1e-6), -0.25 / (s4 + 1e-6), -0.25 / (s4 + 1e-6)}},
		{"interleaved groups with arbitrary ids", []float64{1, 0, 0, 0}, []int{7, 3, 7, 3}, cfg(ScaleGroup, 1e-6),
			[]float64{0.5 / (s2 + 1e-6), 0, -0.5 / (s2 + 1e-6), 0}},
		// Batch: group means 1/2 and 1 are subtracted; the std is that of all four rewards
		// {1,0,1,1}: mean 3/4, Σd² = 3/16·3 + 9/16 = 3/4, variance 1/4, std 1/2.
		{"batch std, group mean", []float64{1, 0, 1, 1}, []int{0, 0, 1, 1}, cfg(ScaleBatch, 1e-4),
			[]float64{0.5 / (0.5 + 1e-4), -0.5 / (0.5 + 1e-4), 0, 0}},
		{"none: centred only", []float64{1, 0, 0, 0}, []int{0, 0, 0, 0}, cfg(ScaleNone, 1e-6),
			[]float64{0.75, -0.25, -0.25, -0.25}},
		{"none: uniform group is 0", []float64{2, 2}, []int{0, 0}, cfg(ScaleNone, 1e-6), []float64{0, 0}},
		// verl: a singleton group has mean 0 and std 1.
		{"singleton group as verl", []float64{1, 0}, []int{0, 1}, cfg(ScaleGroup, 1e-6), []float64{1 / (1 + 1e-6), 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Advantages(tc.rewards, tc.groups, tc.c)
			if len(got) != len(tc.want) {
				t.Fatalf("got %d advantages, want %d", len(got), len(tc.want))
			}
			for i := range got {
				if math.Abs(got[i]-tc.want[i]) > 1e-12 {
					t.Errorf("advantage %d = %.15g, want %.15g (all: %v)", i, got[i], tc.want[i], got)
				}
			}
		})
	}
}

func TestAdvantagesPanicsOnLengthMismatch(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("no panic for 2 rewards and 1 group id")
		}
	}()
	Advantages([]float64{1, 0}, []int{0}, DefaultConfig())
}
