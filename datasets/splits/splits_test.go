package splits

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// item is a fake generated item: its level and index in the level's run.
type item struct{ level, index int }

func key(it item) string { return fmt.Sprintf("%d/%d", it.level, it.index) }

func gen(level, n int) ([]item, error) {
	out := make([]item, n)
	for i := range out {
		out[i] = item{level, i}
	}
	return out, nil
}

func sizes() Sizes {
	return Sizes{
		Test:           map[int]int{4: 3, 5: 3},
		Train:          map[int]int{3: 10, 4: 10},
		SFT:            map[int]int{2: 6, 3: 4},
		SFTValFraction: 0.2,
		ShuffleSeed:    1,
	}
}

func TestCutIndexRanges(t *testing.T) {
	s, err := Cut(sizes(), gen, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Test takes each level's first indices, train the next, the SFT pool the last.
	for _, it := range s.Test {
		if it.index >= 3 {
			t.Errorf("test item %v: index ≥ 3", it)
		}
	}
	for _, it := range s.Train {
		if lo := sizes().Test[it.level]; it.index < lo || it.index >= lo+10 {
			t.Errorf("train item %v outside [%d, %d)", it, lo, lo+10)
		}
	}
	pool := append(append([]item(nil), s.SFTTrain...), s.SFTVal...)
	for _, it := range pool {
		lo := sizes().Test[it.level] + sizes().Train[it.level]
		if it.index < lo {
			t.Errorf("SFT item %v below %d", it, lo)
		}
	}
	if len(s.Test) != 6 || len(s.Train) != 20 || len(pool) != 10 || len(s.SFTVal) != 2 {
		t.Errorf("sizes: test %d train %d pool %d val %d", len(s.Test), len(s.Train), len(pool), len(s.SFTVal))
	}
	// Training rows are shuffled (not in generation order) but hold the same items.
	sorted := slices.Clone(s.Train)
	slices.SortFunc(sorted, func(a, b item) int { return strings.Compare(key(a), key(b)) })
	if slices.Equal(sorted, s.Train) {
		t.Error("training items are in generation order: not shuffled")
	}
}

func TestCutDeterministicAndStable(t *testing.T) {
	a, _ := Cut(sizes(), gen, key, nil)
	b, _ := Cut(sizes(), gen, key, nil)
	if !slices.Equal(a.Train, b.Train) || !slices.Equal(a.SFTVal, b.SFTVal) {
		t.Error("two identical cuts differ")
	}
	bigger := sizes()
	bigger.SFT = map[int]int{2: 6, 3: 40}
	c, _ := Cut(bigger, gen, key, nil)
	if !slices.Equal(a.Train, c.Train) || !slices.Equal(a.Test, c.Test) {
		t.Error("growing the SFT pool changed the test or train split")
	}
	other := sizes()
	other.ShuffleSeed = 2
	d, _ := Cut(other, gen, key, nil)
	if slices.Equal(a.Train, d.Train) {
		t.Error("another shuffle seed gave the same training order")
	}
}

func TestCutErrors(t *testing.T) {
	short := func(level, n int) ([]item, error) { items, _ := gen(level, n); return items[:n-1], nil }
	if _, err := Cut(sizes(), short, key, nil); err == nil || !strings.Contains(err.Error(), "only") {
		t.Errorf("short generator: %v", err)
	}
	boom := errors.New("boom")
	failing := func(level, n int) ([]item, error) { return nil, boom }
	if _, err := Cut(sizes(), failing, key, nil); !errors.Is(err, boom) || !strings.Contains(err.Error(), "level") {
		t.Errorf("failing generator: %v", err)
	}
	// Items whose keys an earlier split already holds are left out and counted.
	byIndex := func(it item) string { return fmt.Sprint(it.index) } // levels collide
	s, err := Cut(sizes(), gen, byIndex, nil)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, part := range [][]item{s.Test, s.Train, s.SFTTrain, s.SFTVal} {
		for _, it := range part {
			if seen[byIndex(it)] {
				t.Fatalf("key %s kept twice", byIndex(it))
			}
			seen[byIndex(it)] = true
		}
	}
	// Test: levels 4 and 5 both give indices 0..2, so 3 are dropped; train:
	// level 3 gives 0..9 (3 of them seen in test), level 4 gives 3..12 (all
	// seen except 10..12); SFT: level 2 gives 0..5 (seen), level 3 10..13
	// (10..12 seen).
	if want := 3 + (3 + 7) + (6 + 3); s.Duplicates != want {
		t.Errorf("Duplicates = %d, want %d", s.Duplicates, want)
	}
	bad := sizes()
	bad.SFTValFraction = 1.5
	if err := bad.Validate(func(int) error { return nil }); err == nil {
		t.Error("validation fraction 1.5 accepted")
	}
	if err := sizes().Validate(func(l int) error {
		if l == 2 {
			return errors.New("no level 2")
		}
		return nil
	}); err == nil || !strings.Contains(err.Error(), "no level 2") {
		t.Errorf("level check: %v", err)
	}
}
