package corpus

import (
	"strconv"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/reward"
)

// TestKKRoster checks that every drill names its puzzle's people in order,
// tells each one's true role once, and boxes the puzzle's ground truth
// (the paper's reward accepts it), with the facts shuffled about half the
// time.
func TestKKRoster(t *testing.T) {
	docs, tr := generateTraced(t, only(KKRoster, 400), Exclusion{})
	if len(tr.puzzles) != len(docs) {
		t.Fatalf("%d puzzles traced for %d documents", len(tr.puzzles), len(docs))
	}
	inOrder, want := 0, 0.0
	for i, d := range docs {
		p := tr.puzzles[i]
		intro := "You meet " + strconv.Itoa(len(p.Names)) + " inhabitants: " + strings.Join(p.Names[:len(p.Names)-1], ", ") + ", and " + p.Names[len(p.Names)-1] + "."
		if d.Kind != KKRoster || !strings.HasPrefix(d.Text, intro) {
			t.Fatalf("drill %d does not start with its introduction %q:\n%s", i, intro, d.Text)
		}
		if s := reward.KK(d.Text, p.GroundTruth()); !s.Correct {
			t.Fatalf("drill %d does not box the ground truth %q:\n%s", i, p.GroundTruth(), d.Text)
		}
		facts := strings.TrimPrefix(d.Text, intro)
		fact := 1.0
		for k := 2; k <= len(p.Names); k++ {
			fact *= float64(k)
		}
		want += (0.5 + 0.5/fact) / float64(len(docs))
		last := -1
		ordered := true
		for j, n := range p.Names {
			told := " " + n + " is a " + roleWord(p.Solution[j]) + "."
			at := strings.Index(facts, told)
			if at < 0 || strings.Count(facts, told) != 1 {
				t.Fatalf("drill %d tells %q %d times:\n%s", i, told, strings.Count(facts, told), d.Text)
			}
			ordered = ordered && at > last
			last = at
		}
		if ordered {
			inOrder++
		}
	}
	// Half are told in order; a shuffle can also come out in order (1/n! for n people).
	checkRate(t, "facts in order", inOrder, len(docs), want)
}
