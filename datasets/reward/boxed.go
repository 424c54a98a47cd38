package reward

import "strings"

// boxOpen is the literal that starts a boxed answer. Like both reference
// regexes, nothing may sit between "\boxed" and its brace.
const boxOpen = `\boxed{`

// LastBoxedFlat returns the content of the last match of the paper's regex
// \\boxed\{([^{}]*)\}: a box whose content holds no brace at all, so
// "\boxed{\text{x}}" never matches and an earlier flat box wins instead.
// ok is false when there is no match.
//
// Matches of that regex cannot overlap (their content has no "{"), so the
// last one found by Python's left-to-right findall is simply the
// right-most "\boxed{" that is followed by a "}" before any "{"; scanning
// candidates from the end finds it in linear time.
func LastBoxedFlat(text string) (content string, ok bool) {
	end := len(text)
	for {
		i := strings.LastIndex(text[:end], boxOpen)
		if i < 0 {
			return "", false
		}
		rest := text[i+len(boxOpen):]
		if j := strings.IndexAny(rest, "{}"); j >= 0 && rest[j] == '}' {
			return rest[:j], true
		}
		// A later candidate's scan stops at or before this one's "{", so the
		// total work stays linear.
		end = i
	}
}

// LastBoxed returns the content of the last "\boxed{…}" whose braces balance,
// at any nesting depth; a box left open at the end of text is not a match.
// ok is false when there is none.
//
// "Last" follows regex findall semantics, as deep-reasoning's MATH reward
// does with \\boxed\{((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}: a box nested
// inside a matched box is part of that match, so "\boxed{\boxed{5}}" yields
// "\boxed{5}", while an open "\boxed{" does not hide the boxes after it. The
// one difference from that regex is depth: it allows two levels of braces
// inside the box and silently skips a box with more (e.g.
// "\boxed{\frac{1}{2^{x^{2}}}}" matches nothing there), whereas LastBoxed
// accepts any depth.
//
// Implementation: one pass with a stack of open braces, marking those opened
// by "\boxed{". Balanced boxes nest or are disjoint, so the findall-last one
// is the box whose closing brace comes last, which is the last box closed.
func LastBoxed(text string) (content string, ok bool) {
	// The stack holds, for each open brace, the content start of its box, or
	// -1 for a brace that does not open a box.
	var stack []int
	lo, hi := -1, -1
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '{':
			start := -1
			if i+1 >= len(boxOpen) && text[i+1-len(boxOpen):i+1] == boxOpen {
				start = i + 1
			}
			stack = append(stack, start)
		case '}':
			if len(stack) == 0 {
				// A stray "}" closes nothing: no box that could still match
				// is open.
				continue
			}
			start := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if start >= 0 {
				lo, hi = start, i
			}
		}
	}
	if lo < 0 {
		return "", false
	}
	return text[lo:hi], true
}
