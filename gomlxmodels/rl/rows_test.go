package rl

import (
	"slices"
	"strings"
	"testing"
)

// TestRewardFor: the paper's rewards by data_source, scoring prompt+response text that must end
// with end-of-text; anything else is an error naming the source.
func TestRewardFor(t *testing.T) {
	for _, tc := range []struct {
		source, text, truth string
		want                float64
		err                 string
	}{
		{"kk", `… \boxed{Zoey is a knight, Oliver is a knave}<|endoftext|>`, "Oliver is a knave, Zoey is a knight", 1, ""},
		{"kk", `… \boxed{Zoey is a knight, Oliver is a knave}`, "Oliver is a knave, Zoey is a knight", 0, ""},
		{"arith", `… \boxed{12}<|endoftext|>`, "12", 1, ""},
		{"arith", `… \boxed{12}`, "12", 0, ""},
		{"math_length", "", "", 0, `data_source "math_length"`},
	} {
		fn, err := RewardFor(tc.source)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.source, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", tc.source, err)
		}
		if got := fn(tc.text, tc.truth).Value; got != tc.want {
			t.Errorf("%s(%q) = %g, want %g", tc.source, tc.text, got, tc.want)
		}
	}
}

// TestSpreadOverLevels: the first items of each level in turn, in order of first appearance.
func TestSpreadOverLevels(t *testing.T) {
	var items []item
	for i, l := range []int64{4, 4, 4, 5, 5, 6} {
		items = append(items, item{index: int64(i), level: l})
	}
	for _, tc := range []struct {
		n    int
		want []int64
	}{
		{0, []int64{0, 1, 2, 3, 4, 5}},
		{2, []int64{0, 3}},
		{4, []int64{0, 3, 5, 1}},
		{5, []int64{0, 3, 5, 1, 4}},
		{9, []int64{0, 1, 2, 3, 4, 5}},
	} {
		var got []int64
		for _, it := range spreadOverLevels(items, tc.n) {
			got = append(got, it.index)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("n=%d: %v, want %v", tc.n, got, tc.want)
		}
	}
}

// TestEpochOrder: each epoch is a permutation that depends only on (seed, epoch).
func TestEpochOrder(t *testing.T) {
	a, b := epochOrder(10, 7, 0), epochOrder(10, 7, 0)
	if !slices.Equal(a, b) {
		t.Error("same seed and epoch, different orders")
	}
	sorted := slices.Sorted(slices.Values(a))
	for i, v := range sorted {
		if v != i {
			t.Fatalf("not a permutation: %v", a)
		}
	}
	if slices.Equal(a, epochOrder(10, 7, 1)) || slices.Equal(a, epochOrder(10, 8, 0)) {
		t.Error("another epoch or seed gave the same order")
	}
}
