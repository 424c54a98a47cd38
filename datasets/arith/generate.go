package arith

import (
	"fmt"
	"strings"
)

// Tunables of problem generation.
const (
	// WordProblemRate is the share of problems at levels 1–3 that are worded
	// as a short story instead of a bare expression (default 0.10, as kk.md
	// §10.1 suggests). Higher levels are always bare expressions: the stories
	// have no negative numbers and at most three operations.
	WordProblemRate = 0.10
	// NegativeRate is the chance that an operand is negative at the levels
	// that allow negative operands (default 0.3).
	NegativeRate = 0.3
)

// opWeights are the relative frequencies of + - * / when an operator is
// drawn (default 3:3:3:2). Division is a little rarer because it is only
// possible where an operand is a single number (see gen.fill).
var opWeights = [4]int{3, 3, 3, 2}

var opChars = [4]byte{'+', '-', '*', '/'}

// Limits on rejection sampling; reaching them means the level cannot produce
// what was asked (for example more distinct problems than exist).
const (
	maxTreeAttempts = 100_000
	maxDuplicateRun = 10_000
)

// Problem is one ARITH problem.
type Problem struct {
	// Index is the problem's position in its level's stream: Generate(s, L, n)
	// returns indices 0..n-1, and a longer call extends a shorter one, so
	// splits can take disjoint index ranges of one stream.
	Index int
	// Level is 1..MaxLevel.
	Level int
	// Question is the text shown to the model: the expression in one of a
	// few wordings, or a short story.
	Question string
	// Expr is the expression, ASCII (* and /), with only the parentheses
	// precedence needs; Parse(Expr) == Answer.
	Expr string
	// Answer is the value of Expr.
	Answer int64
	// Ops is the number of binary operators in Expr.
	Ops int
	// Story tells whether Question is a word problem.
	Story bool
}

// GroundTruth is the answer as the string a correct response boxes.
func (p Problem) GroundTruth() string { return itoa(p.Answer) }

// questionTemplates are the wordings of a bare expression; %s is the
// expression (kk.md §10.1 suggests 4–6).
var questionTemplates = []string{
	"Compute the value of %s.",
	"What is %s?",
	"Evaluate %s. Give an integer.",
	"Find the value of %s.",
	"Calculate %s.",
	"What is the value of the expression %s?",
}

// wordTemplate is a word problem: a story over the numbers {a}..{d} and the
// expression it denotes over the variables a..d.
type wordTemplate struct {
	ops  int    // binary operators in expr
	expr string // over a, b, c, d; "a / b" is drawn as an exact division
	text string
}

var wordTemplates = []wordTemplate{
	{1, "a + b", "Tom has {a} coins and finds {b} more coins. How many coins does he have now?"},
	{1, "a / b", "There are {a} pens to share equally among {b} children. How many pens does each child get?"},
	{2, "a * b - c", "A box holds {a} rows of {b} apples. Then {c} apples are eaten. How many apples are left?"},
	{2, "a + b - c", "Tom has {a} coins. He finds {b} more coins and then spends {c} coins. How many coins does he have now?"},
	{2, "a * b + c", "A shop has {a} bags with {b} eggs in each bag and {c} more eggs on a shelf. How many eggs does the shop have?"},
	{3, "a * b - c + d", "A box holds {a} rows of {b} apples. Then {c} apples are eaten and {d} apples are added. How many apples are in the box now?"},
	{3, "a + b * c - d", "Tom has {a} coins. He finds {b} bags with {c} coins in each bag and then spends {d} coins. How many coins does he have now?"},
}

// Generate returns count distinct problems (distinct by Expr) of one level.
// The result depends only on (seed, level): each level draws from its own
// stream, so the order in which levels are generated does not matter, and a
// shorter call returns a prefix of a longer one.
func Generate(seed uint64, level, count int) ([]Problem, error) {
	spec, err := Spec(level)
	if err != nil {
		return nil, err
	}
	return generate(seed, spec, count)
}

// generate is Generate for any LevelSpec (tests use tiny ones).
func generate(seed uint64, spec LevelSpec, count int) ([]Problem, error) {
	level := spec.Level
	if count < 0 {
		return nil, fmt.Errorf("arith: negative problem count %d", count)
	}
	g := &gen{r: newRNG(seed, tagGenerate|uint64(level)), spec: spec}
	seen := make(map[string]bool, count)
	out := make([]Problem, 0, count)
	for dup := 0; len(out) < count; {
		p, err := g.problem()
		if err != nil {
			return nil, err
		}
		if seen[p.Expr] {
			if dup++; dup > maxDuplicateRun {
				return nil, fmt.Errorf("arith: level %d: only %d distinct problems found (%d duplicates in a row); ask for fewer", level, len(out), dup)
			}
			continue
		}
		dup = 0
		seen[p.Expr] = true
		p.Index = len(out)
		out = append(out, p)
	}
	return out, nil
}

// gen draws the problems of one level.
type gen struct {
	r    *rng
	spec LevelSpec
}

// problem draws one problem (not yet checked for duplicates).
func (g *gen) problem() (Problem, error) {
	if g.spec.Level <= 3 && g.r.chance(WordProblemRate) {
		if p, ok := g.story(); ok {
			return p, nil
		}
	}
	for range maxTreeAttempts {
		t, ok := g.tree()
		if !ok {
			continue
		}
		p, ok, err := g.finish(render(t, 0))
		if err != nil {
			return Problem{}, err
		}
		if !ok {
			continue
		}
		p.Question = fmt.Sprintf(questionTemplates[g.r.intn(len(questionTemplates))], p.Expr)
		return p, nil
	}
	return Problem{}, fmt.Errorf("arith: level %d: no valid expression after %d attempts", g.spec.Level, maxTreeAttempts)
}

// finish re-parses a rendered expression, so the problem uses exactly the
// tree its text denotes (rendering drops parentheses that re-associate + and
// *), and checks the bound on every value of that tree.
func (g *gen) finish(expr string) (Problem, bool, error) {
	t, err := parseTree(expr)
	if err != nil {
		// Only a bug can get here: rendering must always parse.
		return Problem{}, false, fmt.Errorf("arith: internal error: rendered expression %q does not parse: %w", expr, err)
	}
	if maxAbs(t) > MaxAbs {
		return Problem{}, false, nil
	}
	return Problem{Level: g.spec.Level, Expr: expr, Answer: t.val, Ops: len(steps(t))}, true, nil
}

// tree draws a random tree of the level's size with values filled in; false
// means the draw was rejected and another should be made.
func (g *gen) tree() (*node, bool) {
	root := g.shape(int(g.r.between(int64(g.spec.MinOps), int64(g.spec.MaxOps))))
	var internal []*node
	var walk func(n *node)
	walk = func(n *node) {
		if n.l == nil {
			return
		}
		walk(n.l)
		walk(n.r)
		internal = append(internal, n)
	}
	walk(root)
	hasDiv := false
	var divOK []*node
	for _, n := range internal {
		w := opWeights
		if n.l.l != nil && n.r.l != nil {
			w[3] = 0 // division needs a single number on one side
		} else {
			divOK = append(divOK, n)
		}
		n.op = opChars[g.r.weighted(w[:])]
		hasDiv = hasDiv || n.op == '/'
	}
	if g.spec.NeedDiv && !hasDiv {
		// The deepest internal node has two leaves, so divOK is never empty.
		divOK[g.r.intn(len(divOK))].op = '/'
	}
	return root, g.fill(root)
}

// shape draws a random binary tree with n internal nodes (operators unset).
func (g *gen) shape(n int) *node {
	if n == 0 {
		return &node{op: opLeaf}
	}
	k := g.r.intn(n)
	return &node{l: g.shape(k), r: g.shape(n - 1 - k)}
}

// operand draws a literal of the level's range.
func (g *gen) operand() int64 {
	v := g.r.between(1, g.spec.MaxOperand)
	if g.spec.Negatives && g.r.chance(NegativeRate) {
		v = -v
	}
	return v
}

// fill draws the literals bottom-up and computes every value; false if a
// value leaves ±MaxAbs or a division cannot be made exact.
//
// Division is made exact by construction (kk.md §10.1): with a single number
// as dividend, the divisor is drawn (or computed) first and the dividend is
// set to divisor × quotient; with a compound dividend, the divisor is drawn
// among the dividend's factors. Divisors ±1 are never used.
func (g *gen) fill(n *node) bool {
	R := g.spec.MaxOperand
	switch n.op {
	case opLeaf:
		n.val = g.operand()
	case '/':
		switch {
		case n.l.op == opLeaf && n.r.op == opLeaf:
			if R < 4 {
				return false // no divisor ≥ 2 with a quotient ≥ 2
			}
			d := g.r.between(2, R/2)
			n.l.val = d * g.r.between(2, R/d)
			if g.spec.Negatives && g.r.chance(NegativeRate) {
				n.l.val = -n.l.val
			}
			if g.spec.Negatives && g.r.chance(NegativeRate) {
				d = -d
			}
			n.r.val = d
		case n.l.op == opLeaf:
			if !g.fill(n.r) {
				return false
			}
			d := abs(n.r.val)
			if d < 2 || d > R {
				return false
			}
			n.l.val = d * g.r.between(1, R/d)
			if g.spec.Negatives && g.r.chance(NegativeRate) {
				n.l.val = -n.l.val
			}
		default:
			if !g.fill(n.l) {
				return false
			}
			var divs []int64
			for d := int64(2); d <= R && d <= abs(n.l.val); d++ {
				if n.l.val%d == 0 {
					divs = append(divs, d)
				}
			}
			if len(divs) == 0 {
				return false
			}
			d := divs[g.r.intn(len(divs))]
			if g.spec.Negatives && g.r.chance(NegativeRate) {
				d = -d
			}
			n.r.val = d
		}
		n.val = n.l.val / n.r.val
	default:
		if !g.fill(n.l) || !g.fill(n.r) {
			return false
		}
		x, y := n.l.val, n.r.val
		switch n.op {
		case '+':
			n.val = x + y
		case '-':
			n.val = x - y
		case '*':
			n.val = x * y // |x|, |y| ≤ MaxAbs: no overflow
		}
	}
	return abs(n.val) <= MaxAbs
}

// story draws a word problem whose size fits the level; false if none fits
// or no draw gave a sensible story (every count non-negative).
func (g *gen) story() (Problem, bool) {
	var fit []wordTemplate
	for _, t := range wordTemplates {
		if t.ops >= g.spec.MinOps && t.ops <= g.spec.MaxOps {
			fit = append(fit, t)
		}
	}
	if len(fit) == 0 {
		return Problem{}, false
	}
	t := fit[g.r.intn(len(fit))]
	R := g.spec.MaxOperand
	if R < 2 {
		return Problem{}, false
	}
	for range 20 {
		var v [4]int64
		for i := range v {
			v[i] = g.r.between(2, R) // "1 rows" would read badly
		}
		if t.expr == "a / b" {
			if R < 4 {
				return Problem{}, false
			}
			v[1] = g.r.between(2, R/2)
			v[0] = v[1] * g.r.between(2, R/v[1])
		}
		nums := strings.NewReplacer("a", itoa(v[0]), "b", itoa(v[1]), "c", itoa(v[2]), "d", itoa(v[3]))
		tree, err := parseTree(nums.Replace(t.expr))
		if err != nil || minVal(tree) < 0 || tree.val < 1 {
			continue
		}
		p, ok, err := g.finish(render(tree, 0))
		if err != nil || !ok {
			continue
		}
		p.Story = true
		p.Question = strings.NewReplacer("{a}", itoa(v[0]), "{b}", itoa(v[1]), "{c}", itoa(v[2]), "{d}", itoa(v[3])).Replace(t.text)
		return p, true
	}
	return Problem{}, false
}

// minVal is the smallest value of any node of the tree.
func minVal(n *node) int64 {
	m := n.val
	if n.l != nil {
		m = min(m, minVal(n.l))
	}
	if n.r != nil {
		m = min(m, minVal(n.r))
	}
	return m
}
