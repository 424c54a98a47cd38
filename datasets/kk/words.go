package kk

import (
	"slices"
	"strings"

	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/words"
)

// Words returns the closed vocabulary of the package's texts besides the
// digits 0–9: every word and punctuation token that a quiz, the hint, the
// template chain of thought, a teacher trace (full or terse) and the answer
// strings (GroundTruth, SolutionText, SolutionTextFormat) can contain, split
// by the shared rule of package words, sorted by byte order and
// unique. The end-of-text marker is not a word: tokenizers treat it as a
// special token. A caller may modify the returned slice.
//
// The list is derived from the package's own tables and renderers (names,
// saying templates, the quiz preamble, the hint, the chain-of-thought head,
// foot and step sentences, the teacher's phrase tables), so a new phrase
// enters the vocabulary without a second list to keep in sync.
func Words() []string {
	set := map[string]bool{}
	add := func(text string) {
		for _, w := range splitWords(strings.ReplaceAll(text, prompt.EndOfText, " ")) {
			if !(len(w) == 1 && w[0] >= '0' && w[0] <= '9') {
				set[w] = true
			}
		}
	}
	for _, name := range CommonNames {
		add(name)
	}
	for _, t := range Templates {
		add(stripPlaceholders(t))
	}
	for _, ph := range TeacherPhrases() {
		add(stripPlaceholders(ph))
	}
	for _, text := range []string{quizPrefix, quizPostfix, Hint, CoTHead, CoTFoot} {
		add(text)
	}
	for _, text := range renderedTexts() {
		add(text)
	}
	words := make([]string, 0, len(set))
	for w := range set {
		words = append(words, w)
	}
	slices.Sort(words)
	return words
}

// stripPlaceholders replaces every {placeholder} of a template or phrase by a
// space, so the words around it stay separate. The teacher's "\boxed{{A}}"
// keeps its braces: only the inner "{A}" is a placeholder.
func stripPlaceholders(s string) string {
	var b strings.Builder
	for len(s) > 0 {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		inner := ""
		if j > 0 {
			inner = s[i+1 : i+j]
		}
		if inner == "" || strings.ContainsAny(inner, "{ ") {
			// Not a placeholder ("\boxed{" followed by a placeholder, say).
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteByte(' ')
		s = s[i+j+1:]
	}
	return b.String()
}

// renderedTexts returns the text that the package's code (not its tables)
// puts around names and claims: statement clauses of every operator, the
// quiz's inhabitant list, every kind of template step, the answer strings
// and the fixed words of the short-CoT response and of teacher facts. It
// renders a synthetic three-person puzzle; the puzzle need not be solvable.
func renderedTexts() []string {
	names := CommonNames[:3]
	leaf := func(p int, knight bool) Statement {
		if knight {
			return Statement{Op: TellingTruth, Person: p}
		}
		return Statement{Op: Lying, Person: p}
	}
	stmts := []Statement{
		{Op: Not, Args: []Statement{leaf(1, true)}},
		{Op: Not, Args: []Statement{leaf(2, false)}},
		{Op: And, Args: []Statement{leaf(0, true), leaf(1, false)}},
		{Op: Or, Args: []Statement{leaf(0, true), leaf(1, false)}},
		{Op: Implies, Args: []Statement{leaf(0, true), leaf(1, false)}},
		{Op: Iff, Args: []Statement{leaf(0, true), leaf(1, false)}},
	}
	var texts []string
	for _, s := range stmts {
		texts = append(texts, s.Content(names))
	}
	p := Puzzle{
		Statements: stmts[:3],
		Solution:   []bool{true, false, true},
		Names:      names,
		Quiz:       Quiz(stmts[:3], names, []int{0, 0, 0}),
	}
	for _, step := range []TapeStep{
		{Kind: StepOK, Person: 0, Knight: true},
		{Kind: StepOK, Person: 0, Knight: false},
		{Kind: StepConflict, Person: 0, Knight: true, Conflict: 1, ConflictKnight: true},
		{Kind: StepConflict, Person: 0, Knight: false, Conflict: 0, ConflictKnight: false},
		{Kind: StepReconsider, Person: 0, Exhausted: []int{2, 1}},
	} {
		p.CoTSteps = append(p.CoTSteps, RenderStep(step, p.Statements, names))
	}
	texts = append(texts, p.Quiz, p.ShortCoTResponse(), p.GroundTruth(), p.SolutionText(), p.SolutionTextFormat(),
		nameList(names), roleWord(trueV), roleWord(falseV), truthWord(trueV), truthWord(falseV))
	return texts
}

// splitWords splits text into words by the shared rule of package words.
func splitWords(text string) []string { return words.Split(text) }
