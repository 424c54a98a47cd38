package arith

import "strings"

// Tunables of the teacher trace.
const (
	// SlipRate is the chance that a teacher trace makes one deliberate slip,
	// a wrong intermediate result that the trace catches and corrects, as
	// R1's self-verification does (default 0.2).
	SlipRate = 0.2
	// MaxLongCoTWords caps a teacher trace's length, counted in SplitWords
	// tokens (each digit is one). R1 traces were kept up to 4,000 tokens for
	// problems whose short solutions run to a few hundred; 1024 keeps the same
	// order of ratio to ARITH's short traces (≤ ~100 tokens) while fitting a
	// toy model's context (default 1024). Longer traces are written less
	// verbosely (see LongCoT).
	MaxLongCoTWords = 1024
)

// writer collects sentences into paragraphs: sentences of a paragraph are
// joined by a space, paragraphs by a newline.
type writer struct {
	paras []string
	cur   []string
}

func (w *writer) say(s string) { w.cur = append(w.cur, s) }

func (w *writer) para() {
	if len(w.cur) > 0 {
		w.paras = append(w.paras, strings.Join(w.cur, " "))
		w.cur = nil
	}
}

func (w *writer) String() string {
	w.para()
	return strings.Join(w.paras, "\n")
}

// Sentence variants; the trace's seed picks one of each. "{E}" is the
// expression, "{V}" the value, "{N}" a count, "{L}" an operation "x op y".
var (
	openings = []string{
		"Okay, let me work through this carefully.",
		"Alright, I need to evaluate this step by step.",
		"Let me think about this step by step.",
		"Hmm, let me solve this slowly and check my work.",
	}
	restates = []string{
		"The expression is {E}.",
		"We need the value of {E}.",
		"So I have to compute {E}.",
	}
	storyRestates = []string{
		"First I turn the story into an expression: {E}.",
		"The story asks for {E}.",
		"In numbers, the question is {E}.",
	}
	plans = []string{
		"By the order of operations, I work inside parentheses first, then do * and /, then + and -, each from left to right.",
		"The rule is: parentheses first, then multiplication and division, then addition and subtraction, left to right.",
	}
	counts = []string{
		"That gives {N} steps.",
		"There are {N} operations, so there will be {N} steps.",
	}
	firstHeads = []string{"First, {L}.", "Step 1: {L}.", "I start with {L}."}
	heads      = []string{"Next, {L}.", "Step {N}: {L}.", "Now {L}."}
	results    = []string{"So {L} = {V}.", "That gives {L} = {V}.", "Therefore {L} = {V}."}
	nows       = []string{"Now the expression is {E}.", "The expression becomes {E}.", "Now we have {E}."}
	rushes     = []string{"Quickly, {L} = {V}.", "At a glance, {L} = {V}."}
	slowDowns  = []string{"Hmm, I should not rush. Let me do it carefully.", "Wait, let me do that one properly."}
	catches    = []string{"Wait, that does not look right.", "Hold on, let me check that again.", "Hmm, that seems off."}
	redos      = []string{"Redoing it: {L} = {V}, not {W}.", "Let me recompute: {L} = {V}, not {W}."}
	totals     = []string{"So the value of the expression is {V}.", "That finishes the computation: the result is {V}."}
	reorders   = []string{"Let me double-check by evaluating in a different order.", "To be safe, I will compute it again in another order."}
	reorderEnd = []string{"This again gives {V}.", "Again I get {V}."}
	inverses   = []string{"Let me verify each step by undoing it.", "To check, I undo each step."}
	inverseEnd = []string{"Every step checks out.", "All the steps are consistent."}
	ninesIntro = []string{"Let me check the products by casting out nines and the other steps by undoing them."}
	closings   = []string{"So I am confident the answer is {V}.", "Everything is consistent, so the answer is {V}.", "The checks agree, so the answer is {V}."}
)

// fill substitutes the placeholders of a sentence variant.
func fill(s string, kv ...string) string {
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, kv[i], kv[i+1])
	}
	return s
}

// Kinds of double-check at the end of a teacher trace.
const (
	checkReorder = iota // evaluate again in another order, commuting + and *
	checkInverse        // undo every step with the inverse operation
	checkNines          // casting out nines for products, undoing the rest
	numChecks
)

// teacher holds every random choice of one trace, drawn once, so that the
// shorter renderings used to meet MaxLongCoTWords differ only in verbosity.
type teacher struct {
	p         Problem
	root      *node
	steps     []step
	opening   int
	restate   int
	plan      int
	count     int
	check     int
	checkV    int
	closing   int
	total     int
	stepVar   []uint64 // per-step phrasing
	slip      int      // step with a slip, or -1
	slipStyle int      // 0: wrong result then caught; 1: rushed guess then careful work
	slipWrong int64    // the wrong value written
}

// LongCoT is the verbose "teacher" trace, the stand-in for DeepSeek-R1's long
// chain of thought (kk.md §10.1): it restates the problem, plans the order of
// operations, works each step (column arithmetic for multi-digit + - and *,
// sign rules, division as inverse multiplication), with probability SlipRate
// makes one slip that it catches and corrects (the wrong equation is followed
// later by the same left side with the right value and ", not W"), then
// double-checks by another order of evaluation, by undoing each step, or by
// casting out nines, and ends with the final-answer line.
//
// The trace depends only on (seed, Expr, Answer, Story). It is at most
// MaxLongCoTWords tokens: a longer one is rewritten with less detail (first
// without digit-by-digit columns, then without partial expressions and worked
// steps, then as a bare list of steps); the final line is always kept, so a
// pathological problem can exceed the cap only in its barest form.
func (p Problem) LongCoT(seed uint64) string { return p.LongCoTWithin(seed, MaxLongCoTWords) }

// LongCoTWithin is LongCoT with another length cap, in SplitWords tokens.
func (p Problem) LongCoTWithin(seed uint64, maxWords int) string {
	t := newTeacher(p, seed)
	var out string
	for verb := 3; verb >= 0; verb-- {
		out = t.render(verb)
		if countWords(out) <= maxWords {
			break
		}
	}
	return out
}

// newTeacher draws every choice of the trace for (problem, seed).
func newTeacher(p Problem, seed uint64) *teacher {
	r := newRNG(seed, tagLongCoT^hashString(p.Expr))
	t := &teacher{p: p, slip: -1}
	if root, err := parseTree(p.Expr); err == nil {
		t.root = root
		t.steps = steps(root)
	}
	t.opening = r.intn(len(openings))
	t.restate = r.intn(len(restates))
	t.plan = r.intn(len(plans))
	t.count = r.intn(len(counts))
	t.total = r.intn(len(totals))
	t.check = r.intn(numChecks)
	t.checkV = r.intn(1 << 16)
	t.closing = r.intn(len(closings))
	t.stepVar = make([]uint64, len(t.steps))
	for i := range t.stepVar {
		t.stepVar[i] = r.src.Uint64()
	}
	if len(t.steps) > 0 && r.chance(SlipRate) {
		t.slip = r.intn(len(t.steps))
		t.slipStyle = r.intn(2)
		s := t.steps[t.slip]
		switch kind := r.intn(3); {
		case kind == 2 && s.v != 0 && (s.x < 0 || s.y < 0):
			t.slipWrong = -s.v // a dropped minus sign
		case kind >= 1 && abs(s.v) >= 10:
			t.slipWrong = s.v + 10*(2*int64(r.intn(2))-1) // a lost or extra carry
		default:
			t.slipWrong = s.v + (2*int64(r.intn(2)) - 1) // off by one
		}
	}
	return t
}

// pick returns variant k of a list, using a slice of the per-step word.
func pick(list []string, word uint64, slot uint) string {
	return list[(word>>(8*slot))%uint64(len(list))]
}

// render writes the trace at a verbosity: 3 everything, 2 without
// digit-by-digit columns, 1 without partial expressions and worked steps,
// 0 only the steps.
func (t *teacher) render(verb int) string {
	w := &writer{}
	E := t.p.Expr
	V := itoa(t.p.Answer)
	if verb >= 1 {
		w.say(openings[t.opening])
	}
	if t.p.Story {
		w.say(fill(storyRestates[t.restate], "{E}", E))
	} else {
		w.say(fill(restates[t.restate], "{E}", E))
	}
	if verb >= 1 && len(t.steps) > 1 {
		w.say(plans[t.plan])
		w.say(fill(counts[t.count], "{N}", itoa(int64(len(t.steps)))))
	}
	w.para()
	for k, s := range t.steps {
		if verb == 0 {
			w.say(s.text() + ".")
			continue
		}
		t.writeStep(w, k, s, verb)
		w.para()
	}
	w.para()
	w.say(fill(totals[t.total], "{V}", V))
	if verb >= 1 && len(t.steps) > 0 {
		w.para()
		t.writeCheck(w)
		w.say(fill(closings[t.closing], "{V}", V))
	}
	w.para()
	w.say(finalLine(t.p.Answer))
	return w.String()
}

// writeStep writes one operation: a heading, the work, the result, and the
// expression with the result substituted.
func (t *teacher) writeStep(w *writer, k int, s step, verb int) {
	word := t.stepVar[k]
	L := s.lhs()
	if k == 0 {
		w.say(fill(pick(firstHeads, word, 0), "{L}", L))
	} else {
		w.say(fill(pick(heads, word, 0), "{L}", L, "{N}", itoa(int64(k+1))))
	}
	slip := k == t.slip
	W := itoa(t.slipWrong)
	if slip && t.slipStyle == 1 {
		w.say(fill(pick(rushes, word, 1), "{L}", L, "{V}", W))
		w.say(pick(slowDowns, word, 2))
	}
	work(w, s, verb, word)
	switch {
	case slip && t.slipStyle == 1:
		w.say("So " + L + " = " + itoa(s.v) + ", not " + W + ".")
	case slip:
		w.say(fill(pick(results, word, 3), "{L}", L, "{V}", W))
		w.say(pick(catches, word, 4))
		w.say(fill(pick(redos, word, 5), "{L}", L, "{V}", itoa(s.v), "{W}", W))
	default:
		w.say(fill(pick(results, word, 3), "{L}", L, "{V}", itoa(s.v)))
	}
	if verb >= 2 && k < len(t.steps)-1 {
		w.say(fill(pick(nows, word, 6), "{E}", render(t.root, k+1)))
	}
}

// writeCheck writes the double-check pass.
func (t *teacher) writeCheck(w *writer) {
	kind := t.check
	if kind == checkNines {
		hasMul := false
		for _, s := range t.steps {
			hasMul = hasMul || (s.op == '*' && abs(s.x) >= 10 && abs(s.y) >= 10)
		}
		if !hasMul {
			kind = checkInverse
		}
	}
	word := uint64(t.checkV)
	switch kind {
	case checkReorder:
		w.say(pick(reorders, word, 0))
		for _, s := range stepsRightFirst(t.root) {
			if s.op == '+' || s.op == '*' {
				s.x, s.y = s.y, s.x
			}
			w.say(s.text() + ".")
		}
		w.say(fill(pick(reorderEnd, word, 1), "{V}", itoa(t.p.Answer)))
	case checkInverse:
		w.say(pick(inverses, word, 0))
		for _, s := range t.steps {
			w.say(inverse(s) + ".")
		}
		w.say(pick(inverseEnd, word, 1))
	case checkNines:
		w.say(ninesIntro[0])
		for _, s := range t.steps {
			if s.op == '*' && abs(s.x) >= 10 && abs(s.y) >= 10 {
				castOutNines(w, abs(s.x), abs(s.y), abs(s.v), s.x < 0 || s.y < 0)
			} else {
				w.say(inverse(s) + ".")
			}
		}
	}
}

// inverse writes a step undone: from x op y = v it states the equation that
// recovers x (or y), e.g. 12 - 5 = 7 becomes 7 + 5 = 12.
func inverse(s step) string {
	switch s.op {
	case '+':
		return eqText(s.v, '-', s.y, s.x)
	case '-':
		return eqText(s.v, '+', s.y, s.x)
	case '/':
		return eqText(s.v, '*', s.y, s.x)
	case '*':
		switch {
		case s.y != 0:
			return eqText(s.v, '/', s.y, s.x)
		case s.x != 0:
			return eqText(s.v, '/', s.x, s.y)
		}
	}
	return s.text() // 0 * 0 and negations have nothing to undo
}

// work writes the worked arithmetic of one step at a verbosity ≥ 1.
func work(w *writer, s step, verb int, word uint64) {
	switch s.op {
	case '+', '-':
		addSub(w, s.x, s.op, s.y, verb)
	case '*':
		a, b := abs(s.x), abs(s.y)
		signed := (s.x < 0 || s.y < 0) && s.v != 0
		if signed {
			if (s.x < 0) != (s.y < 0) {
				w.say("One factor is negative, so the product is negative.")
			} else {
				w.say("Both factors are negative, so the product is positive.")
			}
		}
		if verb >= 2 {
			mulDetail(w, a, b, verb)
		}
		if signed {
			w.say("Without the signs, " + eqText(a, '*', b, a*b) + ".")
		}
	case '/':
		a, b, q := abs(s.x), abs(s.y), abs(s.v)
		if s.x < 0 || s.y < 0 {
			if (s.x < 0) != (s.y < 0) {
				w.say("One number is negative, so the quotient is negative.")
			} else {
				w.say("Both numbers are negative, so the quotient is positive.")
			}
		}
		w.say("I need the number that gives " + itoa(a) + " when multiplied by " + itoa(b) + ".")
		if verb >= 3 {
			mulDetail(w, b, q, verb)
		}
		w.say("Since " + eqText(b, '*', q, a) + ", " + eqText(a, '/', b, q) + ".")
	}
	// A negation (only in hand-written expressions) needs no work: its
	// result line says it all.
}

// addSub writes x op y for op + or -: it rewrites signed cases until two
// non-negative numbers remain, then (at verbosity 3, for two multi-digit
// numbers) works them in columns.
func addSub(w *writer, x int64, op byte, y int64, verb int) {
	neg := false
	for done := false; !done; {
		L := lhsText(x, op, y)
		switch {
		case op == '+' && x >= 0 && y < 0:
			w.say("Adding a negative number is the same as subtracting: " + L + " = " + lhsText(x, '-', -y) + ".")
			op, y = '-', -y
		case op == '+' && x < 0 && y >= 0:
			w.say("I start from the positive number instead: " + L + " = " + lhsText(y, '-', -x) + ".")
			x, op, y = y, '-', -x
		case op == '+' && x < 0 && y < 0:
			w.say("Both numbers are negative, so I add their sizes and keep the minus sign: " + L + " = -(" + lhsText(-x, '+', -y) + ").")
			x, y, neg, done = -x, -y, true, true
		case op == '-' && y < 0:
			w.say("Subtracting a negative number is the same as adding: " + L + " = " + lhsText(x, '+', -y) + ".")
			op, y = '+', -y
		case op == '-' && x < 0:
			w.say("Taking more away from a negative number goes further below zero: " + L + " = -(" + lhsText(-x, '+', y) + ").")
			x, op, neg, done = -x, '+', true, true
		case op == '-' && x < y:
			w.say(itoa(y) + " is bigger than " + itoa(x) + ", so the result is negative: " + L + " = -(" + lhsText(y, '-', x) + ").")
			x, y, neg, done = y, x, true, true
		default:
			done = true
		}
	}
	m := x + y
	if op == '-' {
		m = x - y
	}
	if verb >= 3 && x >= 10 && y >= 10 {
		if op == '+' {
			columnAdd(w, x, y)
		} else {
			columnSub(w, x, y)
		}
	}
	if neg {
		w.say(eqText(x, op, y, m) + ", and with the minus sign that is " + itoa(-m) + ".")
	}
}
