package arith

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// equation is one "lhs = rhs" found in a trace.
type equation struct {
	lhs, rhs string
	end      int  // offset just after rhs
	ok       bool // lhs and rhs have the same value
}

// exprChars are the characters an equation side may contain; a side extends
// from the '=' until any other character (a letter, ',', '.', ':', '=' or a
// line break), which is how the traces are written.
const exprChars = "0123456789+-*/() "

// equations finds every '=' in text and evaluates both sides with Parse.
// A side that does not parse is a test failure: traces must keep their
// arithmetic machine-checkable.
func equations(t *testing.T, text string) []equation {
	t.Helper()
	var out []equation
	for i := 0; i < len(text); i++ {
		if text[i] != '=' {
			continue
		}
		a := i
		for a > 0 && strings.IndexByte(exprChars, text[a-1]) >= 0 {
			a--
		}
		b := i + 1
		for b < len(text) && strings.IndexByte(exprChars, text[b]) >= 0 {
			b++
		}
		lhs, rhs := strings.TrimSpace(text[a:i]), strings.TrimSpace(text[i+1:b])
		lv, err1 := Parse(lhs)
		rv, err2 := Parse(rhs)
		if err1 != nil || err2 != nil {
			t.Errorf("unreadable equation %q = %q (%v, %v) in:\n%s", lhs, rhs, err1, err2, text)
			continue
		}
		out = append(out, equation{lhs: lhs, rhs: rhs, end: b, ok: lv == rv})
	}
	return out
}

// checkTrace checks a trace: every equation is true except slips, and each
// slip "L = W" is followed later by the same left side with the right value
// and ", not W"; the trace ends with the one boxed answer. It returns the
// number of slips.
func checkTrace(t *testing.T, text string, answer int64) int {
	t.Helper()
	eqs := equations(t, text)
	slips := 0
	for i, e := range eqs {
		if e.ok {
			continue
		}
		slips++
		fixed := false
		for _, f := range eqs[i+1:] {
			if f.lhs == e.lhs && f.ok && strings.HasPrefix(text[f.end:], ", not "+e.rhs) {
				fixed = true
				break
			}
		}
		if !fixed {
			t.Errorf("false equation %s = %s is never corrected in:\n%s", e.lhs, e.rhs, text)
		}
	}
	box := "The final answer is: \\boxed{" + strconv.FormatInt(answer, 10) + "}."
	if !strings.HasSuffix(text, box) || strings.Count(text, "\\boxed{") != 1 {
		t.Errorf("trace does not end with the single box %q:\n%s", box, text)
	}
	return slips
}

var shortLine = regexp.MustCompile(`^-?\d+ [-+*/] (\d+|\(-\d+\)) = -?\d+\.$`)

func TestShortCoT(t *testing.T) {
	for level := 1; level <= MaxLevel; level++ {
		ps, err := Generate(31, level, 500)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			s := p.ShortCoT()
			lines := strings.Split(s, "\n")
			if len(lines) != p.Ops+1 {
				t.Errorf("%q: %d lines for %d operations:\n%s", p.Expr, len(lines), p.Ops, s)
				continue
			}
			for _, l := range lines[:p.Ops] {
				if !shortLine.MatchString(l) {
					t.Errorf("%q: line %q is not \"x op y = v.\"", p.Expr, l)
				}
			}
			if n := checkTrace(t, s, p.Answer); n != 0 {
				t.Errorf("%q: short trace has %d false equations", p.Expr, n)
			}
			// The last operation yields the answer.
			last := lines[p.Ops-1]
			if !strings.HasSuffix(last, " = "+p.GroundTruth()+".") {
				t.Errorf("%q: last step %q does not give %d", p.Expr, last, p.Answer)
			}
		}
	}
}

func TestLongCoT(t *testing.T) {
	const n = 300
	slips, traces := 0, 0
	marks := map[string]int{}
	for level := 1; level <= MaxLevel; level++ {
		ps, err := Generate(41, level, n)
		if err != nil {
			t.Fatal(err)
		}
		differ := 0
		for _, p := range ps {
			seed := uint64(1000 + p.Index)
			l := p.LongCoT(seed)
			if l != p.LongCoT(seed) {
				t.Errorf("%q: LongCoT is not deterministic", p.Expr)
			}
			if l != p.LongCoT(seed+1) {
				differ++
			}
			k := checkTrace(t, l, p.Answer)
			if k > 1 {
				t.Errorf("%q: %d slips, want at most 1", p.Expr, k)
			}
			slips += k
			traces++
			if w := len(SplitWords(l)); w > MaxLongCoTWords {
				t.Errorf("%q: %d words, cap %d", p.Expr, w, MaxLongCoTWords)
			}
			if len(SplitWords(l)) <= 2*len(SplitWords(p.ShortCoT())) {
				t.Errorf("%q: long trace is not much longer than the short one:\n%s", p.Expr, l)
			}
			if !strings.Contains(l, p.Expr) {
				t.Errorf("%q: long trace does not restate the expression", p.Expr)
			}
			for _, m := range []string{"carry", "borrow", "casting out nines", "undo", "order", "Wait", "Hmm"} {
				if strings.Contains(l, m) {
					marks[m]++
				}
			}
		}
		if differ < n/2 {
			t.Errorf("level %d: only %d of %d traces change with the seed", level, differ, n)
		}
	}
	// About SlipRate of the traces make (and fix) one slip.
	if rate := float64(slips) / float64(traces); rate < SlipRate-0.06 || rate > SlipRate+0.06 {
		t.Errorf("slip rate %.3f, want about %.2f", rate, SlipRate)
	}
	// Each kind of work and check shows up somewhere.
	for m, c := range marks {
		if c == 0 {
			t.Errorf("no trace mentions %q", m)
		}
	}
	if len(marks) < 7 {
		t.Errorf("some kinds of work never appear: %v", marks)
	}
}

func TestLongCoTCap(t *testing.T) {
	ps, err := Generate(5, 5, 60)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		bare := p.LongCoTWithin(3, 0) // nothing fits: the barest form
		if n := checkTrace(t, bare, p.Answer); n != 0 {
			t.Errorf("%q: the bare trace has a slip", p.Expr)
		}
		for _, limit := range []int{150, 300, 600} {
			l := p.LongCoTWithin(3, limit)
			checkTrace(t, l, p.Answer)
			if w, b := len(SplitWords(l)), len(SplitWords(bare)); w > max(limit, b) {
				t.Errorf("%q: %d words under a cap of %d (bare form %d)", p.Expr, w, limit, b)
			}
		}
		if p.LongCoTWithin(3, 1<<30) == bare {
			t.Errorf("%q: the uncapped trace is the bare one", p.Expr)
		}
	}
}

// TestHandMadeProblems covers problems that Generate does not produce but a
// caller may build or read from a file.
func TestHandMadeProblems(t *testing.T) {
	for _, p := range []Problem{
		{Expr: "-(3 + 4) * 2", Answer: -14, Ops: 2},
		{Expr: "99999 + 1", Answer: 100000, Ops: 1},
		{Expr: "700000 - 1", Answer: 699999, Ops: 1},
		{Expr: "-8 / (-2) - (-3) * 0", Answer: 4, Ops: 3},
		{Expr: "42", Answer: 42},
	} {
		checkTrace(t, p.ShortCoT(), p.Answer)
		for seed := range uint64(20) {
			checkTrace(t, p.LongCoT(seed), p.Answer)
		}
	}
	bad := Problem{Expr: "2 +", Answer: 5}
	if got, want := bad.ShortCoT(), "The final answer is: \\boxed{5}."; got != want {
		t.Errorf("ShortCoT of an unparsable problem = %q, want %q", got, want)
	}
	checkTrace(t, bad.LongCoT(1), 5)
}
