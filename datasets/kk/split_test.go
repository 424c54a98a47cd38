package kk

import (
	"strings"
	"testing"
)

// smallSplits is a reduced configuration with the paper's structure.
func smallSplits() SplitConfig {
	c := DefaultSplits()
	c.Test = perLevel(4, 8, 10)
	c.Train = perLevel(3, 7, 40)
	c.SFT = map[int]int{2: 20, 3: 30}
	return c
}

func TestBuildSplitsSizesAndDisjointness(t *testing.T) {
	s, err := BuildSplits(smallSplits(), nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, ps []Puzzle, want map[int]int) {
		t.Helper()
		levels, counts := LevelCounts(ps)
		got := map[int]int{}
		for i, l := range levels {
			got[l] = counts[i]
		}
		for l, n := range want {
			if got[l] != n {
				t.Errorf("%s: level %d has %d puzzles, want %d", name, l, got[l], n)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s: levels %v, want %v", name, got, want)
		}
	}
	check("test", s.Test, perLevel(4, 8, 10))
	check("train", s.Train, perLevel(3, 7, 40))
	check("sft", append(append([]Puzzle(nil), s.SFTTrain...), s.SFTVal...), map[int]int{2: 20, 3: 30})
	if len(s.SFTVal) != 5 || len(s.SFTTrain) != 45 {
		t.Errorf("SFT split %d/%d, want 45/5", len(s.SFTTrain), len(s.SFTVal))
	}
	// Test puzzles are mem-kk's test rows: indices 0..9 of each level's run.
	for _, p := range s.Test {
		if p.Index >= 10 {
			t.Errorf("test puzzle with index %d, want < 10", p.Index)
		}
	}
	// No two splits share a puzzle (by statements, within a level).
	seen := map[string]string{}
	for name, ps := range map[string][]Puzzle{"test": s.Test, "train": s.Train, "sftT": s.SFTTrain, "sftV": s.SFTVal} {
		for _, p := range ps {
			k := p.StatementsRepr()
			if other, ok := seen[k]; ok {
				t.Fatalf("puzzle %s in %s and %s", k, other, name)
			}
			seen[k] = name
		}
	}
	// The training rows are shuffled: levels are interleaved, not in blocks.
	if s.Train[0].People() == s.Train[1].People() && s.Train[1].People() == s.Train[2].People() &&
		s.Train[2].People() == s.Train[3].People() && s.Train[3].People() == s.Train[4].People() {
		t.Errorf("first five training puzzles share a level: not shuffled?")
	}
}

func TestBuildSplitsStableAndDeterministic(t *testing.T) {
	a, err := BuildSplits(smallSplits(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := BuildSplits(smallSplits(), nil)
	for i := range a.Train {
		if a.Train[i].Quiz != b.Train[i].Quiz {
			t.Fatalf("train row %d differs between two identical builds", i)
		}
	}
	// Growing the SFT pool (cut last) leaves the test and train puzzles unchanged.
	bigger := smallSplits()
	bigger.SFT[3] = 60
	c, err := BuildSplits(bigger, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a.Test {
		if a.Test[i].Quiz != c.Test[i].Quiz {
			t.Fatalf("test row %d changed when the SFT pool grew", i)
		}
	}
	for i := range a.Train {
		if a.Train[i].Quiz != c.Train[i].Quiz {
			t.Fatalf("train row %d changed when the SFT pool grew", i)
		}
	}
}

func TestBuildSplitsErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*SplitConfig)
		want string
	}{
		{"too many 2-person puzzles", func(c *SplitConfig) { c.SFT = map[int]int{2: 500} }, "only 399 distinct"},
		{"level 1", func(c *SplitConfig) { c.Test = map[int]int{1: 5} }, "1 people"},
		{"negative", func(c *SplitConfig) { c.Train = map[int]int{3: -1} }, "negative count"},
		{"val fraction", func(c *SplitConfig) { c.SFTValFraction = 1 }, "fraction"},
	} {
		c := smallSplits()
		tc.edit(&c)
		_, err := BuildSplits(c, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
