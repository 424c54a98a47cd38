package kk

import (
	"strings"
	"testing"
)

// TestAnswerDrills: drills come level by level, share no statements with any
// split, cycle over a level's statement sets with new names each time, end
// in the boxed answer alone, and are the same for the same seed.
func TestAnswerDrills(t *testing.T) {
	sc := smallSplits()
	sc.SFT = map[int]int{2: 100, 3: 30}
	s, err := BuildSplits(sc, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := AnswerDrillConfig{Levels: map[int]int{3: 40, 2: 500}, Seed: DefaultDrillSeed}
	drills, err := AnswerDrills(c, s, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(drills) != 540 || drills[0].People() != 2 || drills[499].People() != 2 || drills[500].People() != 3 {
		t.Fatalf("%d drills, people %d, %d, %d; want 500 of 2 then 40 of 3", len(drills), drills[0].People(), drills[499].People(), drills[500].People())
	}
	taken := map[string]bool{}
	for _, p := range s.All() {
		taken[p.StatementsRepr()] = true
	}
	sets := map[string]int{}
	for _, d := range drills {
		if taken[d.StatementsRepr()] {
			t.Fatalf("drill %d shares its statements with a split puzzle: %s", d.Index, d.StatementsRepr())
		}
		sets[d.StatementsRepr()]++
	}
	twos := len(sets) - 40 // the 3-person sets are all distinct
	if twos != TwoPeoplePuzzles-100 {
		t.Errorf("%d distinct 2-person statement sets; want the 299 that the SFT pool's 100 leave", twos)
	}
	if a, b := drills[0], drills[twos]; a.StatementsRepr() != b.StatementsRepr() || a.Quiz == b.Quiz {
		t.Errorf("drills 0 and %d: want the same statements under other names:\n%s\n%s", twos, a.Quiz, b.Quiz)
	}
	if r := drills[7].AnswerOnlyResponse(); r != "\nThe final answer is: \\boxed{"+drills[7].GroundTruth()+"}.<|endoftext|>" {
		t.Errorf("answer-only response %q", r)
	}
	again, err := AnswerDrills(c, s, 0)
	if err != nil || len(again) != len(drills) || again[123].Quiz != drills[123].Quiz {
		t.Errorf("a second call differs: %v", err)
	}
}

func TestAnswerDrillsErrors(t *testing.T) {
	for _, tc := range []struct {
		c    AnswerDrillConfig
		want string
	}{
		{AnswerDrillConfig{Levels: map[int]int{1: 10}}, "people"},
		{AnswerDrillConfig{Levels: map[int]int{3: 0}}, "0 drills of 3 people"},
	} {
		if _, err := AnswerDrills(tc.c, nil, 0); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: error %v, want one containing %q", tc.c, err, tc.want)
		}
	}
	// Every 2-person puzzle in the test split: nothing is left to drill on.
	s, err := BuildSplits(SplitConfig{Seed: 1234, Sizes: smallSplits().Sizes}, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Test = Generate(DefaultDrillSeed+2, 2, TwoPeoplePuzzles)
	if _, err := AnswerDrills(AnswerDrillConfig{Levels: map[int]int{2: 5}, Seed: DefaultDrillSeed}, s, 0); err == nil ||
		!strings.Contains(err.Error(), "every 2-person statement set") {
		t.Errorf("no 2-person set left: error %v", err)
	}
}
