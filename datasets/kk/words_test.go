package kk

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/prompt"
)

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Zoey is a knight.", []string{"Zoey", "is", "a", "knight", "."}},
		{"In Mia's words: \"Mia is a knave\".", []string{"In", "Mia", "'", "s", "words", ":", `"`, "Mia", "is", "a", "knave", `"`, "."}},
		{`\boxed{A is a knave}.`, []string{`\boxed{`, "A", "is", "a", "knave", "}", "."}},
		{"You meet 12 inhabitants\n\nre-check", []string{"You", "meet", "1", "2", "inhabitants", "re", "-", "check"}},
		{`\boxed`, []string{`\`, "boxed"}},
		{"2×3", []string{"2", "×", "3"}},
	} {
		if got := splitWords(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("splitWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestStripPlaceholders(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"{name} said that {content}.", "  said that  ."},
		{"{P}'s claim", " 's claim"},
		{`So the answer is \boxed{{A}}.`, `So the answer is \boxed{ }.`},
		{"no braces", "no braces"},
		{"a { b", "a { b"},
	} {
		if got := stripPlaceholders(tc.in); got != tc.want {
			t.Errorf("stripPlaceholders(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestWordsWellFormed(t *testing.T) {
	words := Words()
	if !slices.IsSorted(words) || len(slices.Compact(slices.Clone(words))) != len(words) {
		t.Fatal("Words() is not sorted and unique")
	}
	for _, w := range words {
		if got := splitWords(w); len(got) != 1 || got[0] != w {
			t.Errorf("Words() entry %q is not one token (splits into %q)", w, got)
		}
		if len(w) == 1 && w[0] >= '0' && w[0] <= '9' {
			t.Errorf("Words() lists the digit %q; digits are left to the tokenizer", w)
		}
	}
	// The caller owns the slice.
	words[0] = "changed"
	if Words()[0] == "changed" {
		t.Error("Words() returns shared storage")
	}
}

// TestWordsClosed generates puzzles of every size the paper uses (2–8
// people) and every text kind built from them, and checks that their words
// are exactly Words() plus digits: nothing outside the list, and nothing in
// the list that no text uses.
func TestWordsClosed(t *testing.T) {
	// 60 puzzles per level reach every name and phrase (15 miss a name); the
	// whole test takes well under a second.
	const perLevel = 60
	vocab := map[string]bool{}
	for _, w := range Words() {
		vocab[w] = true
	}
	used := map[string]bool{}
	use := func(kind string, text string) {
		text = strings.ReplaceAll(text, prompt.EndOfText, " ")
		for _, w := range splitWords(text) {
			if len(w) == 1 && w[0] >= '0' && w[0] <= '9' {
				continue
			}
			used[w] = true
			if !vocab[w] {
				t.Errorf("%s uses %q, which is not in Words(); text:\n%s", kind, w, text)
			}
		}
	}
	for people := MinPeople; people <= 8; people++ {
		for _, p := range Generate(1234, people, perLevel) {
			use("quiz+hint", p.UserMessage())
			use("short CoT", p.ShortCoTResponse())
			use("answer", p.GroundTruth())
			use("solution text", p.SolutionText())
			use("solution text format", p.SolutionTextFormat())
			for _, seed := range []uint64{1234, 1, 2, 3} {
				full, err := TeacherConfig{Seed: seed, MaxWords: 1 << 20}.LongCoT(p)
				if err != nil {
					t.Fatalf("puzzle %d (%d people): %v", p.Index, people, err)
				}
				use("teacher trace", full)
				// A cap just under the full trace makes the teacher retell it
				// tersely; the terse trace may still be over, then it is dropped.
				terse, err := TeacherConfig{Seed: seed, MaxWords: len(strings.Fields(full)) - 1}.LongCoT(p)
				if err == nil {
					use("terse teacher trace", terse)
				}
			}
		}
	}
	for _, w := range Words() {
		if !used[w] {
			t.Errorf("Words() lists %q but no generated text uses it", w)
		}
	}
}
