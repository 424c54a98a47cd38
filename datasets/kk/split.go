package kk

import (
	"slices"

	"github.com/r1lab/r1lab/datasets/splits"
)

// SplitConfig sets what BuildSplits generates. The defaults (DefaultSplits)
// are the paper's K&K data (research/paper.md §4.1): an SFT pool of 1,000
// easy puzzles (200 with 2 people, 800 with 3) split 90/10, RL training on
// 2,000 puzzles per level for 3–7 people, and a test set of 100 puzzles per
// level for 4–8 people (8 is never trained on).
type SplitConfig struct {
	// Seed seeds every level's sampler run (mem-kk-logic's 1234); puzzle i of
	// a level is rendered with formatter seed Seed+i. Default 1234.
	Seed uint64
	// Sizes sets the puzzles per level of each split and the shuffles; see
	// package splits for how index ranges are cut (test first, so test puzzles
	// are mem-kk's test rows 0..99). Default: test {4..8: 100}, train
	// {3..7: 2000}, SFT {2: 200, 3: 800}, validation fraction 0.1, shuffle seed 1234.
	splits.Sizes
	// NamePool draws names from the first NamePool of the 51 CommonNames
	// instead of all of them (see FormatPool): r1lab's toy-scale option.
	// Default 0: all names, the paper's data.
	NamePool int `json:",omitempty"`
}

// DefaultSplits returns the paper's split sizes.
func DefaultSplits() SplitConfig {
	return SplitConfig{Seed: 1234, Sizes: splits.Sizes{
		Test:           perLevel(4, 8, 100),
		Train:          perLevel(3, 7, 2000),
		SFT:            map[int]int{2: 200, 3: 800},
		SFTValFraction: 0.1,
		ShuffleSeed:    1234,
	}}
}

// perLevel maps every level from lo to hi to n.
func perLevel(lo, hi, n int) map[int]int {
	m := map[int]int{}
	for l := lo; l <= hi; l++ {
		m[l] = n
	}
	return m
}

// Validate checks c for values BuildSplits cannot honour.
func (c SplitConfig) Validate() error {
	if err := c.Sizes.Validate(CheckPeople); err != nil {
		return err
	}
	most := 0
	for _, m := range []map[int]int{c.Test, c.Train, c.SFT} {
		for l := range m {
			most = max(most, l)
		}
	}
	return CheckNamePool(c.NamePool, most)
}

// BuildSplits generates the puzzles of every split (see package splits for
// why they are disjoint). Levels never share puzzles (different numbers of
// people); within a level the sampler never repeats one. progress, if not
// nil, is called once per finished level.
func BuildSplits(c SplitConfig, progress func(level, puzzles int)) (*splits.Splits[Puzzle], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	gen := func(level, n int) ([]Puzzle, error) { return GeneratePool(c.Seed, level, n, c.NamePool), nil }
	return splits.Cut(c.Sizes, gen, Puzzle.StatementsRepr, progress)
}

// LevelCounts returns the number of puzzles per level, sorted by level.
func LevelCounts(ps []Puzzle) (levels, counts []int) {
	m := map[int]int{}
	for _, p := range ps {
		m[p.People()]++
	}
	for l := range m {
		levels = append(levels, l)
	}
	slices.Sort(levels)
	for _, l := range levels {
		counts = append(counts, m[l])
	}
	return levels, counts
}
