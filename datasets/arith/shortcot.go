package arith

import "strings"

// FinalLine is the closing line of every trace, the MATH solutions' phrasing
// the paper appends to teacher traces (paper.md §4.2); %s stands for the answer.
const FinalLine = "The final answer is: \\boxed{%s}."

// finalLine returns FinalLine for an answer.
func finalLine(v int64) string { return "The final answer is: \\boxed{" + itoa(v) + "}." }

// ShortCoT is the terse "human solution" (kk.md §10.1): one line
// "x op y = v." per operation in evaluation order (innermost first, left to
// right), then the final-answer line with the boxed answer. A negative right
// operand is written in parentheses, "7 - (-3) = 10.".
//
// The lines come from Expr and the box from Answer; for a hand-made Problem
// whose Expr does not parse, only the final line is written.
func (p Problem) ShortCoT() string {
	var b strings.Builder
	if t, err := parseTree(p.Expr); err == nil {
		for _, s := range steps(t) {
			b.WriteString(s.text() + ".\n")
		}
	}
	b.WriteString(finalLine(p.Answer))
	return b.String()
}
