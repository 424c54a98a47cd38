package arith

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestParseValues(t *testing.T) {
	for _, tc := range []struct {
		expr string
		want int64
	}{
		{"7", 7},
		{"2 + 3 * 4", 14},
		{"(2 + 3) * 4", 20},
		{"10 - 4 - 3", 3},      // left associative
		{"10 - (4 - 3)", 9},    // parentheses override
		{"48 / 4 / 2", 6},      // left associative
		{"48 / (4 / 2)", 24},   // parentheses override
		{"-5 + 3", -2},         // leading unary minus
		{"3 - (-5)", 8},        // parenthesised negative
		{"3 - -5", 8},          // bare double minus is still valid input
		{"-(2 + 3) * 4", -20},  // negation of a group
		{"-3 * -4", 12},        // unary binds tighter than *
		{"2 * (-6) / (-4)", 3}, // exact division of negatives
		{"  12\t*  3 ", 36},    // blanks and tabs
		{"007 + 1", 8},         // leading zeros are accepted
		{"((((1))))", 1},       // nested parentheses
		{"100000 - 99999 * 1", 1},
		{"9223372036854775807", math.MaxInt64},
		{"-9223372036854775807 - 1", math.MinInt64},
	} {
		got, err := Parse(tc.expr)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d", tc.expr, got, err, tc.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		expr  string
		kind  error
		pos   int
		token string
	}{
		{"", ErrSyntax, 0, ""},
		{"2 +", ErrSyntax, 3, ""},
		{"2 + x", ErrSyntax, 4, "x"},
		{"(2 + 3", ErrSyntax, 6, ""},
		{"2 + 3)", ErrSyntax, 5, ")"},
		{"2 3", ErrSyntax, 2, "3"},
		{"2 × 3", ErrSyntax, 2, "×"}, // only ASCII operators
		{"7 / 0", ErrDivByZero, 2, "/"},
		{"1 + 7 / (3 - 3)", ErrDivByZero, 6, "/"},
		{"7 / 2", ErrInexact, 2, "/"},
		{"99999999999999999999", ErrOverflow, 0, "99999999999999999999"},
		{"9223372036854775807 + 1", ErrOverflow, 20, "+"},
		{"-9223372036854775807 - 2", ErrOverflow, 21, "-"},
		{"4611686018427387904 * 2", ErrOverflow, 20, "*"},
		{"(-9223372036854775807 - 1) / -1", ErrOverflow, 27, "/"},
		{"-(-9223372036854775807 - 1)", ErrOverflow, 0, "-"},
		{strings.Repeat("(", maxDepth+1) + "1" + strings.Repeat(")", maxDepth+1), ErrTooDeep, maxDepth, "("},
	} {
		_, err := Parse(tc.expr)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q): error %v, want a *ParseError", tc.expr, err)
			continue
		}
		if !errors.Is(err, tc.kind) || pe.Pos != tc.pos || pe.Token != tc.token {
			t.Errorf("Parse(%q): got %v (pos %d, token %q); want %v at %d, token %q", tc.expr, err, pe.Pos, pe.Token, tc.kind, tc.pos, tc.token)
		}
		if !strings.Contains(err.Error(), "offset") {
			t.Errorf("Parse(%q): message %q does not give the offset", tc.expr, err)
		}
	}
}

// TestRender checks the minimal-parentheses rendering on hand-built trees.
func TestRender(t *testing.T) {
	lit := func(v int64) *node { return &node{op: opLeaf, val: v} }
	bin := func(op byte, l, r *node) *node { return &node{op: op, l: l, r: r} }
	for _, tc := range []struct {
		tree *node
		want string
	}{
		{bin('-', lit(9), bin('-', lit(4), lit(2))), "9 - (4 - 2)"},
		{bin('+', lit(9), bin('-', lit(4), lit(2))), "9 + 4 - 2"},
		{bin('-', bin('-', lit(9), lit(4)), lit(2)), "9 - 4 - 2"},
		{bin('*', bin('+', lit(1), lit(2)), lit(3)), "(1 + 2) * 3"},
		{bin('+', lit(1), bin('*', lit(2), lit(3))), "1 + 2 * 3"},
		{bin('*', lit(6), bin('/', lit(4), lit(2))), "6 * 4 / 2"},
		{bin('/', lit(8), bin('*', lit(2), lit(2))), "8 / (2 * 2)"},
		{bin('/', lit(8), bin('/', lit(4), lit(2))), "8 / (4 / 2)"},
		{bin('+', lit(-5), lit(3)), "-5 + 3"},
		{bin('*', lit(3), lit(-5)), "3 * (-5)"},
		{bin('-', lit(3), bin('*', lit(-5), lit(2))), "3 - (-5) * 2"},
		{bin('*', bin('+', lit(-5), lit(3)), lit(2)), "(-5 + 3) * 2"},
		{&node{op: opNeg, l: bin('+', lit(1), lit(2))}, "-(1 + 2)"},
		{bin('*', lit(2), &node{op: opNeg, l: bin('+', lit(1), lit(2))}), "2 * (-(1 + 2))"},
	} {
		if got := render(tc.tree, 0); got != tc.want {
			t.Errorf("render = %q, want %q", got, tc.want)
		}
	}
}

// FuzzParse checks that Parse never panics, that errors point inside the
// input, and that re-rendering a parsed expression keeps its value.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"1", "2 + 3 * 4", "-(2 + 3) / -5", "((1)", "7 / 0", "3 - (-5)", "9223372036854775807 * 2", "--1", "1 2", "(((", ")"} {
		f.Add(s)
	}
	for L := 1; L <= MaxLevel; L++ {
		ps, err := Generate(99, L, 5)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range ps {
			f.Add(p.Expr)
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		tree, err := parseTree(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Pos < 0 || pe.Pos > len(s) {
				t.Fatalf("Parse(%q): bad error %v", s, err)
			}
			return
		}
		v, err := Parse(s)
		if err != nil || v != tree.val {
			t.Fatalf("Parse(%q) = %d, %v; tree says %d", s, v, err, tree.val)
		}
		r := render(tree, 0)
		v2, err := Parse(r)
		if errors.Is(err, ErrOverflow) {
			return // re-association ("a + (b + c)" → "a + b + c") may overflow an intermediate
		}
		if err != nil || v2 != v {
			t.Fatalf("Parse(%q) = %d but its rendering %q gives %d, %v", s, v, r, v2, err)
		}
	})
}
