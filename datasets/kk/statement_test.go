package kk

import (
	"slices"
	"testing"
)

// Shorthands for hand-written trees.
func tt(p int) Statement                { return Statement{Op: TellingTruth, Person: p} }
func ly(p int) Statement                { return Statement{Op: Lying, Person: p} }
func not(a Statement) Statement         { return Statement{Op: Not, Args: []Statement{a}} }
func op(o Op, a ...Statement) Statement { return Statement{Op: o, Args: a} }

func TestSolve(t *testing.T) {
	T, F := true, false
	tests := []struct {
		name  string
		stmts []Statement
		want  [][]bool
	}{
		// mem-kk's own unit test.
		{"lib example", []Statement{ly(1), op(And, tt(0), tt(1))}, [][]bool{{T, F}}},
		// Everyone may claim to be a knight: all four assignments, in
		// itertools.product([True, False]) order (last person fastest).
		{"all self-knights", []Statement{tt(0), tt(1)}, [][]bool{{T, T}, {T, F}, {F, T}, {F, F}}},
		// "I am not a knight" is a paradox.
		{"paradox", []Statement{not(tt(0)), tt(1)}, nil},
		// A says B is a knave; B says A and B are the same kind. Only A knight,
		// B knave works: B's claim is then false, as a knave's must be.
		{"iff", []Statement{ly(1), op(Iff, tt(0), tt(1))}, [][]bool{{T, F}}},
		// A: "If I am a knight then B is a knave" forces A to be a knight (a
		// knave would make the implication true) and B a knave; B's "A is a
		// knave or I am a knight" is then false, as it must be.
		{"implies/or", []Statement{op(Implies, tt(0), ly(1)), op(Or, ly(0), tt(1))}, [][]bool{{T, F}}},
		// Same A, but B's "A is a knight or I am a knight" would be true from
		// a knave: no solution.
		{"implies/or none", []Statement{op(Implies, tt(0), ly(1)), op(Or, tt(0), tt(1))}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Solve(tc.stmts)
			if !slices.EqualFunc(got, tc.want, slices.Equal[[]bool]) {
				t.Fatalf("Solve = %v, want %v", got, tc.want)
			}
			if c := CountSolutions(tc.stmts, 10); c != len(tc.want) {
				t.Errorf("CountSolutions = %d, want %d", c, len(tc.want))
			}
			for _, sol := range tc.want {
				if !Consistent(tc.stmts, sol) {
					t.Errorf("Consistent(%v) = false for a solution", sol)
				}
			}
		})
	}
}

func TestCountSolutionsStopsAtLimit(t *testing.T) {
	stmts := []Statement{tt(0), tt(1), tt(2)} // 8 solutions
	if got := CountSolutions(stmts, 1); got != 2 {
		t.Errorf("CountSolutions(limit 1) = %d, want 2 (stop once over the limit)", got)
	}
}

func TestConsistent(t *testing.T) {
	stmts := []Statement{ly(1), op(And, tt(0), tt(1))}
	tests := []struct {
		assign []bool
		want   bool
	}{
		{[]bool{true, false}, true},  // A truthfully calls B a knave; B's "and" is false
		{[]bool{true, true}, false},  // A, a knight, would lie
		{[]bool{false, true}, false}, // B, a knight, claims A is a knight
		{[]bool{false, false}, false},
	}
	for _, tc := range tests {
		if got := Consistent(stmts, tc.assign); got != tc.want {
			t.Errorf("Consistent(%v) = %v, want %v", tc.assign, got, tc.want)
		}
	}
}

func TestRepr(t *testing.T) {
	tests := []struct {
		st   Statement
		want string
	}{
		{tt(3), "('telling-truth', 3)"},
		{ly(0), "('lying', 0)"},
		{not(tt(1)), "('not', ('telling-truth', 1))"},
		{op(Iff, tt(1), ly(0)), "('<=>', ('telling-truth', 1), ('lying', 0))"},
		{op(Implies, ly(2), tt(0)), "('->', ('lying', 2), ('telling-truth', 0))"},
		{op(Or, tt(0), tt(1)), "('or', ('telling-truth', 0), ('telling-truth', 1))"},
	}
	for _, tc := range tests {
		if got := tc.st.Repr(); got != tc.want {
			t.Errorf("Repr = %s, want %s", got, tc.want)
		}
	}
	all := ReprAll([]Statement{not(tt(1)), op(Iff, tt(1), ly(0))})
	if want := "(('not', ('telling-truth', 1)), ('<=>', ('telling-truth', 1), ('lying', 0)))"; all != want {
		t.Errorf("ReprAll = %s, want %s", all, want)
	}
}

func TestContent(t *testing.T) {
	names := []string{"Zoey", "Oliver"}
	tests := []struct {
		st   Statement
		want string
	}{
		{tt(0), "Zoey is a knight"},
		{ly(1), "Oliver is a knave"},
		{not(tt(1)), "Oliver is not a knight"},
		{not(ly(0)), "Zoey is not a knave"},
		{op(And, tt(0), ly(1)), "Zoey is a knight and Oliver is a knave"},
		{op(Or, ly(0), tt(1)), "Zoey is a knave or Oliver is a knight"},
		{op(Implies, tt(0), ly(1)), "If Zoey is a knight then Oliver is a knave"},
		{op(Iff, tt(1), ly(0)), "Oliver is a knight if and only if Zoey is a knave"},
	}
	for _, tc := range tests {
		if got := tc.st.Content(names); got != tc.want {
			t.Errorf("Content(%s) = %q, want %q", tc.st.Repr(), got, tc.want)
		}
	}
}
