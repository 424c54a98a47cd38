package kk

import (
	"errors"
	"fmt"
	"strings"

	"github.com/r1lab/r1lab/datasets/nprand"
)

// TeacherConfig configures the long chain-of-thought teacher, r1lab's
// stand-in for the DeepSeek-R1 traces of the paper's long-CoT arm: a solver
// that reasons aloud — lists the claims, assumes, derives consequences,
// detects contradictions, backtracks, re-checks the final assignment and
// ends with a boxed answer.
type TeacherConfig struct {
	// Seed selects the phrasing; together with the puzzle's Index it seeds one
	// RNG per trace, so a trace does not depend on which other puzzles are
	// told. Default 1234.
	Seed uint64
	// MaxWords caps a trace's length in whitespace-separated words. It stands
	// in for the paper's filter "total_tokens ≤ 4000" on R1 traces: a trace over
	// the cap is retold tersely, and if it is still too long LongCoT returns
	// ErrTraceTooLong so the caller drops the sample. Default 900.
	MaxWords int
}

// DefaultTeacher is the teacher configuration used when none is given.
var DefaultTeacher = TeacherConfig{Seed: 1234, MaxWords: 900}

// ErrTraceTooLong is returned (wrapped) by LongCoT when even the terse trace
// exceeds MaxWords.
var ErrTraceTooLong = errors.New("teacher trace exceeds the word cap")

// LongCoT tells the teacher's reasoning for p. The text starts with the
// first sentence and ends with "\boxed{<ground truth>}." (no end-of-text
// marker; the SFT row builder adds it). It is deterministic for (c.Seed,
// p.Index) and always reaches the puzzle's unique solution.
func (c TeacherConfig) LongCoT(p Puzzle) (string, error) {
	if c.MaxWords <= 0 {
		c.MaxWords = DefaultTeacher.MaxWords
	}
	var words int
	for _, terse := range []bool{false, true} {
		t := &teller{p: p, terse: terse, rng: nprand.New(SubSeed(c.Seed, uint64(p.Index))), first: -1}
		text := t.tell()
		if words = len(strings.Fields(text)); words <= c.MaxWords {
			return text, nil
		}
	}
	return "", fmt.Errorf("puzzle %d (%d people): terse trace has %d words > %d: %w",
		p.Index, p.People(), words, c.MaxWords, ErrTraceTooLong)
}

// teller narrates one trace. It owns the RNG that picks phrasings.
type teller struct {
	p     Puzzle
	rng   *nprand.Generator
	terse bool // fewer, shorter sentences: no claim list, no re-check of each claim
	out   strings.Builder

	// The first assumption of the search and the state it was made in, so
	// the teacher can go back and show the other choice fails too.
	first      int
	firstState []int8
}

// Phrase tables. Every phrase the teacher can say lives here, so a
// closed-vocabulary tokenizer can be built from TeacherPhrases. Placeholders:
// {P} a person, {R} a role word (knight/knave), {C} a claim, {V} true/false,
// {K} a list of known facts, {N} a number, {L} a list of names.
var (
	phIntro = []string{
		"Okay, so I need to figure out who is a knight and who is a knave among {L}.",
		"Alright, let's work out which of {L} are knights and which are knaves.",
		"Let me figure this out. There are {N} people here: {L}.",
		"Okay, we have {N} inhabitants: {L}. Let's determine each one's identity.",
	}
	phRules = []string{
		"Knights always tell the truth, so a knight's claim must be true, and knaves always lie, so a knave's claim must be false.",
		"Remember: whatever a knight says is true, and whatever a knave says is false.",
		"The key rule is that a knight's statement is true and a knave's statement is false.",
	}
	phListHead = []string{"Let me list the claims first.", "First, let me write down what each person says.", "Here is what everyone says."}
	phClaim    = []string{"{P} says: {C}.", "{P} claims that {C}."}
	phAssume   = []string{"Let's assume {P} is a {R}.", "Suppose {P} is a {R}.", "Let me try {P} as a {R}.", "Let's start by assuming {P} is a {R}."}
	phMust     = []string{"{P} is a {R}, so {P}'s claim \"{C}\" must be {V}.", "Since {P} is a {R}, the claim \"{C}\" has to be {V}."}
	phForcedK  = []string{"Given that {K}, this means {P} is a {R}.", "Since {K}, {P} must be a {R}.", "As {K}, the only option is that {P} is a {R}."}
	phForced   = []string{"That means {P} is a {R}.", "So {P} must be a {R}.", "This forces {P} to be a {R}."}
	phDecided  = []string{"Now look at {P}'s claim \"{C}\". Since {K}, it is {V}, so {P} is a {R}.", "{P} says \"{C}\". Given that {K}, that is {V}, which makes {P} a {R}."}
	phClash    = []string{"But {P} is a {R}, so \"{C}\" would have to be {V}, and since {K}, it is not. Contradiction!", "Wait, {P} is a {R}, so \"{C}\" must be {V}, but since {K}, it isn't. That's a contradiction."}
	phNoWay    = []string{"But {P} is a {R}, so \"{C}\" must be {V}, and no choice for the others makes that work. Contradiction!", "Hmm, {P} is a {R}, so \"{C}\" has to be {V}, but that is impossible here. Contradiction."}
	phCannot   = []string{"So {P} cannot be a {R}.", "So the assumption that {P} is a {R} fails.", "Therefore {P} is not a {R}."}
	phSwitch   = []string{"{P} must be a {R} then.", "Let's go with {P} being a {R} instead.", "So {P} is a {R}."}
	phNeither  = []string{"Neither choice works for {P}, so an earlier assumption must be wrong. Let me go back.", "Both options for {P} fail, so I need to backtrack."}
	phOther    = []string{"But wait, I should check whether {P} could be a knave instead.", "Just to be safe, what if {P} were a knave?"}
	phUnique   = []string{"So {P} cannot be a knave, and the solution is unique.", "That fails, so the first solution is the only one."}
	phAllSet   = []string{"Everyone is now assigned without a contradiction.", "That settles everyone, and nothing contradicts."}
	phCheck    = []string{"Let me double-check each claim.", "Let me verify this assignment against every statement.", "Let me re-check everything to be sure."}
	phCheckT   = []string{"{P} is a {R} and says \"{C}\", which is {V}. Good.", "{P} is a {R}: \"{C}\" is {V}, as it should be."}
	phSummary  = []string{"So the solution is: {K}.", "So we have: {K}.", "Putting it together: {K}."}
	phAnswer   = []string{"The final answer is: \\boxed{{A}}.", "So the answer is \\boxed{{A}}.", "Therefore, \\boxed{{A}}."}
)

// TeacherPhrases returns every phrase template the teacher can say, with its
// {placeholders}; a tokenizer can build its vocabulary from them.
func TeacherPhrases() []string {
	var all []string
	for _, t := range [][]string{phIntro, phRules, phListHead, phClaim, phAssume, phMust, phForcedK,
		phForced, phDecided, phClash, phNoWay, phCannot, phSwitch, phNeither, phOther, phUnique, phAllSet, phCheck,
		phCheckT, phSummary, phAnswer} {
		all = append(all, t...)
	}
	return all
}

// say appends one sentence built from a randomly chosen phrase. In terse
// mode the first phrase of a table is always used, the shortest by design.
func (t *teller) say(table []string, kv ...string) {
	ph := table[0]
	if !t.terse {
		ph = table[t.rng.Choice(len(table))]
	}
	t.sep(" ")
	t.out.WriteString(strings.NewReplacer(kv...).Replace(ph))
}

// sep writes s unless the trace is empty or already ends with a newline.
func (t *teller) sep(s string) {
	if t.out.Len() > 0 && !strings.HasSuffix(t.out.String(), "\n") {
		t.out.WriteString(s)
	}
}

// paragraph ends the current paragraph: exactly one blank line follows.
func (t *teller) paragraph() {
	text := strings.TrimRight(t.out.String(), "\n")
	t.out.Reset()
	t.out.WriteString(text)
	t.out.WriteString("\n\n")
}

func roleWord(v int8) string {
	if v == trueV {
		return "knight"
	}
	return "knave"
}

func truthWord(v int8) string {
	if v == trueV {
		return "true"
	}
	return "false"
}

// nameList renders "A, B, and C" ("A and B" for two).
func nameList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	case 2:
		return items[0] + " and " + items[1]
	}
	return strings.Join(items[:len(items)-1], ", ") + ", and " + items[len(items)-1]
}

// known renders the roles of the already-assigned people among ps as
// "A is a knight and B is a knave".
func (t *teller) known(ps []int, role []int8) string {
	var facts []string
	for _, q := range ps {
		if role[q] != unknown {
			facts = append(facts, t.p.Names[q]+" is a "+roleWord(role[q]))
		}
	}
	return nameList(facts)
}

func (t *teller) tell() string {
	n, names := t.p.People(), t.p.Names
	t.say(phIntro, "{L}", nameList(names), "{N}", fmt.Sprint(n))
	t.say(phRules)
	if !t.terse {
		t.paragraph()
		t.say(phListHead)
		for i, s := range t.p.Statements {
			t.out.WriteString("\n")
			t.say(phClaim, "{P}", names[i], "{C}", s.Content(names))
		}
	}
	t.paragraph()
	role := make([]int8, n)
	for i := range role {
		role[i] = unknown
	}
	sol, ok := t.solve(role)
	if !ok {
		// Unreachable for a uniquely solvable puzzle: the search is complete.
		panic(fmt.Sprintf("kk: teacher found no solution for puzzle %d", t.p.Index))
	}
	t.say(phAllSet)
	// Like R1, sometimes make sure the other choice for the first assumed
	// person fails too (a complete search: the puzzle has one solution).
	if f := t.first; f >= 0 && sol[f] == trueV && !t.terse && t.rng.Choice(2) == 0 {
		t.paragraph()
		t.say(phOther, "{P}", names[f])
		alt := append([]int8(nil), t.firstState...)
		alt[f] = falseV
		if _, ok := t.solve(alt); ok {
			panic(fmt.Sprintf("kk: teacher found a second solution for puzzle %d", t.p.Index))
		}
		t.say(phUnique, "{P}", names[f])
	}
	t.paragraph()
	t.say(phCheck)
	if !t.terse {
		for i, s := range t.p.Statements {
			t.say(phCheckT, "{P}", names[i], "{R}", roleWord(sol[i]), "{C}", s.Content(names),
				"{V}", truthWord(evalPartial(s, sol)))
		}
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	t.say(phSummary, "{K}", t.known(all, sol))
	t.paragraph()
	t.say(phAnswer, "{A}", t.p.GroundTruth())
	return t.out.String()
}

// solve is a depth-first search with propagation that narrates every step.
// It returns the completed assignment, or false when role leads to a
// contradiction.
func (t *teller) solve(role []int8) ([]int8, bool) {
	role, ok := t.propagate(append([]int8(nil), role...))
	if !ok {
		return nil, false
	}
	p := -1
	for i, r := range role {
		if r == unknown {
			p = i
			break
		}
	}
	if p < 0 {
		return role, true
	}
	name := t.p.Names[p]
	if t.first < 0 {
		t.first, t.firstState = p, append([]int8(nil), role...)
	}
	t.paragraph()
	t.say(phAssume, "{P}", name, "{R}", "knight")
	trial := append([]int8(nil), role...)
	trial[p] = trueV
	if sol, ok := t.solve(trial); ok {
		return sol, true
	}
	t.say(phCannot, "{P}", name, "{R}", "knight")
	t.say(phSwitch, "{P}", name, "{R}", "knave")
	trial = append(trial[:0], role...)
	trial[p] = falseV
	if sol, ok := t.solve(trial); ok {
		return sol, true
	}
	t.say(phNeither, "{P}", name)
	return nil, false
}

// propagate derives every consequence of role by unit reasoning until
// nothing changes, narrating each deduction. It returns false (after
// narrating the contradiction) when role is inconsistent.
func (t *teller) propagate(role []int8) ([]int8, bool) {
	names, stmts := t.p.Names, t.p.Statements
	for changed := true; changed; {
		changed = false
		for q, s := range stmts {
			mentions := s.Mentions(nil)
			content := s.Content(names)
			if role[q] == unknown {
				// An undecided speaker whose claim is already decided.
				if v := evalPartial(s, role); v != unknown {
					role[q] = v
					t.say(phDecided, "{P}", names[q], "{C}", content, "{K}", t.known(mentions, role),
						"{V}", truthWord(v), "{R}", roleWord(v))
					changed = true
				}
				continue
			}
			want := role[q] // a knight's claim is true, a knave's false
			switch v := evalPartial(s, role); {
			case v == want:
				continue
			case v != unknown:
				t.say(phClash, "{P}", names[q], "{R}", roleWord(want), "{C}", content,
					"{V}", truthWord(want), "{K}", t.known(mentions, role))
				return nil, false
			}
			free, possible, ok := completions(s, role, want)
			if !ok {
				t.say(phNoWay, "{P}", names[q], "{R}", roleWord(want), "{C}", content, "{V}", truthWord(want))
				return nil, false
			}
			knownBefore := t.known(mentions, role)
			var forced []int
			for k, r := range free {
				if possible[k][0] != possible[k][1] { // exactly one role works
					if possible[k][1] {
						role[r] = trueV
					} else {
						role[r] = falseV
					}
					forced = append(forced, r)
				}
			}
			if len(forced) == 0 {
				continue
			}
			t.say(phMust, "{P}", names[q], "{R}", roleWord(want), "{C}", content, "{V}", truthWord(want))
			for _, r := range forced {
				if knownBefore != "" {
					t.say(phForcedK, "{K}", knownBefore, "{P}", names[r], "{R}", roleWord(role[r]))
				} else {
					t.say(phForced, "{P}", names[r], "{R}", roleWord(role[r]))
				}
			}
			changed = true
		}
	}
	return role, true
}
