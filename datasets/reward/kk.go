package reward

import (
	"slices"
	"strings"
)

// kkSep separates the "Name is a knight" clauses of a K&K answer, both in the
// ground truth and inside the box.
const kkSep = ", "

// KK is the paper's Knights & Knaves reward, deep-reasoning's
// kk_no_format.compute_score, used for both RL and evaluation.
//
// text is the decoded prompt+response with special tokens kept; groundTruth
// is the dataset's answer string, e.g. "Zoey is a knave, Oliver is a knight".
// The score is 1 iff text ends with EndOfText or ImEnd (a truncated response
// scores 0, and so does one with anything, even a space, after the EOS) and
// KKNoEOS gives 1. Correct equals Value == 1.
func KK(text, groundTruth string) Score {
	if !EndsWithEOS(text) {
		return Score{}
	}
	return KKNoEOS(text, groundTruth)
}

// KKNoEOS is deep-reasoning's compute_score_kk, the EOS-free check used to
// filter teacher outputs: the content of the last flat box (LastBoxedFlat),
// split on ", ", must equal the ground truth split the same way, as
// multisets. The order of the people is free but each clause must match
// exactly: "Zoey is knave", "and Oliver is a knight" or a period inside the
// braces all fail. With no box the score is 0; in a full prompt+response the
// prompt's own example boxes are then the last ones, and they are wrong.
func KKNoEOS(text, groundTruth string) Score {
	content, ok := LastBoxedFlat(text)
	if !ok {
		return Score{}
	}
	return Binary(sameClauses(content, groundTruth))
}

// sameClauses reports whether a and b split on ", " are equal after sorting,
// i.e. the same multiset of clauses. Python compares ", ".join(sorted(...))
// strings; since no part contains ", ", that join is injective and the two
// tests agree. Any total order works for a multiset test; Go's byte order
// also happens to equal Python's code-point order on UTF-8.
func sameClauses(a, b string) bool {
	pa, pb := strings.Split(a, kkSep), strings.Split(b, kkSep)
	if len(pa) != len(pb) {
		return false
	}
	slices.Sort(pa)
	slices.Sort(pb)
	return slices.Equal(pa, pb)
}
