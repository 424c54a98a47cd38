package corpus

import (
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/splits"
)

// smallSplits builds real K&K and ARITH splits at reduced size, with the
// data's seed 1234. Level 2 holds only 399 distinct puzzles and ARITH level 1
// few one-operation problems, so the corpus's own samplers meet many of
// them: the exclusion has work to do.
func smallSplits(t *testing.T) (*splits.Splits[kk.Puzzle], *splits.Splits[arith.Problem]) {
	t.Helper()
	kc := kk.DefaultSplits()
	kc.Test = map[int]int{4: 30, 5: 30, 6: 30}
	kc.Train = map[int]int{3: 300, 4: 100}
	kc.SFT = map[int]int{2: 200, 3: 200}
	ks, err := kk.BuildSplits(kc, nil)
	if err != nil {
		t.Fatal(err)
	}
	ac := arith.DefaultData()
	ac.Splits.Test = map[int]int{1: 200, 2: 50}
	ac.Splits.Train = map[int]int{1: 1500, 2: 200}
	ac.Splits.SFT = map[int]int{1: 200}
	as, err := arith.BuildSplits(ac, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ks, as
}

// userTurns returns the user message of every episode: the text between
// the Qwen user marker and the end of the turn, or between the base
// template's "Question:" and "Answer:".
func userTurns(docs []Document) map[string]bool {
	out := map[string]bool{}
	for _, d := range docs {
		if _, rest, ok := strings.Cut(d.Text, prompt.ImStart+"user\n"); ok {
			u, _, _ := strings.Cut(rest, prompt.ImEnd)
			out[u] = true
		} else if rest, ok := strings.CutPrefix(d.Text, "Question:\n"); ok {
			u, _, _ := strings.Cut(rest, "\nAnswer:\n")
			out[u] = true
		}
	}
	return out
}

func TestExclusion(t *testing.T) {
	ks, as := smallSplits(t)
	ex := NewExclusion(ks, as)
	if want := len(ks.Test) + len(ks.Train) + len(ks.SFTTrain) + len(ks.SFTVal); len(ex.KK) != want {
		t.Errorf("exclusion holds %d puzzles, want %d", len(ex.KK), want)
	}
	c := DefaultConfig()
	c.Documents = 4000
	c.Mix = Mix{KKEpisode: 1, ArithEpisode: 1, ArithFragment: 0.5}
	c.ArithLevels = []int{1, 2}

	// Without the exclusion the corpus does meet split items, so the test
	// below is not vacuous.
	_, tr := generateTraced(t, c, Exclusion{})
	hitsKK, hitsArith := 0, 0
	for _, p := range tr.puzzles {
		if ex.ExcludesKK(p.Statements) {
			hitsKK++
		}
	}
	for _, p := range tr.problems {
		if ex.ExcludesArith(p.Expr) {
			hitsArith++
		}
	}
	if hitsKK == 0 || hitsArith == 0 {
		t.Fatalf("without exclusion only %d puzzles and %d problems come from the splits; the test needs some", hitsKK, hitsArith)
	}
	t.Logf("without exclusion: %d of %d puzzles and %d of %d problems are split items",
		hitsKK, len(tr.puzzles), hitsArith, len(tr.problems))

	docs, tr := generateTraced(t, c, ex)
	for _, p := range tr.puzzles {
		if ex.ExcludesKK(p.Statements) {
			t.Fatalf("excluded puzzle used: %s", p.StatementsRepr())
		}
	}
	for _, p := range tr.problems {
		if ex.ExcludesArith(p.Expr) {
			t.Fatalf("excluded problem used: %s", p.Expr)
		}
	}
	// The texts: the traced items are the ones shown, and no split item's
	// user message (quiz with its names, or question) is any document's.
	turns := userTurns(docs)
	for _, ep := range tr.kkEps {
		if !turns[ep.p.UserMessage()] {
			t.Fatalf("traced puzzle not shown: %s", ep.p.Quiz)
		}
	}
	for _, ep := range tr.arEps {
		if !turns[ep.p.Question] {
			t.Fatalf("traced problem not shown: %s", ep.p.Question)
		}
	}
	for _, ps := range [][]kk.Puzzle{ks.Test, ks.Train, ks.SFTTrain, ks.SFTVal} {
		for _, p := range ps {
			if turns[p.UserMessage()] {
				t.Fatalf("a document shows split puzzle %d: %s", p.Index, p.Quiz)
			}
		}
	}
	for _, ps := range [][]arith.Problem{as.Test, as.Train, as.SFTTrain, as.SFTVal} {
		for _, p := range ps {
			if turns[p.Question] {
				t.Fatalf("a document shows split problem %q", p.Question)
			}
		}
	}
}

// TestExclusionExhausted checks the errors and the reuse when the corpus's
// own samplers run out: every 2-person puzzle can be excluded.
func TestExclusionExhausted(t *testing.T) {
	var ex Exclusion
	all := kk.Generate(1, 2, 1000) // all 399 two-person puzzles
	ex.AddKK(all...)
	c := only(KKEpisode, 50)
	c.MinPeople, c.MaxPeople = 2, 2
	if _, err := Generate(c, ex); err == nil || !strings.Contains(err.Error(), "excluded") {
		t.Errorf("corpus of excluded puzzles: err = %v", err)
	}
	// With all but a few excluded, those few are reused under new names.
	keep := all[:5]
	ex = Exclusion{}
	ex.AddKK(all[5:]...)
	docs, tr := generateTraced(t, c, ex)
	distinct, names := map[string]bool{}, map[string]bool{}
	for _, p := range tr.puzzles {
		distinct[p.StatementsRepr()] = true
		names[strings.Join(p.Names, ",")] = true
	}
	if len(distinct) > len(keep) || len(docs) != c.Documents || len(names) < 20 {
		t.Errorf("%d documents from %d distinct puzzles under %d name pairs; want 50 from ≤ %d, names varied",
			len(docs), len(distinct), len(names), len(keep))
	}
}
