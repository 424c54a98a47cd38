package kk

import (
	"strconv"
	"strings"
)

// Puzzle is one generated Knights & Knaves puzzle with every field
// mem-kk-logic stores for it (kk.md §3–4).
type Puzzle struct {
	// Index is the puzzle's position in its sampler run (mem-kk's "index");
	// the formatter that rendered it was seeded with 1234+Index.
	Index int
	// Statements holds one statement per person, person i's at position i.
	Statements []Statement
	// Solution is the unique solution: Solution[i] is true iff person i is a knight.
	Solution []bool
	// Names are the people's names; Names[i] is person i.
	Names []string
	// Templates are the indices into Templates used to render each person's statement.
	Templates []int
	// Quiz is the puzzle text shown to the model.
	Quiz string
	// CoTSteps are the template chain-of-thought sentences (mem-kk's
	// "cot_repeat_steps"), from the depth-first search tape (kk.md §4).
	CoTSteps []string
}

// The fixed sentences around the template chain of thought (kk.md §4.2).
const (
	CoTHead = "Let's think step by step, by considering whether each person is lying and if that leads to contradiction."
	CoTFoot = "This leads to a feasible solution."
)

// People returns the number of people in the puzzle (its level).
func (p Puzzle) People() int { return len(p.Statements) }

// Role returns "knight" or "knave" for person i under the solution.
func (p Puzzle) Role(i int) string {
	if p.Solution[i] {
		return "knight"
	}
	return "knave"
}

// solutionParts returns "Name is a knight|knave" for every person, in order.
func (p Puzzle) solutionParts() []string {
	parts := make([]string, len(p.Names))
	for i, name := range p.Names {
		parts[i] = name + " is a " + p.Role(i)
	}
	return parts
}

// GroundTruth is the answer string the paper boxes and scores against:
// "Zoey is a knave, Oliver is a knight" (names order, ", " separated).
func (p Puzzle) GroundTruth() string { return strings.Join(p.solutionParts(), ", ") }

// SolutionText is mem-kk's "solution_text":
// "Zoey is a knave, and Oliver is a knight." (Oxford comma even for two).
func (p Puzzle) SolutionText() string {
	parts := p.solutionParts()
	return strings.Join(parts[:len(parts)-1], ", ") + ", and " + parts[len(parts)-1] + "."
}

// SolutionTextFormat is mem-kk's "solution_text_format":
// "(1) Zoey is a knave\n(2) Oliver is a knight".
func (p Puzzle) SolutionTextFormat() string {
	parts := p.solutionParts()
	lines := make([]string, len(parts))
	for i, s := range parts {
		lines[i] = "(" + strconv.Itoa(i+1) + ") " + s
	}
	return strings.Join(lines, "\n")
}

// StatementsRepr is mem-kk's "statements" field: Python's repr of the tuple of trees.
func (p Puzzle) StatementsRepr() string { return ReprAll(p.Statements) }

// ShortCoT is the template chain of thought as one paragraph:
// CoTHead, the steps, CoTFoot, separated by single spaces.
func (p Puzzle) ShortCoT() string {
	return CoTHead + " " + strings.Join(p.CoTSteps, " ") + " " + CoTFoot
}
