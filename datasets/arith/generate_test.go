package arith

import (
	"reflect"
	"strings"
	"testing"
)

// specTable is the level table of research/kk.md §10.1, written out again
// here so the test does not trust the package's own copy.
var specTable = map[int]struct {
	minOps, maxOps int
	maxOperand     int64
	negatives      bool
	needDiv        bool
}{
	1: {1, 2, 20, false, false},
	2: {2, 3, 50, false, false},
	3: {3, 4, 99, false, false},
	4: {4, 5, 99, true, false},
	5: {5, 6, 99, true, true},
}

// scan reads an expression's text without the package's parser: it counts the
// binary operators and returns the operands with their signs. A '-' is binary
// when it follows a number or ')', and unary otherwise.
func scan(t *testing.T, expr string) (ops map[byte]int, operands []int64) {
	t.Helper()
	ops = map[byte]int{}
	prev := byte(0) // last non-blank character
	neg := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case c == ' ':
			continue
		case c >= '0' && c <= '9':
			v := int64(0)
			for ; i < len(expr) && expr[i] >= '0' && expr[i] <= '9'; i++ {
				v = v*10 + int64(expr[i]-'0')
			}
			i--
			if neg {
				v = -v
			}
			operands = append(operands, v)
			neg = false
			c = '0'
		case c == '-' && !(prev == '0' || prev == ')'):
			neg = !neg
		case strings.IndexByte("+-*/", c) >= 0:
			ops[c]++
		case c != '(' && c != ')':
			t.Fatalf("expression %q: unexpected character %q", expr, c)
		}
		prev = c
	}
	return ops, operands
}

func TestGenerateLevels(t *testing.T) {
	const n = 500
	for level := 1; level <= MaxLevel; level++ {
		want := specTable[level]
		ps, err := Generate(2024, level, n)
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		if len(ps) != n {
			t.Fatalf("level %d: %d problems, want %d", level, len(ps), n)
		}
		seen := map[string]bool{}
		stories, divs, negs := 0, 0, 0
		for i, p := range ps {
			if p.Index != i || p.Level != level {
				t.Errorf("level %d #%d: Index %d, Level %d", level, i, p.Index, p.Level)
			}
			got, err := Parse(p.Expr)
			if err != nil || got != p.Answer {
				t.Errorf("level %d: Parse(%q) = %d, %v; Answer %d", level, p.Expr, got, err, p.Answer)
			}
			if p.GroundTruth() != itoa(p.Answer) {
				t.Errorf("GroundTruth %q for answer %d", p.GroundTruth(), p.Answer)
			}
			if seen[p.Expr] {
				t.Errorf("level %d: duplicate expression %q", level, p.Expr)
			}
			seen[p.Expr] = true
			ops, operands := scan(t, p.Expr)
			total := ops['+'] + ops['-'] + ops['*'] + ops['/']
			if total < want.minOps || total > want.maxOps || total != p.Ops {
				t.Errorf("level %d: %q has %d operators (Ops %d), want %d..%d", level, p.Expr, total, p.Ops, want.minOps, want.maxOps)
			}
			if len(operands) != total+1 {
				t.Errorf("level %d: %q has %d operands for %d operators", level, p.Expr, len(operands), total)
			}
			if want.needDiv && ops['/'] == 0 {
				t.Errorf("level %d: %q has no division", level, p.Expr)
			}
			if ops['/'] > 0 {
				divs++
			}
			for _, v := range operands {
				if v == 0 || abs(v) > want.maxOperand || (v < 0 && !want.negatives) {
					t.Errorf("level %d: %q has operand %d outside the level's range", level, p.Expr, v)
				}
				if v < 0 {
					negs++
				}
			}
			tree, err := parseTree(p.Expr)
			if err != nil {
				t.Fatal(err)
			}
			if m := maxAbs(tree); m > 100_000 {
				t.Errorf("level %d: %q has an intermediate of size %d", level, p.Expr, m)
			}
			if render(tree, 0) != p.Expr {
				t.Errorf("level %d: %q is not in canonical form (%q)", level, p.Expr, render(tree, 0))
			}
			if p.Story {
				stories++
			} else if !strings.Contains(p.Question, p.Expr) {
				t.Errorf("level %d: question %q does not show %q", level, p.Question, p.Expr)
			}
		}
		// Word problems are ~10% at levels 1–3 and absent above.
		if level <= 3 && (stories < n/20 || stories > n/5) {
			t.Errorf("level %d: %d word problems in %d, want about 10%%", level, stories, n)
		}
		if level > 3 && stories > 0 {
			t.Errorf("level %d: %d word problems, want none", level, stories)
		}
		if divs == 0 {
			t.Errorf("level %d: no division at all", level)
		}
		if want.negatives && negs == 0 {
			t.Errorf("level %d: no negative operand at all", level)
		}
	}
}

func TestGenerateDeterministic(t *testing.T) {
	for level := 1; level <= MaxLevel; level++ {
		a, err := Generate(7, level, 200)
		if err != nil {
			t.Fatal(err)
		}
		// Drawing other levels first must not matter.
		for other := MaxLevel; other >= 1; other-- {
			if _, err := Generate(7, other, 30); err != nil {
				t.Fatal(err)
			}
		}
		b, _ := Generate(7, level, 200)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("level %d: same seed, different problems", level)
		}
		prefix, _ := Generate(7, level, 50)
		if !reflect.DeepEqual(prefix, a[:50]) {
			t.Errorf("level %d: a shorter call is not a prefix of a longer one", level)
		}
		c, _ := Generate(8, level, 200)
		same := 0
		for i := range a {
			if a[i].Expr == c[i].Expr {
				same++
			}
		}
		if same > 10 {
			t.Errorf("level %d: seeds 7 and 8 share %d of 200 expressions at the same index", level, same)
		}
	}
	// Levels draw from different streams: level 4 and 5 share a size range
	// overlap (5 operators), yet must not repeat each other.
	l4, _ := Generate(7, 4, 100)
	l5, _ := Generate(7, 5, 100)
	for i := range l4 {
		if l4[i].Expr == l5[i].Expr {
			t.Errorf("levels 4 and 5 share expression %q at index %d", l4[i].Expr, i)
		}
	}
}

func TestGenerateBadInput(t *testing.T) {
	for _, tc := range []struct {
		level, count int
		want         string
	}{
		{0, 10, "level 0"},
		{6, 10, "level 6"},
		{1, -1, "count -1"},
	} {
		_, err := Generate(1, tc.level, tc.count)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Generate(1, %d, %d): error %v, want one mentioning %q", tc.level, tc.count, err, tc.want)
		}
	}
	// A level with fewer distinct problems than asked for ends in an error,
	// not an endless loop: one operator over 1..2 allows only a dozen.
	tiny := LevelSpec{Level: 1, MinOps: 1, MaxOps: 1, MaxOperand: 2}
	if _, err := generate(1, tiny, 50); err == nil || !strings.Contains(err.Error(), "distinct") {
		t.Errorf("tiny level, 50 problems: error %v, want one about distinct problems", err)
	}
	if ps, err := generate(1, tiny, 5); err != nil || len(ps) != 5 {
		t.Errorf("tiny level, 5 problems: %d, %v", len(ps), err)
	}
	if ps, err := Generate(1, 1, 0); err != nil || len(ps) != 0 {
		t.Errorf("Generate(1, 1, 0) = %d problems, %v", len(ps), err)
	}
}

func BenchmarkGenerate11000(b *testing.B) {
	for b.Loop() {
		words := 0
		for level := 1; level <= MaxLevel; level++ {
			ps, err := Generate(uint64(level), level, 2200)
			if err != nil {
				b.Fatal(err)
			}
			for _, p := range ps {
				words += len(p.ShortCoT()) + len(p.LongCoT(1))
			}
		}
		if words == 0 {
			b.Fatal("no text")
		}
	}
}
