package reward

import (
	"regexp"
	"testing"
)

// The reference regexes: the paper's flat K&K box and deep-reasoning's MATH
// box with two levels of nesting.
var (
	flatBoxRe = regexp.MustCompile(`\\boxed\{([^{}]*)\}`)
	mathBoxRe = regexp.MustCompile(`\\boxed\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}`)
)

// lastSubmatch is Python's re.findall(...)[-1] for a one-group regex.
func lastSubmatch(re *regexp.Regexp, text string) (string, bool) {
	ms := re.FindAllStringSubmatch(text, -1)
	if len(ms) == 0 {
		return "", false
	}
	return ms[len(ms)-1][1], true
}

func TestLastBoxedFlat(t *testing.T) {
	tests := []struct {
		name, text, want string
		ok               bool
	}{
		{"empty string", "", "", false},
		{"no box", "the answer is 5", "", false},
		{"simple", `so \boxed{5}.`, "5", true},
		{"empty box", `\boxed{}`, "", true},
		{"box at the very end", `x \boxed{a, b}`, "a, b", true},
		{"last of several", `\boxed{1} then \boxed{2}`, "2", true},
		{"nested never matches, earlier flat box wins", `\boxed{1} \boxed{\text{2}}`, "1", true},
		{"inner flat box of a nested one", `\boxed{\boxed{3}}`, "3", true},
		{"unclosed last box", `\boxed{1} \boxed{2`, "1", true},
		{"open brace inside", `\boxed{a{b}`, "", false},
		{"space before brace is no box", `\boxed {5}`, "", false},
		{"newline inside content", "\\boxed{a\nb}", "a\nb", true},
		{"prompt boxes only", kkPrompt, "XX is a knave, YY is a knight, ...", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := LastBoxedFlat(tc.text)
			wantRe, okRe := lastSubmatch(flatBoxRe, tc.text)
			if ok != okRe || got != wantRe {
				t.Fatalf("LastBoxedFlat(%q) = %q, %v; the paper's regex gives %q, %v", tc.text, got, ok, wantRe, okRe)
			}
			if got != tc.want || ok != tc.ok {
				t.Errorf("LastBoxedFlat(%q) = %q, %v, want %q, %v", tc.text, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestLastBoxed(t *testing.T) {
	tests := []struct {
		name, text, want string
		ok               bool
	}{
		{"empty string", "", "", false},
		{"no box", "42", "", false},
		{"simple", `\boxed{42}`, "42", true},
		{"box at the very end", `so \boxed{42}`, "42", true},
		{"frac", `\boxed{\frac{6}{3}}.`, `\frac{6}{3}`, true},
		{"depth 3", `\boxed{\frac{1}{2^{x^{2}}}}`, `\frac{1}{2^{x^{2}}}`, true},
		{"outer box contains the inner one", `\boxed{\boxed{5}}`, `\boxed{5}`, true},
		{"unbalanced trailing box is no match", `\boxed{1} and \boxed{2`, "1", true},
		{"open box does not hide later ones", `\boxed{\frac{1} \boxed{7}`, "7", true},
		{"only unbalanced", `\boxed{{1}`, "", false},
		{"stray closing braces", `}} \boxed{3} }`, "3", true},
		{"last closed wins", `\boxed{1} x \boxed{2} y`, "2", true},
		{"empty", `\boxed{}`, "", true},
		{"text before brace is not a box", `\boxedx{3}`, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := LastBoxed(tc.text)
			if got != tc.want || ok != tc.ok {
				t.Fatalf("LastBoxed(%q) = %q, %v, want %q, %v", tc.text, got, ok, tc.want, tc.ok)
			}
			if ng, nok := naiveLastBoxed(tc.text); ng != got || nok != ok {
				t.Errorf("naive oracle gives %q, %v", ng, nok)
			}
		})
	}
}

// TestLastBoxedVersusMathRegex pins down the documented difference from the
// MATH reward's regex: they agree up to two levels of braces inside the box;
// beyond that the regex skips the box and LastBoxed does not.
func TestLastBoxedVersusMathRegex(t *testing.T) {
	tests := []struct {
		text   string
		agrees bool
	}{
		{`\boxed{5}`, true},
		{`\boxed{\frac{1}{2}}`, true},
		{`\boxed{\frac{1}{2^{3}}}`, true},
		{`\boxed{\boxed{5}}`, true},
		{`\boxed{1} \boxed{2`, true},
		{`\boxed{\frac{1}{2^{x^{2}}}}`, false},
		{`\boxed{4} \boxed{{{{5}}}}`, false},
	}
	for _, tc := range tests {
		got, ok := LastBoxed(tc.text)
		re, reOK := lastSubmatch(mathBoxRe, tc.text)
		if agree := got == re && ok == reOK; agree != tc.agrees {
			t.Errorf("%q: LastBoxed %q,%v vs MATH regex %q,%v: agree=%v, want %v", tc.text, got, ok, re, reOK, agree, tc.agrees)
		}
	}
}
