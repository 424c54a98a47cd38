package nprand

import (
	"fmt"
	"slices"
	"testing"
)

// Test vectors from research/kk.md §2, produced by numpy itself or by the
// Python re-implementation verified against the public data.

func TestSeedSequenceGenerateState(t *testing.T) {
	got := NewSeedSequence(1234).GenerateState(4)
	want := []uint64{0x5f83044cad3f26a6, 0xa0d9b3700cea3a6f, 0xa8647d8b1e3e7527, 0x687a8e7300372192}
	if !slices.Equal(got, want) {
		t.Fatalf("SeedSequence(1234).generate_state(4, u64) = %x, want %x", got, want)
	}
}

func TestPCG64Seeding(t *testing.T) {
	sh, sl, ih, il := NewPCG64(NewSeedSequence(1234)).State()
	if got, want := fmt.Sprintf("%016x%016x", sh, sl), "160ad84006fe21eaf69b873d9fe45409"; got != want {
		t.Errorf("state = %s, want %s", got, want)
	}
	if got, want := fmt.Sprintf("%016x%016x", ih, il), "50c8fb163c7cea4ed0f51ce6006e4325"; got != want {
		t.Errorf("inc = %s, want %s", got, want)
	}
}

func TestNext64(t *testing.T) {
	g := New(1234)
	for i, want := range []uint64{0xfa08fef3fab6bbba, 0x615481f7fce9ac81, 0xec59dd7c2bde3cb4} {
		if got := g.Next64(); got != want {
			t.Fatalf("draw %d: Next64 = %016x, want %016x", i, got, want)
		}
	}
}

func TestNext32(t *testing.T) {
	g := New(0)
	want := []uint32{0xd9c2825f, 0xa30febcf, 0x82d9d721, 0x4510bdf8}
	for i, w := range want {
		if got := g.Next32(); got != w {
			t.Fatalf("draw %d: Next32 = %08x, want %08x", i, got, w)
		}
	}
	// The halves come from 64-bit draws, low half first.
	h := New(0)
	for i := 0; i < 2; i++ {
		x := h.Next64()
		if uint32(x) != want[2*i] || uint32(x>>32) != want[2*i+1] {
			t.Fatalf("Next64 #%d = %016x does not split into %08x, %08x", i, x, want[2*i], want[2*i+1])
		}
	}
}

func TestIntegers(t *testing.T) {
	tests := []struct {
		seed      uint64
		low, high int64
		want      []int64
	}{
		{1234, 0, 6, []int64{5, 5, 5, 2, 1, 5, 0, 1, 0, 1, 3, 0}},
		{42, 0, 10, []int64{0, 7, 6, 4, 4, 8, 0, 6}},
	}
	for _, tc := range tests {
		g := New(tc.seed)
		got := make([]int64, len(tc.want))
		for i := range got {
			got[i] = g.Integers(tc.low, tc.high)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("default_rng(%d).integers(%d, %d) = %v, want %v", tc.seed, tc.low, tc.high, got, tc.want)
		}
	}
}

// A one-value range must not consume randomness: the sampler relies on it
// for integers(2, width+1) with width 2.
func TestIntegersSingleValueDrawsNothing(t *testing.T) {
	g, ref := New(1234), New(1234)
	for i := 0; i < 5; i++ {
		if v := g.Integers(7, 8); v != 7 {
			t.Fatalf("Integers(7, 8) = %d, want 7", v)
		}
		if a, b := g.Integers(0, 6), ref.Integers(0, 6); a != b {
			t.Fatalf("stream shifted after Integers(7, 8): %d != %d", a, b)
		}
	}
}

func TestIntegersRangeAndOffset(t *testing.T) {
	tests := []struct{ low, high int64 }{
		{-3, 4}, {1 << 40, 1<<40 + 3}, {0, 1 << 33}, {-1 << 62, 1 << 62}, {-1 << 63, 1<<63 - 1},
	}
	for _, tc := range tests {
		g := New(7)
		for i := 0; i < 200; i++ {
			if v := g.Integers(tc.low, tc.high); v < tc.low || v >= tc.high {
				t.Fatalf("Integers(%d, %d) = %d out of range", tc.low, tc.high, v)
			}
		}
	}
}

func TestChoice(t *testing.T) {
	g, ref := New(1234), New(1234)
	for i := 0; i < 10; i++ {
		if a, b := g.Choice(6), int(ref.Integers(0, 6)); a != b {
			t.Fatalf("Choice(6) = %d, want integers(0, 6) = %d", a, b)
		}
	}
}

func TestChoiceNoReplace(t *testing.T) {
	// Indices into mem-kk's 51 COMMON_NAMES: Penelope David Zoey, and
	// Henry Isabella William Elizabeth Mason.
	tests := []struct {
		seed   uint64
		pop, k int
		want   []int
	}{
		{1234, 51, 3, []int{50, 47, 48}},
		{1235, 51, 5, []int{17, 8, 9, 24, 7}},
	}
	for _, tc := range tests {
		if got := New(tc.seed).ChoiceNoReplace(tc.pop, tc.k); !slices.Equal(got, tc.want) {
			t.Errorf("default_rng(%d).choice(%d, %d, replace=False) = %v, want %v", tc.seed, tc.pop, tc.k, got, tc.want)
		}
	}
}

func TestChoiceNoReplaceIsPermutationSample(t *testing.T) {
	for _, tc := range []struct{ pop, k int }{{1, 1}, {5, 5}, {51, 10}, {51, 51}, {10000, 300}, {20000, 400}} {
		got := New(uint64(tc.pop*100+tc.k)).ChoiceNoReplace(tc.pop, tc.k)
		if len(got) != tc.k {
			t.Fatalf("ChoiceNoReplace(%d, %d) returned %d values", tc.pop, tc.k, len(got))
		}
		seen := map[int]bool{}
		for _, v := range got {
			if v < 0 || v >= tc.pop || seen[v] {
				t.Fatalf("ChoiceNoReplace(%d, %d) = %v: value %d out of range or repeated", tc.pop, tc.k, got, v)
			}
			seen[v] = true
		}
	}
}

func TestShuffle(t *testing.T) {
	// default_rng(0)'s 32-bit stream is 0xd9c2825f 0xa30febcf 0x82d9d721 …
	// For n=4, random_interval gives: i=3, mask 3: 0x5f&3 = 3 → swap(3,3);
	// i=2, mask 3: 0xcf&3 = 3 > 2 rejected, 0x21&3 = 1 → swap(2,1);
	// i=1, mask 1: 0xf8&1 = 0 → swap(1,0).
	var swaps [][2]int
	New(0).Shuffle(4, func(i, j int) { swaps = append(swaps, [2]int{i, j}) })
	want := [][2]int{{3, 3}, {2, 1}, {1, 0}}
	if !slices.Equal(swaps, want) {
		t.Fatalf("Shuffle(4) swaps = %v, want %v", swaps, want)
	}
}

func TestPanicsOnBadArguments(t *testing.T) {
	tests := []struct {
		name string
		call func(g *Generator)
	}{
		{"Integers empty range", func(g *Generator) { g.Integers(3, 3) }},
		{"Choice empty", func(g *Generator) { g.Choice(0) }},
		{"ChoiceNoReplace k>pop", func(g *Generator) { g.ChoiceNoReplace(3, 4) }},
		{"ChoiceNoReplace big", func(g *Generator) { g.ChoiceNoReplace(20000, 1000) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("%s did not panic", tc.name)
				}
			}()
			tc.call(New(1))
		})
	}
}
