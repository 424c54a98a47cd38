package reward

import "strings"

// KKParts splits a Knights & Knaves answer into the two skills its reward
// needs at once: naming the puzzle's people (copying them from the prompt)
// and giving each the right role (the reasoning). A model that names them
// and flips a coin for each role is right 2^-n of the time on n people;
// KKParts lets a report tell that apart from reasoning (see KKAnswerParts).
type KKParts struct {
	// Boxed reports whether the text has a flat box (LastBoxedFlat).
	Boxed bool
	// People is the number of people in the puzzle: the ground truth's clauses.
	People int
	// Named reports whether the box names exactly the puzzle's people, each
	// once, every clause spelt "<Name> is a knight" or "<Name> is a knave"
	// and the clauses joined by ", " as the reward splits them. Roles may
	// be wrong. KKNoEOS is 1 iff Named and RolesRight == People.
	Named bool
	// RolesRight counts the puzzle's people given their true role by a
	// well-formed clause of the box (the first clause that names them).
	// It is counted whether or not Named holds.
	RolesRight int
	// Knights counts the puzzle's people the box calls knights, clause by
	// clause as RolesRight (the first clause that names them), and
	// TrueKnights those the ground truth calls knights. Their ratios over
	// many answers show a bias in the roles given: a policy can move its
	// share of knights toward or past the truth's without reasoning better,
	// which is what RL first does to a tiny model (README).
	Knights, TrueKnights int
}

// kkClause splits "<Name> is a knight|knave" into name and role; ok is false
// for any other clause.
func kkClause(clause string) (name, role string, ok bool) {
	for _, r := range [...]string{"knight", "knave"} {
		if n, found := strings.CutSuffix(clause, " is a "+r); found && n != "" && !strings.Contains(n, " is a ") {
			return n, r, true
		}
	}
	return "", "", false
}

// KKAnswerParts parses the last flat box of text against groundTruth (the
// dataset's answer, e.g. "Zoey is a knave, Oliver is a knight"). Pass the
// response alone, not prompt+response: a response without a box would
// otherwise be scored on the prompt's example box. End-of-text is not
// checked; the K&K reward also needs it (KK).
func KKAnswerParts(text, groundTruth string) KKParts {
	truth := map[string]string{}
	for _, c := range strings.Split(groundTruth, kkSep) {
		if name, role, ok := kkClause(c); ok {
			truth[name] = role
		}
	}
	p := KKParts{People: len(truth)}
	for _, role := range truth {
		if role == "knight" {
			p.TrueKnights++
		}
	}
	content, ok := LastBoxedFlat(text)
	if !ok {
		return p
	}
	p.Boxed = true
	seen := map[string]bool{}
	p.Named = true
	for _, c := range strings.Split(content, kkSep) {
		name, role, ok := kkClause(c)
		_, inPuzzle := truth[name]
		if !ok || !inPuzzle || seen[name] {
			p.Named = false
			if !ok || !inPuzzle {
				continue
			}
		}
		if !seen[name] {
			seen[name] = true
			if truth[name] == role {
				p.RolesRight++
			}
			if role == "knight" {
				p.Knights++
			}
		}
	}
	if len(seen) != len(truth) {
		p.Named = false
	}
	return p
}
