package kk

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/nprand"
)

// The fixed text around a quiz (mem-kk's PREFIX and POSTFIX with the default
// knight/knave words).
const (
	quizPrefix  = "A very special island is inhabited only by knights and knaves. Knights always tell the truth, and knaves always lie. "
	quizPostfix = " So who is a knight and who is a knave?"
)

// Format renders a uniquely solvable puzzle as mem-kk-logic's
// KKProblemFormatter(formatterSeed, problem).format_problem() with default
// options, plus its template chain of thought. The formatter's own RNG picks
// the names (choice of len(stmts) of CommonNames without replacement) and
// then one template per person. mem-kk seeds it with 1234+index. Format
// panics if stmts fails Validate; check statements from outside the sampler
// with Validate first.
func Format(index int, formatterSeed uint64, stmts []Statement) Puzzle {
	return FormatPool(index, formatterSeed, stmts, 0)
}

// FormatPool is Format with the names drawn from the first pool names of
// CommonNames (0 or len(CommonNames): all of them, which is Format). A small
// pool is r1lab's toy-scale option: a tiny model does not learn to copy
// names out of a long prompt within a CPU budget (measured: no copying after
// 400 pre-training steps), and with few names it need not copy, only notice
// which of them occur. It panics if stmts fails Validate or the pool is
// smaller than the number of people.
func FormatPool(index int, formatterSeed uint64, stmts []Statement, pool int) Puzzle {
	if err := Validate(stmts); err != nil {
		panic(err)
	}
	return format(index, formatterSeed, stmts, Solve(stmts)[0], pool)
}

// CheckNamePool returns an error unless pool names (0: all) can name
// puzzles of up to maxPeople people.
func CheckNamePool(pool, maxPeople int) error {
	if pool == 0 {
		return nil
	}
	if pool < maxPeople || pool > len(CommonNames) {
		return fmt.Errorf("kk: name pool %d must be between the most people in a puzzle (%d) and %d", pool, maxPeople, len(CommonNames))
	}
	return nil
}

// format is FormatPool without validation, for statements the sampler
// already solved.
func format(index int, formatterSeed uint64, stmts []Statement, solution []bool, pool int) Puzzle {
	n := len(stmts)
	if pool <= 0 {
		pool = len(CommonNames)
	}
	rng := nprand.New(formatterSeed)
	names := make([]string, n)
	for i, k := range rng.ChoiceNoReplace(pool, n) {
		names[i] = CommonNames[k]
	}
	tmpls := make([]int, n)
	for i := range tmpls {
		tmpls[i] = rng.Choice(len(Templates))
	}
	return Puzzle{
		Index:      index,
		Statements: stmts,
		Solution:   solution,
		Names:      names,
		Templates:  tmpls,
		Quiz:       Quiz(stmts, names, tmpls),
		CoTSteps:   TemplateCoTSteps(stmts, names),
	}
}

// Quiz renders the puzzle text: the island preamble, "You meet n
// inhabitants: A, B, and C." (Oxford comma even for two), each person's
// statement in their template, and the question.
func Quiz(stmts []Statement, names []string, templates []int) string {
	var b strings.Builder
	b.Grow(len(quizPrefix) + len(quizPostfix) + 80*len(stmts))
	b.WriteString(quizPrefix)
	b.WriteString("You meet " + strconv.Itoa(len(names)) + " inhabitants: ")
	b.WriteString(strings.Join(names[:len(names)-1], ", ") + ", and " + names[len(names)-1] + ".")
	for i, st := range stmts {
		b.WriteByte(' ')
		b.WriteString(RenderTemplate(templates[i], names[i], st.Content(names)))
	}
	b.WriteString(quizPostfix)
	return b.String()
}

// Validate returns an error unless stmts is a puzzle Format can render: one
// statement per person for MinPeople..MaxPeople people, each a leaf, a "not"
// of a leaf, an and/or of two or more leaves, or an implication or iff of
// two leaves, naming only people of the puzzle, with exactly one solution.
func Validate(stmts []Statement) error {
	if err := CheckPeople(len(stmts)); err != nil {
		return err
	}
	n := len(stmts)
	for i, st := range stmts {
		if err := validateTop(st, n); err != nil {
			return fmt.Errorf("kk: statement %d %s: %w", i, st.Repr(), err)
		}
	}
	if c := CountSolutions(stmts, 1); c != 1 {
		what := "no solution"
		if c > 1 {
			what = "more than one solution"
		}
		return fmt.Errorf("kk: puzzle %s has %s, need exactly one", ReprAll(stmts), what)
	}
	return nil
}

// validateTop checks one person's statement against the depth-2 grammar.
func validateTop(st Statement, n int) error {
	if st.IsLeaf() {
		return validateLeaf(st, n)
	}
	want := 2 // operands
	switch st.Op {
	case Not:
		want = 1
	case And, Or:
		if len(st.Args) >= 2 {
			want = len(st.Args)
		}
	case Implies, Iff:
	default:
		return fmt.Errorf("unknown operator %q", st.Op)
	}
	if len(st.Args) != want {
		return fmt.Errorf("operator %q has %d operands, want %d", st.Op, len(st.Args), want)
	}
	for _, a := range st.Args {
		if !a.IsLeaf() {
			return fmt.Errorf("operand %q of %q is not a leaf (depth over 2 cannot be rendered)", a.Op, st.Op)
		}
		if err := validateLeaf(a, n); err != nil {
			return err
		}
	}
	return nil
}

func validateLeaf(st Statement, n int) error {
	if len(st.Args) != 0 {
		return fmt.Errorf("leaf %q has operands", st.Op)
	}
	if st.Person < 0 || st.Person >= n {
		return fmt.Errorf("leaf names person %d, want 0..%d", st.Person, n-1)
	}
	return nil
}
