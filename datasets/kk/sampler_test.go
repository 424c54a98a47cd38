package kk

import (
	"testing"
)

// Only 399 distinct uniquely solvable 2-person puzzles exist (kk.md §1.2):
// asking for more returns them all, after silently giving up on the rest.
func TestSampleValidTwoPeopleCap(t *testing.T) {
	got := NewSampler(1234, 2).SampleValid(402)
	if len(got) != 399 {
		t.Fatalf("SampleValid(402) at 2 people returned %d puzzles, want 399", len(got))
	}
	seen := map[string]bool{}
	for i, stmts := range got {
		r := ReprAll(stmts)
		if seen[r] {
			t.Fatalf("puzzle %d %s repeated", i, r)
		}
		seen[r] = true
		if c := CountSolutions(stmts, 1); c != 1 {
			t.Fatalf("puzzle %d %s has %d solutions", i, r, c)
		}
	}
}

// Runs are sequential: a shorter run is a prefix of a longer one.
func TestSampleValidPrefix(t *testing.T) {
	short := NewSampler(7, 4).SampleValid(20)
	long := NewSampler(7, 4).SampleValid(40)
	for i := range short {
		if ReprAll(short[i]) != ReprAll(long[i]) {
			t.Fatalf("puzzle %d differs between runs of 20 and 40", i)
		}
	}
}

// The sampler never draws "I am a knave" and always gives operators distinct
// leaf operands, for any seed.
func TestSampleGrammar(t *testing.T) {
	s := NewSampler(5, 4)
	for range 500 {
		stmts := s.Sample()
		for pid, st := range stmts {
			if err := validateTop(st, 4); err != nil {
				t.Fatalf("%s: %v", st.Repr(), err)
			}
			check := []Statement{st}
			if !st.IsLeaf() {
				check = st.Args
			}
			for _, l := range check {
				if l.Op == Lying && l.Person == pid {
					t.Fatalf("person %d says %s", pid, st.Repr())
				}
			}
			if len(st.Args) == 2 && st.Args[0].Equal(st.Args[1]) {
				t.Fatalf("repeated operand in %s", st.Repr())
			}
		}
	}
}

func TestCheckPeople(t *testing.T) {
	for _, tc := range []struct {
		n  int
		ok bool
	}{{1, false}, {2, true}, {8, true}, {MaxPeople, true}, {MaxPeople + 1, false}, {-3, false}} {
		if err := CheckPeople(tc.n); (err == nil) != tc.ok {
			t.Errorf("CheckPeople(%d) = %v, want ok=%v", tc.n, err, tc.ok)
		}
	}
}
