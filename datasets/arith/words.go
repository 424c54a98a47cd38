package arith

import (
	"slices"

	"github.com/r1lab/r1lab/datasets/words"
)

// BoxOpen is the token that opens the boxed answer; it is one word of the
// vocabulary, not five characters.
const BoxOpen = words.BoxOpen

// SplitWords splits a text the way Words assumes (the shared rule of
// package words): blanks and newlines separate tokens; `\boxed{` is one
// token; a run of ASCII letters is one word (case kept); every digit is a
// token of its own; every other character is a token of its own.
func SplitWords(text string) []string { return words.Split(text) }

// countWords is len(SplitWords(text)) without building the slice.
func countWords(text string) int { return words.Count(text) }

// vocabulary is every word and punctuation token, other than digits, that
// questions, expressions and traces of this package use. The tests check that
// generated text uses nothing else and that every entry is used.
var vocabulary = []string{
	// Punctuation, operators and the box.
	"(", ")", "*", "+", ",", "-", ".", "/", ":", "=", "?", `\boxed{`, "}",
	// Words.
	"A", "Adding", "Again", "All", "Alright", "At", "Both", "By", "Calculate", "Casting",
	"Compute", "Evaluate", "Every", "Everything", "Find", "First", "Give", "He", "Hmm", "Hold",
	"How", "I", "In", "Let", "Next", "Now", "Okay", "One", "Quickly", "Reading", "Redoing",
	"Shifting", "Since", "So", "Step", "Subtracting", "Taking", "That", "The", "Then", "There",
	"Therefore", "This", "To", "Tom", "Wait", "We", "What", "Without", "a", "about", "add",
	"added", "adding", "addition", "after", "again", "agree", "am", "among", "an", "and",
	"another", "answer", "apples", "are", "as", "asks", "away", "bag", "bags", "be", "becomes",
	"below", "bigger", "borrow", "box", "bring", "by", "carefully", "carry", "casting", "check",
	"checks", "child", "children", "coins", "column", "computation", "compute", "confident",
	"consistent", "different", "digit", "digits", "division", "do", "does", "double", "down",
	"each", "eaten", "eggs", "equally", "evaluate", "evaluating", "expression", "factor",
	"factors", "final", "finds", "finishes", "first", "for", "from", "front", "further", "get",
	"give", "gives", "glance", "goes", "has", "have", "he", "holds", "hundreds", "ignoring", "in",
	"inside", "instead", "integer", "into", "is", "it", "keep", "last", "left", "let", "line",
	"look", "many", "me", "minus", "more", "multiplication", "multiplied", "multiply", "my",
	"need", "negative", "nines", "not", "now", "number", "numbers", "of", "off", "on", "one",
	"ones", "operations", "order", "other", "out", "parentheses", "partial", "pens", "place",
	"places", "plus", "positive", "product", "products", "properly", "question", "quotient",
	"recompute", "result", "right", "rows", "rule", "rush", "safe", "same", "seems", "share",
	"shelf", "shifting", "shop", "should", "sides", "sign", "signs", "sizes", "slowly", "smaller",
	"so", "solve", "spends", "split", "start", "step", "steps", "story", "subtract",
	"subtracting", "subtraction", "ten", "tens", "than", "that", "the", "their", "them", "then",
	"there", "think", "this", "thousands", "through", "to", "turn", "undo", "undoing", "up",
	"value", "verify", "we", "when", "will", "with", "work", "write", "zero",
}

// Words returns the closed vocabulary of the task's texts besides the digits
// 0–9: the words, punctuation and operators (as SplitWords splits them),
// sorted by byte order. A caller may modify the returned slice.
func Words() []string {
	w := slices.Clone(vocabulary)
	slices.Sort(w)
	return w
}
