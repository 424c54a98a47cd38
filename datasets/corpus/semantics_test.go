package corpus

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// person maps a name to its index in kk.CommonNames; assignments in these
// tests are indexed the same way.
var person = func() map[string]int {
	m := map[string]int{}
	for i, n := range kk.CommonNames {
		m[n] = i
	}
	return m
}()

// parseClaim reads a claim back from its English rendering
// (kk.Statement.Content), independently of the generator.
func parseClaim(s string) (kk.Statement, error) {
	two := func(op kk.Op, a, b string) (kk.Statement, error) {
		x, err := parseLeaf(a)
		if err != nil {
			return x, err
		}
		y, err := parseLeaf(b)
		return kk.Statement{Op: op, Args: []kk.Statement{x, y}}, err
	}
	if rest, ok := strings.CutPrefix(s, "If "); ok {
		if a, b, ok := strings.Cut(rest, " then "); ok {
			return two(kk.Implies, a, b)
		}
	}
	// " if and only if " first: it holds " and ".
	for _, sep := range []struct {
		text string
		op   kk.Op
	}{{" if and only if ", kk.Iff}, {" and ", kk.And}, {" or ", kk.Or}} {
		if a, b, ok := strings.Cut(s, sep.text); ok {
			return two(sep.op, a, b)
		}
	}
	return parseLeaf(s)
}

func parseLeaf(s string) (kk.Statement, error) {
	f := strings.Fields(s)
	p, ok := person[f[0]]
	switch {
	case !ok:
	case len(f) == 4 && f[1] == "is" && f[2] == "a" && f[3] == "knight":
		return kk.Statement{Op: kk.TellingTruth, Person: p}, nil
	case len(f) == 4 && f[1] == "is" && f[2] == "a" && f[3] == "knave":
		return kk.Statement{Op: kk.Lying, Person: p}, nil
	case len(f) == 5 && f[1] == "is" && f[2] == "not" && f[3] == "a" && (f[4] == "knight" || f[4] == "knave"):
		leaf, _ := parseLeaf(f[0] + " is a " + f[4])
		return kk.Statement{Op: kk.Not, Args: []kk.Statement{leaf}}, nil
	}
	return kk.Statement{}, fmt.Errorf("cannot read %q", s)
}

var factRe = regexp.MustCompile(`(\w+) is a (knight|knave)`)

// parseFacts reads "A is a knight" or "A is a knight and B is a knave".
func parseFacts(s string) (map[int]bool, error) {
	out := map[int]bool{}
	ms := factRe.FindAllStringSubmatch(s, -1)
	var parts []string
	for _, m := range ms {
		p, ok := person[m[1]]
		if !ok {
			return nil, fmt.Errorf("unknown name %q", m[1])
		}
		out[p] = m[2] == "knight"
		parts = append(parts, m[0])
	}
	if len(ms) == 0 || nameList(parts) != s {
		return nil, fmt.Errorf("cannot read facts %q", s)
	}
	return out, nil
}

// The sentence shapes of semantics documents, as the test reads them.
var (
	evalRe    = regexp.MustCompile(`^If (.+), then the claim "([^"]+)" is (true|false)\.$`)
	speakerRe = regexp.MustCompile(`^If (\w+) is a (knight|knave), then (\w+)'s claim "([^"]+)" is (true|false)\.$`)
	reverseRe = regexp.MustCompile(`^If (\w+)'s claim "([^"]+)" is (true|false), then (\w+) is a (knight|knave)\.$`)
	deduceRe  = regexp.MustCompile(`^If (\w+) is a (knight|knave) and says "([^"]+)", then (.+)\.$`)
	cannotRe  = regexp.MustCompile(`^If (\w+) says "([^"]+)", then (\w+) is not a (knight|knave)\.$`)
)

// assignments calls f with every assignment of the people in ps (the rest
// knaves), indexed like kk.CommonNames.
func assignments(ps []int, f func(a []bool)) {
	a := make([]bool, len(kk.CommonNames))
	for code := 0; code < 1<<len(ps); code++ {
		for k, p := range ps {
			a[p] = code>>k&1 == 1
		}
		f(a)
	}
}

// canSay tells whether a speaker with a role can make a claim: some
// assignment with that role gives the claim the matching truth value.
func canSay(speaker int, knight bool, st kk.Statement) bool {
	possible := false
	assignments(append([]int{speaker}, st.Mentions(nil)...), func(a []bool) {
		possible = possible || a[speaker] == knight && st.Eval(a) == knight
	})
	return possible
}

// checkSentence returns the sentence's shape, or an error if it cannot be
// read or is false.
func checkSentence(s string) (string, error) {
	if slices.Contains(semRules, s) {
		return "rule", nil
	}
	if m := speakerRe.FindStringSubmatch(s); m != nil {
		st, err := parseClaim(m[4])
		if err != nil || m[1] != m[3] {
			return "", fmt.Errorf("unreadable: %v", err)
		}
		if (m[2] == "knight") != (m[5] == "true") || !canSay(person[m[1]], m[2] == "knight", st) {
			return "", fmt.Errorf("false")
		}
		return "speaker", nil
	}
	if m := reverseRe.FindStringSubmatch(s); m != nil {
		st, err := parseClaim(m[2])
		if err != nil || m[1] != m[4] {
			return "", fmt.Errorf("unreadable: %v", err)
		}
		if (m[3] == "true") != (m[5] == "knight") || !canSay(person[m[1]], m[5] == "knight", st) {
			return "", fmt.Errorf("false")
		}
		return "reverse", nil
	}
	if m := evalRe.FindStringSubmatch(s); m != nil {
		st, err := parseClaim(m[2])
		if err != nil {
			return "", err
		}
		fs, err := parseFacts(m[1])
		if err != nil {
			return "", err
		}
		a := make([]bool, len(kk.CommonNames))
		for _, q := range st.Mentions(nil) {
			v, ok := fs[q]
			if !ok {
				return "", fmt.Errorf("%s is not assigned", kk.CommonNames[q])
			}
			a[q] = v
		}
		if st.Eval(a) != (m[3] == "true") {
			return "", fmt.Errorf("false")
		}
		return "eval", nil
	}
	if m := deduceRe.FindStringSubmatch(s); m != nil {
		st, err := parseClaim(m[3])
		if err != nil {
			return "", err
		}
		fs, err := parseFacts(m[4])
		if err != nil {
			return "", err
		}
		speaker, knight := person[m[1]], m[2] == "knight"
		if _, ok := fs[speaker]; ok {
			return "", fmt.Errorf("deduces the speaker's own role")
		}
		ps := append([]int{speaker}, st.Mentions(nil)...)
		consistent, holds := 0, true
		assignments(ps, func(a []bool) {
			if a[speaker] != knight || st.Eval(a) != knight {
				return
			}
			consistent++
			for q, v := range fs {
				holds = holds && a[q] == v
			}
		})
		if consistent == 0 || !holds {
			return "", fmt.Errorf("false (%d consistent assignments)", consistent)
		}
		return "deduce", nil
	}
	if m := cannotRe.FindStringSubmatch(s); m != nil {
		st, err := parseClaim(m[2])
		if err != nil || m[1] != m[3] {
			return "", fmt.Errorf("unreadable: %v", err)
		}
		if canSay(person[m[1]], m[4] == "knight", st) {
			return "", fmt.Errorf("false")
		}
		return "cannot", nil
	}
	return "", fmt.Errorf("unknown sentence shape")
}

// TestSemanticsTrue reads every sentence of many semantics documents back
// into claims and roles and checks it with kk.Statement.Eval.
func TestSemanticsTrue(t *testing.T) {
	docs, _ := generateTraced(t, only(KKSemantics, 3000), Exclusion{})
	shapes := map[string]int{}
	for _, d := range docs {
		text := strings.TrimSuffix(d.Text, prompt.EndOfText)
		for _, s := range strings.SplitAfter(text, ". ") {
			s = strings.TrimSpace(s)
			shape, err := checkSentence(s)
			if err != nil {
				t.Fatalf("%v: %q\nin %q", err, s, d.Text)
			}
			shapes[shape]++
		}
	}
	t.Logf("sentences by shape: %v", shapes)
	for _, shape := range []string{"rule", "speaker", "reverse", "eval", "deduce", "cannot"} {
		if shapes[shape] == 0 {
			t.Errorf("no %q sentence in %d documents", shape, len(docs))
		}
	}
}

// TestCheckSentenceRejects makes sure the oracle above can fail: false or
// garbled sentences of every shape are rejected.
func TestCheckSentenceRejects(t *testing.T) {
	for _, s := range []string{
		`If Zoey is a knight and Oliver is a knave, then the claim "Oliver is not a knight" is false.`,
		`If Zoey is a knight, then the claim "If Zoey is a knight then Oliver is a knave" is true.`,
		`If Zoey is a knave, then Zoey's claim "Oliver is a knight" is true.`,
		`If Zoey's claim "Oliver is a knight" is true, then Zoey is a knave.`,
		`If Zoey is a knight, then Zoey's claim "If Zoey is a knight then Zoey is a knave" is true.`,
		`If Zoey's claim "Zoey is a knave or Zoey is a knave" is false, then Zoey is a knave.`,
		`If Zoey is a knight and says "Oliver is a knave", then Oliver is a knight.`,
		`If Zoey is a knight and says "Oliver is a knave or Emma is a knave", then Oliver is a knave.`,
		`If Zoey says "Oliver is a knave", then Zoey is not a knight.`,
		`Zoey is a knight.`,
	} {
		if shape, err := checkSentence(s); err == nil {
			t.Errorf("accepted as %s: %q", shape, s)
		}
	}
	if _, err := checkSentence(`If Zoey is a knight and Oliver is a knave, then the claim "Oliver is not a knight" is true.`); err != nil {
		t.Errorf("rejected the brief's example: %v", err)
	}
}
