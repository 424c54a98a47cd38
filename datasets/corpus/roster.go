package corpus

import (
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/prompt"
)

// kkRoster writes a copy drill: the sentence that introduces a puzzle's
// people ("You meet 3 inhabitants: A, B, and C."), each person's role told
// as a plain fact (in the introduction's order or shuffled), and the boxed
// answer in the introduction's order. Every K&K answer needs this skill —
// read the names off the prompt, write them back in order, each with the
// role found for it — and a tiny model learns it slowly from episodes
// alone, where the names are a few tokens among hundreds: bases
// pre-trained without drills answered with the same invented names for
// every puzzle. The roles are the puzzle's solution, so every drill is true.
func (g *generator) kkRoster() (string, error) {
	p, err := g.puzzle()
	if err != nil {
		return "", err
	}
	names := p.Names
	var b strings.Builder
	b.WriteString("You meet " + strconv.Itoa(len(names)) + " inhabitants: ")
	b.WriteString(strings.Join(names[:len(names)-1], ", ") + ", and " + names[len(names)-1] + ".")
	order := make([]int, len(names))
	for i := range order {
		order[i] = i
	}
	if g.r.chance(0.5) {
		g.r.g.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	}
	for _, i := range order {
		b.WriteString(" " + names[i] + " is a " + roleWord(p.Solution[i]) + ".")
	}
	b.WriteString(" " + fill(kkAnswerLines[g.r.intn(len(kkAnswerLines))], "{A}", groundTruth(names, p.Solution)))
	return b.String() + prompt.EndOfText, nil
}
