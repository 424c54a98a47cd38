package corpus

import (
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// fragmentBreakRate is the chance that a K&K fragment starts a new paragraph
// between two phrases, as the teacher's traces do (default 0.2).
const fragmentBreakRate = 0.2

// kkFragment writes a few of the K&K teacher's phrases (kk.TeacherPhrases)
// with random content: random people from a random cast, roles, claims,
// truth values and answers, so most of what it says is unrelated or false.
// It carries the long-CoT arm's phrasing without any coherent reasoning.
func (g *generator) kkFragment() string {
	phrases := kk.TeacherPhrases()
	names := g.names(g.r.between(g.c.MinPeople, g.c.MaxPeople))
	var b strings.Builder
	for i := range g.r.between(2, g.c.MaxPhrases) {
		if i > 0 {
			if g.r.chance(fragmentBreakRate) {
				b.WriteString("\n\n")
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(g.randomFill(phrases[g.r.intn(len(phrases))], names))
	}
	return b.String() + prompt.EndOfText
}

// randomFill fills a teacher phrase's placeholders ({P} {R} {C} {V} {K} {N}
// {L} {A}, see kk.TeacherPhrases) with random content about names. A
// placeholder repeated in a phrase gets the same value, as in a real trace.
func (g *generator) randomFill(ph string, names []string) string {
	k := len(names)
	roles := make([]bool, k)
	for i := range roles {
		roles[i] = g.r.chance(0.5)
	}
	var known []fact
	for _, q := range g.r.g.ChoiceNoReplace(k, g.r.between(1, min(2, k))) {
		known = append(known, fact{q, roles[q]})
	}
	return fill(ph,
		"{P}", names[g.r.intn(k)],
		"{R}", roleWord(g.r.chance(0.5)),
		"{C}", g.statement(k).Content(names),
		"{V}", truthWord(g.r.chance(0.5)),
		"{K}", facts(names, known),
		"{N}", strconv.Itoa(k),
		"{L}", nameList(names),
		"{A}", groundTruth(names, roles),
	)
}

// arithFragment writes a window of one to MaxPhrases/2 consecutive
// paragraphs of the ARITH teacher's trace for a corpus problem, never the
// whole trace.
func (g *generator) arithFragment() (string, error) {
	p, err := g.problem()
	if err != nil {
		return "", err
	}
	paras := strings.Split(p.LongCoT(g.c.Seed), "\n")
	w := g.r.between(1, max(1, min(g.c.MaxPhrases/2, len(paras)-1)))
	start := g.r.intn(len(paras) - w + 1)
	return strings.Join(paras[start:start+w], "\n") + prompt.EndOfText, nil
}
