package kk

import (
	"fmt"
	"maps"
	"slices"

	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/splits"
)

// AnswerDrillConfig sets the answer drills of a data directory: puzzles
// outside every split whose SFT response is the boxed answer alone
// (AnswerOnlyStyle), r1lab's toy-scale mid-training set. Not in the paper:
// its base model has seen far more text than a toy corpus holds, and a
// model of a quarter million parameters pre-trained on a mixed corpus, where
// a role is one token in a few hundred, answers K&K with guessed roles. SFT
// on answer-only episodes, where the roles are most of the loss, teaches it
// to get them right (README: "Where the toy experiment stands").
type AnswerDrillConfig struct {
	// Levels is the number of drills per number of people (e.g. {2: 8000,
	// 3: 8000}). There are only 399 distinct 2-person puzzles, fewer once the
	// splits' are left out, so a level cycles over its statement sets,
	// naming and phrasing each anew every time.
	Levels map[int]int `json:"levels"`
	// Seed seeds level n's sampler with Seed+n and drill k's formatter with
	// Seed·1,000,003 + k, apart from the splits' seeds. Default 777.
	Seed uint64 `json:"seed"`
}

// DefaultDrillSeed is AnswerDrillConfig.Seed's default.
const DefaultDrillSeed = 777

// TwoPeoplePuzzles is the number of distinct uniquely solvable 2-person
// puzzles (research/kk.md §2): a sampler asked for more retries in vain.
const TwoPeoplePuzzles = 399

// Validate checks the levels and the counts.
func (c AnswerDrillConfig) Validate() error {
	for _, n := range slices.Sorted(maps.Keys(c.Levels)) {
		if err := CheckPeople(n); err != nil {
			return fmt.Errorf("kk: answer drills: %w", err)
		}
		if c.Levels[n] < 1 {
			return fmt.Errorf("kk: answer drills: %d drills of %d people: want at least 1", c.Levels[n], n)
		}
	}
	return nil
}

// AnswerDrills returns c's drills, level by level (fewest people first):
// for each level the sampler's distinct statement sets (as many as drills,
// at most TwoPeoplePuzzles for 2 people), without those of any puzzle of s,
// then drill k of the level on statement set k mod their number, named from
// the first namePool names (0: all). It is an error when a level has no
// statement set left.
func AnswerDrills(c AnswerDrillConfig, s *splits.Splits[Puzzle], namePool int) ([]Puzzle, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	taken := map[string]bool{}
	if s != nil {
		for _, p := range s.All() {
			taken[p.StatementsRepr()] = true
		}
	}
	var out []Puzzle
	for _, n := range slices.Sorted(maps.Keys(c.Levels)) {
		want := c.Levels[n]
		if n == 2 {
			want = min(want, TwoPeoplePuzzles)
		}
		var sets [][]Statement
		for _, st := range NewSampler(c.Seed+uint64(n), n).SampleValid(want) {
			if !taken[ReprAll(st)] {
				sets = append(sets, st)
			}
		}
		if len(sets) == 0 {
			return nil, fmt.Errorf("kk: answer drills: every %d-person statement set the sampler drew is in a split", n)
		}
		for k := range c.Levels[n] {
			st := sets[k%len(sets)]
			out = append(out, format(k, c.Seed*1_000_003+uint64(k), st, Solve(st)[0], namePool))
		}
	}
	return out, nil
}

// AnswerOnlyResponse is an answer drill's SFT response: a newline, the
// short-CoT set's answer line and the end-of-text marker, with no reasoning.
func (p Puzzle) AnswerOnlyResponse() string {
	return "\nThe final answer is: \\boxed{" + p.GroundTruth() + "}." + prompt.EndOfText
}
