package kk

import "strings"

// StepKind is the kind of one step of the template chain of thought's
// search tape.
type StepKind int

// The step kinds of mem-kk-logic's generate_chain_of_thoughts tape.
const (
	// StepOK: assuming Person is Knight contradicts no assigned statement.
	StepOK StepKind = iota
	// StepConflict: assuming Person is Knight makes the statement of
	// Conflict (assigned ConflictKnight) impossible.
	StepConflict
	// StepReconsider: both options of the people in Exhausted failed; the
	// search backtracks to Person.
	StepReconsider
	// StepSuccess: everyone is assigned without contradiction (last step).
	StepSuccess
	// StepFail: every assignment failed (last step; never in the data).
	StepFail
)

// TapeStep is one entry of the depth-first search tape (kk.md §4.1).
type TapeStep struct {
	// Kind says what happened at this step.
	Kind StepKind
	// Person is the person assumed (StepOK, StepConflict) or reconsidered
	// (StepReconsider).
	Person int
	// Knight is the role assumed for Person (StepOK, StepConflict).
	Knight bool
	// Conflict is the person whose statement cannot hold (StepConflict);
	// it may be Person.
	Conflict int
	// ConflictKnight is Conflict's current role (StepConflict).
	ConflictKnight bool
	// Exhausted lists the people whose options ran out, latest first
	// (StepReconsider).
	Exhausted []int
}

// SearchTape runs mem-kk-logic's generate_chain_of_thoughts(statements,
// dynamic_person_order=True): a depth-first search that tries knight before
// knave for each person, checks every assigned statement after each
// assumption, backtracks when both options fail, and after each successful
// assumption moves the people the assumed person talks about to the front of
// the queue. The queue is not restored on backtracking, as in the original.
// The last step is StepSuccess or StepFail.
func SearchTape(stmts []Statement) []TapeStep {
	n := len(stmts)
	var tape []TapeStep
	assigned := make([]bool, n) // whether assign[p] is set (Python's None)
	assign := make([]bool, n)
	options := make([]int, n) // options left: 2 → [False, True], 1 → [False], 0 → []
	order := make([]int, n)
	for p := range n {
		options[p] = 2
		order[p] = p
	}
	c := 0
	for {
		if c >= n {
			return append(tape, TapeStep{Kind: StepSuccess})
		}
		if options[order[c]] == 0 {
			var exhausted []int
			for c >= 0 && options[order[c]] == 0 {
				options[order[c]] = 2
				assigned[order[c]] = false
				exhausted = append(exhausted, order[c])
				c--
			}
			if c < 0 {
				return append(tape, TapeStep{Kind: StepFail})
			}
			tape = append(tape, TapeStep{Kind: StepReconsider, Person: order[c], Exhausted: exhausted})
		}
		p := order[c]
		// options[p].pop() takes the last of [False, True]: knight first.
		assign[p] = options[p] == 2
		assigned[p] = true
		options[p]--
		if q, ok := falsified(stmts, assign, assigned); ok {
			tape = append(tape, TapeStep{Kind: StepConflict, Person: p, Knight: assign[p], Conflict: q, ConflictKnight: assign[q]})
			continue
		}
		tape = append(tape, TapeStep{Kind: StepOK, Person: p, Knight: assign[p]})
		c++
		reorderPeople(order[c:], mentionedPeople(stmts[p], nil))
	}
}

// falsified is mem-kk's can_be_falsified_v2: it scans the assigned people in
// index order and returns the first one whose statement (negated for a
// knave) is false under every completion of the unassigned people.
func falsified(stmts []Statement, assign, assigned []bool) (int, bool) {
	var free []int
	for q, st := range stmts {
		if !assigned[q] {
			continue
		}
		// Only the unassigned people the statement mentions can change its
		// value, so enumerating their completions is the same as
		// enumerating all unassigned people, and far cheaper.
		free = free[:0]
		for _, m := range st.Mentions(nil) {
			if !assigned[m] {
				free = append(free, m)
			}
		}
		satisfiable := false
		for bits := 0; bits < 1<<len(free) && !satisfiable; bits++ {
			for i, m := range free {
				assign[m] = bits&(1<<i) != 0
			}
			satisfiable = st.Eval(assign) == assign[q]
		}
		for _, m := range free { // leave unassigned slots as they were
			assign[m] = false
		}
		if !satisfiable {
			return q, true
		}
	}
	return 0, false
}

// mentionedPeople is mem-kk's _find_mentioned_people: every leaf's person in
// tree order, duplicates included.
func mentionedPeople(st Statement, dst []int) []int {
	if st.IsLeaf() {
		return append(dst, st.Person)
	}
	for _, a := range st.Args {
		dst = mentionedPeople(a, dst)
	}
	return dst
}

// reorderPeople is mem-kk's _reorder_people_sequence, ported literally: for
// each mentioned person, last to first, that is still in remaining, move it
// to the front. The net effect is first-mention order at the front.
func reorderPeople(remaining, mentioned []int) {
	for i := len(mentioned) - 1; i >= 0; i-- {
		p := mentioned[i]
		idx := -1
		for j, r := range remaining {
			if r == p {
				idx = j
				break
			}
		}
		if idx < 0 {
			continue
		}
		copy(remaining[1:idx+1], remaining[:idx])
		remaining[0] = p
	}
}

// RenderStep renders one non-final tape step as mem-kk's
// format_chain_of_thoughts does with both repeat options on (the
// "cot_repeat_steps" of the data), e.g. "Assume Zoey is a knave. No
// contradiction is found in their false claim that Oliver is not a knight."
// It returns "" for StepSuccess and StepFail, which become the foot.
func RenderStep(step TapeStep, stmts []Statement, names []string) string {
	var b strings.Builder
	switch step.Kind {
	case StepOK:
		b.WriteString("Assume " + names[step.Person] + " is " + aRole(step.Knight) + ". No contradiction is found in their ")
		if !step.Knight {
			b.WriteString("false ")
		}
		b.WriteString("claim that " + stmts[step.Person].Content(names) + ".")
	case StepConflict:
		b.WriteString(names[step.Person] + " cannot be " + aRole(step.Knight) + ", because this would contradict the ")
		if !step.ConflictKnight {
			b.WriteString("false ")
		}
		b.WriteString("claim of ")
		if step.Conflict == step.Person {
			b.WriteString("their own")
		} else {
			b.WriteString(names[step.Conflict])
		}
		b.WriteString(" that " + stmts[step.Conflict].Content(names) + ".")
	case StepReconsider:
		b.WriteString("We have exhausted all possibilities for ")
		ex := make([]string, len(step.Exhausted))
		for i, p := range step.Exhausted {
			ex[i] = names[p]
		}
		b.WriteString(nameList(ex))
		b.WriteString(", so let us go back and reconsider " + names[step.Person] + ".")
	}
	return b.String()
}

// aRole returns "a knight" or "a knave".
func aRole(knight bool) string {
	if knight {
		return "a knight"
	}
	return "a knave"
}

// TemplateCoTSteps returns the template chain-of-thought sentences for a
// puzzle (mem-kk's "cot_repeat_steps"): every step of SearchTape but the
// final success or failure, rendered with RenderStep.
func TemplateCoTSteps(stmts []Statement, names []string) []string {
	tape := SearchTape(stmts)
	steps := make([]string, 0, len(tape)-1)
	for _, st := range tape[:len(tape)-1] {
		steps = append(steps, RenderStep(st, stmts, names))
	}
	return steps
}
