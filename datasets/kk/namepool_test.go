package kk

import (
	"slices"
	"testing"
)

// A name pool keeps the puzzles (statements, solutions) and draws names from
// the pool's first names only; pool 0 and the full pool are the paper's data.
func TestNamePool(t *testing.T) {
	full := Generate(1234, 4, 30)
	if zero := GeneratePool(1234, 4, 30, len(CommonNames)); !slices.EqualFunc(full, zero, func(a, b Puzzle) bool { return a.Quiz == b.Quiz }) {
		t.Error("the full pool changed the puzzles")
	}
	small := GeneratePool(1234, 4, 30, 5)
	seen := map[string]bool{}
	for i, p := range small {
		if p.StatementsRepr() != full[i].StatementsRepr() || !slices.Equal(p.Solution, full[i].Solution) {
			t.Fatalf("puzzle %d: the pool changed the statements or the solution", i)
		}
		for _, n := range p.Names {
			if !slices.Contains(CommonNames[:5], n) {
				t.Fatalf("puzzle %d uses %q, outside the pool of 5", i, n)
			}
			seen[n] = true
		}
	}
	if len(seen) != 5 {
		t.Errorf("30 puzzles of 4 people used %d of the 5 pooled names", len(seen))
	}
	for _, bad := range []struct{ pool, people int }{{3, 4}, {52, 4}} {
		if err := CheckNamePool(bad.pool, bad.people); err == nil {
			t.Errorf("CheckNamePool(%d, %d) accepted", bad.pool, bad.people)
		}
	}
	c := DefaultSplits()
	c.NamePool = 6
	if err := c.Validate(); err == nil {
		t.Error("a pool of 6 accepted for 8-person test puzzles")
	}
}
