package corpus

import (
	"slices"
	"strings"

	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// Semantics sentences. Every one is true by construction; {F} is a list of
// facts "A is a knight and B is a knave", {C} a claim, {V} true/false, {P}
// a speaker and {R} a role.
const (
	// semEval states a claim's truth under an assignment of everyone it names.
	semEval = `If {F}, then the claim "{C}" is {V}.`
	// semSpeaker states the rule from a speaker's role to their claim's truth.
	semSpeaker = `If {P} is a {R}, then {P}'s claim "{C}" is {V}.`
	// semReverse states the rule from a claim's truth to its speaker's role.
	semReverse = `If {P}'s claim "{C}" is {V}, then {P} is a {R}.`
	// semDeduce states the roles a speaker's role and claim force on others.
	semDeduce = `If {P} is a {R} and says "{C}", then {F}.`
	// semCannot states that a speaker cannot have a role, whatever the others are.
	semCannot = `If {P} says "{C}", then {P} is not a {R}.`
)

// semRules are the rules themselves, which open some semantics documents.
var semRules = []string{
	"Knights always tell the truth, and knaves always lie.",
	"A knight's claim is true, and a knave's claim is false.",
}

// Tunables of semantics documents.
const (
	// semRulesRate is the share of semantics documents that open with a rule
	// sentence (default 0.3).
	semRulesRate = 0.3
	// semMinPeople and semMaxPeople bound the people a semantics document
	// talks about (default 2–4: a claim names at most two).
	semMinPeople, semMaxPeople = 2, 4
	// semBystanderRate is the share of evaluation sentences that also give
	// the role of someone the claim does not name (default 0.3).
	semBystanderRate = 0.3
)

// semWeights are the relative frequencies of semEval, semSpeaker,
// semReverse and semDeduce (default 35:15:15:35). The last three fall back to
// semCannot when the speaker cannot have the role, and semDeduce to semEval
// when the claim forces nobody else's role.
var semWeights = []float64{0.35, 0.15, 0.15, 0.35}

// semantics writes a document of true sentences about the claims of a few
// random people.
func (g *generator) semantics() string {
	names := g.names(g.r.between(semMinPeople, semMaxPeople))
	var parts []string
	if g.r.chance(semRulesRate) {
		parts = append(parts, semRules[g.r.intn(len(semRules))])
	}
	for range g.r.between(2, g.c.MaxSentences) {
		parts = append(parts, g.sentence(names))
	}
	return strings.Join(parts, " ") + prompt.EndOfText
}

// sentence writes one true sentence about a random claim. The speaker
// sentences are only written when the speaker can have the role with that
// claim; otherwise the sentence says they cannot (semCannot), since "if P
// is a knight, P's claim is true" about a claim that P's being a knight
// makes false would teach a paradox.
func (g *generator) sentence(names []string) string {
	st := g.statement(len(names))
	c := st.Content(names)
	speaker := g.r.intn(len(names))
	knight := g.r.chance(0.5)
	P, R := names[speaker], roleWord(knight)
	if shape := g.r.weighted(semWeights); shape > 0 {
		forced, possible := forcedRoles(st, speaker, knight)
		switch {
		case !possible:
			return fill(semCannot, "{P}", P, "{R}", R, "{C}", c)
		case shape == 1:
			return fill(semSpeaker, "{P}", P, "{R}", R, "{C}", c, "{V}", truthWord(knight))
		case shape == 2:
			return fill(semReverse, "{P}", P, "{R}", R, "{C}", c, "{V}", truthWord(knight))
		case len(forced) > 0:
			return fill(semDeduce, "{P}", P, "{R}", R, "{C}", c, "{F}", facts(names, forced))
		}
	}
	assign := map[int]bool{}
	var fs []fact
	for _, q := range st.Mentions(nil) {
		assign[q] = g.r.chance(0.5)
		fs = append(fs, fact{q, assign[q]})
	}
	// Sometimes add a bystander the claim does not name: their role does
	// not change its truth.
	if len(fs) < len(names) && g.r.chance(semBystanderRate) {
		var others []int
		for q := range names {
			if _, ok := assign[q]; !ok {
				others = append(others, q)
			}
		}
		f := fact{others[g.r.intn(len(others))], g.r.chance(0.5)}
		fs = slices.Insert(fs, g.r.intn(len(fs)+1), f)
	}
	return fill(semEval, "{F}", facts(names, fs), "{C}", c, "{V}", truthWord(evalMap(st, assign)))
}

// fact is one "Name is a knight|knave".
type fact struct {
	person int
	knight bool
}

// facts renders facts as "A is a knight" or "A is a knight and B is a knave".
func facts(names []string, fs []fact) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = names[f.person] + " is a " + roleWord(f.knight)
	}
	return nameList(parts)
}

// evalMap evaluates st where assign holds the roles of everyone it mentions.
func evalMap(st kk.Statement, assign map[int]bool) bool {
	n := 0
	for q := range assign {
		n = max(n, q+1)
	}
	a := make([]bool, n)
	for q, v := range assign {
		a[q] = v
	}
	return st.Eval(a)
}

// forcedRoles returns the roles that "speaker is a knight (or knave) and
// claims st" forces on the other people st mentions: those with the same
// role in every assignment where the claim's truth equals the speaker's
// knighthood. possible is false when there is no such assignment.
func forcedRoles(st kk.Statement, speaker int, knight bool) (forced []fact, possible bool) {
	var others []int
	for _, q := range st.Mentions(nil) {
		if q != speaker {
			others = append(others, q)
		}
	}
	n := speaker + 1
	for _, q := range others {
		n = max(n, q+1)
	}
	a := make([]bool, n)
	a[speaker] = knight
	// seen[k][v]: other k can be role v (0 knave, 1 knight).
	seen := make([][2]bool, len(others))
	for code := 0; code < 1<<len(others); code++ {
		for k, q := range others {
			a[q] = code>>k&1 == 1
		}
		if st.Eval(a) != knight {
			continue
		}
		possible = true
		for k, q := range others {
			if a[q] {
				seen[k][1] = true
			} else {
				seen[k][0] = true
			}
		}
	}
	for k, q := range others {
		if seen[k][0] != seen[k][1] {
			forced = append(forced, fact{q, seen[k][1]})
		}
	}
	return forced, possible
}

// statement draws a random claim over k people with the grammar and operator
// frequencies of mem-kk's sampler (a leaf, a "not" of a leaf, an and/or of
// two distinct leaves, an implication or iff of two distinct leaves), but
// from the corpus's own stream and without the puzzle's uniqueness
// constraint.
func (g *generator) statement(k int) kk.Statement {
	leaf := func() kk.Statement {
		if g.r.chance(0.5) {
			return kk.Statement{Op: kk.TellingTruth, Person: g.r.intn(k)}
		}
		return kk.Statement{Op: kk.Lying, Person: g.r.intn(k)}
	}
	two := func(op kk.Op) kk.Statement {
		a := leaf()
		b := leaf()
		for b.Equal(a) {
			b = leaf()
		}
		return kk.Statement{Op: op, Args: []kk.Statement{a, b}}
	}
	switch g.r.intn(6) {
	case 0:
		return leaf()
	case 1:
		return kk.Statement{Op: kk.Not, Args: []kk.Statement{leaf()}}
	case 2:
		return two(kk.And)
	case 3:
		return two(kk.Or)
	case 4:
		return two(kk.Implies)
	default:
		return two(kk.Iff)
	}
}

// names draws k distinct names from kk.CommonNames, or from its first
// NamePool names.
func (g *generator) names(k int) []string {
	pool := len(kk.CommonNames)
	if g.c.NamePool > 0 {
		pool = g.c.NamePool
	}
	out := make([]string, k)
	for i, j := range g.r.g.ChoiceNoReplace(pool, k) {
		out[i] = kk.CommonNames[j]
	}
	return out
}

// fill substitutes placeholder/value pairs in a phrase in one pass.
func fill(s string, kv ...string) string { return strings.NewReplacer(kv...).Replace(s) }

// nameList renders "A", "A and B", or "A, B, and C", as the K&K texts do.
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

func roleWord(knight bool) string {
	if knight {
		return "knight"
	}
	return "knave"
}

func truthWord(v bool) string {
	if v {
		return "true"
	}
	return "false"
}
