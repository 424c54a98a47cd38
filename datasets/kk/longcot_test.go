package kk

import (
	"errors"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// randomPuzzles draws uniquely solvable puzzles from the K&K grammar with an
// RNG independent of the package's sampler, so the teacher is tested on
// puzzles it was not written against.
func randomPuzzles(t *testing.T, seed uint64, people, count int) []Puzzle {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	leaf := func(speaker int) Statement {
		for {
			op, p := TellingTruth, rng.IntN(people)
			if rng.IntN(2) == 1 {
				op = Lying
			}
			if !(op == Lying && p == speaker) {
				return Statement{Op: op, Person: p}
			}
		}
	}
	var out []Puzzle
	for len(out) < count {
		stmts := make([]Statement, people)
		for i := range stmts {
			switch k := rng.IntN(6); k {
			case 0:
				stmts[i] = leaf(i)
			case 1:
				stmts[i] = Statement{Op: Not, Args: []Statement{leaf(i)}}
			default:
				a, b := leaf(i), leaf(i)
				for b.Equal(a) {
					b = leaf(i)
				}
				stmts[i] = Statement{Op: []Op{And, Or, Implies, Iff}[k-2], Args: []Statement{a, b}}
			}
		}
		sols := Solve(stmts)
		if len(sols) != 1 {
			continue
		}
		names := make([]string, people)
		for i, j := range rng.Perm(len(CommonNamesForTest))[:people] {
			names[i] = CommonNamesForTest[j]
		}
		out = append(out, Puzzle{Index: len(out), Statements: stmts, Solution: sols[0], Names: names})
	}
	return out
}

// CommonNamesForTest is a small name pool with the near-collisions of the
// real list (Ella/Isabella, Jack/Jackson), so substring mistakes would show.
var CommonNamesForTest = []string{"Emma", "Ella", "Isabella", "Jack", "Jackson", "Zoey", "Oliver", "Sofia", "Sophia", "Liam"}

var boxRe = regexp.MustCompile(`\\boxed\{([^{}]*)\}`)

func lastBox(s string) string {
	m := boxRe.FindAllStringSubmatch(s, -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

func TestLongCoTReachesTheSolution(t *testing.T) {
	for people := 2; people <= 7; people++ {
		for _, p := range randomPuzzles(t, uint64(people), people, 40) {
			text, err := DefaultTeacher.LongCoT(p)
			if errors.Is(err, ErrTraceTooLong) {
				continue // dropped like an over-long R1 trace; counted below
			}
			if err != nil {
				t.Fatalf("%d people, puzzle %d: %v", people, p.Index, err)
			}
			if got := lastBox(text); got != p.GroundTruth() {
				t.Fatalf("%d people, puzzle %d: last box %q, want %q\n%s", people, p.Index, got, p.GroundTruth(), text)
			}
			if !strings.HasSuffix(text, "}.") {
				t.Errorf("trace does not end with the boxed answer: %q", text[len(text)-40:])
			}
			if n := len(strings.Fields(text)); n > DefaultTeacher.MaxWords {
				t.Errorf("trace has %d words > cap %d", n, DefaultTeacher.MaxWords)
			}
		}
	}
}

// The worked example of kk.md §3.1: assuming Zoey is a knight must fail.
func TestLongCoTWorkedExample(t *testing.T) {
	// kk.md §3.1: n=2, index 0.
	stmts := []Statement{
		{Op: Not, Args: []Statement{{Op: TellingTruth, Person: 1}}},
		{Op: Iff, Args: []Statement{{Op: TellingTruth, Person: 1}, {Op: Lying, Person: 0}}},
	}
	p := Puzzle{Statements: stmts, Solution: []bool{false, true}, Names: []string{"Zoey", "Oliver"}}
	text, err := DefaultTeacher.LongCoT(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Zoey", "Oliver", "Oliver is not a knight", "Contradiction", // Zoey=knight fails
		`\boxed{Zoey is a knave, Oliver is a knight}.`,
	} {
		if !strings.Contains(strings.ToLower(text), strings.ToLower(want)) {
			t.Errorf("trace lacks %q:\n%s", want, text)
		}
	}
}

func TestLongCoTDeterministicAndVaried(t *testing.T) {
	ps := randomPuzzles(t, 99, 3, 20)
	distinct := map[string]bool{}
	for _, p := range ps {
		a, errA := DefaultTeacher.LongCoT(p)
		b, errB := DefaultTeacher.LongCoT(p)
		if errA != nil || errB != nil || a != b {
			t.Fatalf("puzzle %d: two calls differ or fail (%v, %v)", p.Index, errA, errB)
		}
		other := DefaultTeacher
		other.Seed++
		c, _ := other.LongCoT(p)
		distinct[firstSentence(a)] = true
		distinct[firstSentence(c)] = true
	}
	if len(distinct) < 3 {
		t.Errorf("only %d distinct opening sentences over 40 traces: phrasing is not varied", len(distinct))
	}
}

func firstSentence(s string) string { return strings.SplitN(s, ".", 2)[0] }

func TestLongCoTCapMakesTerseThenDrops(t *testing.T) {
	p := randomPuzzles(t, 5, 5, 1)[0]
	full, err := DefaultTeacher.LongCoT(p)
	if err != nil {
		t.Fatal(err)
	}
	words := len(strings.Fields(full))
	tight := TeacherConfig{Seed: 1234, MaxWords: words - 1}
	terse, err := tight.LongCoT(p)
	if err != nil {
		t.Fatalf("cap %d: want a terse retelling, got %v", words-1, err)
	}
	if lastBox(terse) != p.GroundTruth() || len(strings.Fields(terse)) >= words {
		t.Errorf("terse trace wrong or not shorter (%d vs %d words)", len(strings.Fields(terse)), words)
	}
	if _, err := (TeacherConfig{Seed: 1, MaxWords: 10}).LongCoT(p); !errors.Is(err, ErrTraceTooLong) {
		t.Errorf("cap 10: got %v, want ErrTraceTooLong", err)
	}
}
