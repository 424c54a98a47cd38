package kk

import (
	"fmt"
	"strconv"
	"strings"
)

// Op is the kind of node in a statement tree. The string values are the ones
// mem-kk-logic uses in its tuple trees, so Statement.Repr reproduces Python's
// repr of the original data byte for byte.
type Op string

// The statement operators of the K&K grammar (kk.md §1.1).
const (
	TellingTruth Op = "telling-truth" // leaf: "P is a knight"
	Lying        Op = "lying"         // leaf: "P is a knave"
	Not          Op = "not"           // unary negation of a leaf
	And          Op = "and"           // conjunction of two distinct leaves
	Or           Op = "or"            // disjunction of two distinct leaves
	Implies      Op = "->"            // "If A then B"
	Iff          Op = "<=>"           // "A if and only if B"
)

// Statement is one node of a statement tree: a leaf naming a person, or an
// operator over sub-statements. In generated data operators only ever have
// leaves as operands (depth ≤ 2).
type Statement struct {
	Op     Op          // the node's operator
	Person int         // the person a leaf is about (leaves only)
	Args   []Statement // operands (operators only)
}

// IsLeaf tells whether s is a leaf ("P is a knight" or "P is a knave").
func (s Statement) IsLeaf() bool { return s.Op == TellingTruth || s.Op == Lying }

// Eval evaluates s under an assignment, where assign[i] is true iff person i
// is a knight.
func (s Statement) Eval(assign []bool) bool {
	switch s.Op {
	case TellingTruth:
		return assign[s.Person]
	case Lying:
		return !assign[s.Person]
	case Not:
		return !s.Args[0].Eval(assign)
	case And:
		for _, a := range s.Args {
			if !a.Eval(assign) {
				return false
			}
		}
		return true
	case Or:
		for _, a := range s.Args {
			if a.Eval(assign) {
				return true
			}
		}
		return false
	case Implies:
		return !s.Args[0].Eval(assign) || s.Args[1].Eval(assign)
	case Iff:
		return s.Args[0].Eval(assign) == s.Args[1].Eval(assign)
	}
	panic(fmt.Sprintf("kk: unknown statement operator %q", s.Op))
}

// Equal tells whether two statement trees are identical (operand order counts).
func (s Statement) Equal(o Statement) bool {
	if s.Op != o.Op || s.Person != o.Person || len(s.Args) != len(o.Args) {
		return false
	}
	for i := range s.Args {
		if !s.Args[i].Equal(o.Args[i]) {
			return false
		}
	}
	return true
}

// Mentions appends to dst the people s talks about, in first-mention order,
// without duplicates.
func (s Statement) Mentions(dst []int) []int {
	if s.IsLeaf() {
		for _, p := range dst {
			if p == s.Person {
				return dst
			}
		}
		return append(dst, s.Person)
	}
	for _, a := range s.Args {
		dst = a.Mentions(dst)
	}
	return dst
}

// Repr renders s exactly as Python's repr of mem-kk-logic's tuple tree, e.g.
// "('not', ('telling-truth', 1))".
func (s Statement) Repr() string {
	var b strings.Builder
	s.repr(&b)
	return b.String()
}

func (s Statement) repr(b *strings.Builder) {
	b.WriteString("('")
	b.WriteString(string(s.Op))
	b.WriteString("', ")
	if s.IsLeaf() {
		b.WriteString(strconv.Itoa(s.Person))
	} else {
		for i, a := range s.Args {
			if i > 0 {
				b.WriteString(", ")
			}
			a.repr(b)
		}
	}
	b.WriteByte(')')
}

// ReprAll renders a whole puzzle's statements as Python's repr of the tuple
// of trees: "(" + each Repr joined by ", " + ")".
func ReprAll(stmts []Statement) string {
	parts := make([]string, len(stmts))
	for i, s := range stmts {
		parts[i] = s.Repr()
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// Content renders s as the English clause the formatter puts inside a
// template, without a final period: "Zoey is a knight", "If A is a knave then
// B is a knight", "A is not a knight", ... (kk.md §3).
func (s Statement) Content(names []string) string {
	switch s.Op {
	case TellingTruth:
		return names[s.Person] + " is a knight"
	case Lying:
		return names[s.Person] + " is a knave"
	case Not:
		leaf := s.Args[0]
		if leaf.Op == TellingTruth {
			return names[leaf.Person] + " is not a knight"
		}
		return names[leaf.Person] + " is not a knave"
	case And, Or:
		parts := make([]string, len(s.Args))
		for i, a := range s.Args {
			parts[i] = a.Content(names)
		}
		return strings.Join(parts, " "+string(s.Op)+" ")
	case Implies:
		return "If " + s.Args[0].Content(names) + " then " + s.Args[1].Content(names)
	case Iff:
		return s.Args[0].Content(names) + " if and only if " + s.Args[1].Content(names)
	}
	panic(fmt.Sprintf("kk: unknown statement operator %q", s.Op))
}

// Consistent tells whether an assignment is a solution of the puzzle:
// every knight's statement is true and every knave's statement is false.
func Consistent(stmts []Statement, assign []bool) bool {
	for i, s := range stmts {
		if s.Eval(assign) != assign[i] {
			return false
		}
	}
	return true
}

// Solve returns every solution of the puzzle by brute force, in the order
// itertools.product([True, False], repeat=n) enumerates assignments (all
// knights first, the last person flipping fastest). n ≤ 20 is practical; the
// data never goes past 10.
func Solve(stmts []Statement) [][]bool {
	n := len(stmts)
	var sols [][]bool
	assign := make([]bool, n)
	for code := 0; code < 1<<n; code++ {
		// Bit (n-1-i) of code set means person i is a knave, so code 0 is all
		// knights and the last person flips fastest.
		for i := range assign {
			assign[i] = code&(1<<(n-1-i)) == 0
		}
		if Consistent(stmts, assign) {
			sols = append(sols, append([]bool(nil), assign...))
		}
	}
	return sols
}

// CountSolutions returns the number of solutions, stopping once it exceeds
// limit (use limit 1 to test uniqueness cheaply).
func CountSolutions(stmts []Statement, limit int) int {
	n := len(stmts)
	assign := make([]bool, n)
	count := 0
	for code := 0; code < 1<<n; code++ {
		for i := range assign {
			assign[i] = code&(1<<(n-1-i)) == 0
		}
		if Consistent(stmts, assign) {
			count++
			if count > limit {
				return count
			}
		}
	}
	return count
}
