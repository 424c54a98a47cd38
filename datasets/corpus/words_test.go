package corpus

import (
	"github.com/r1lab/r1lab/datasets/words"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

func TestCountWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 0},
		{"Zoey is a knight.", 5},
		{"Zoey's claim", 4},
		{"12 + 7 = 19.", 8},
		{`\boxed{Zoey is a knave}.`, 7},
		{prompt.ImStart + "user\nHi" + prompt.ImEnd + prompt.EndOfText, 6},
		{"a\n\nb", 4},
		{"<b>", 3},
	} {
		if got := CountWords(tc.in); got != tc.want {
			t.Errorf("CountWords(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

// splitWords splits text by the task packages' word rule (arith.SplitWords)
// after removing the chat markers, which are special tokens, not words.
func splitWords(text string) []string {
	for _, s := range specials {
		text = strings.ReplaceAll(text, s, " ")
	}
	return arith.SplitWords(text)
}

// taskWords is every word the tokenizer gets from elsewhere: kk.Words,
// arith.Words and the prompt templates' words.
func taskWords() map[string]bool {
	set := map[string]bool{}
	for _, w := range append(kk.Words(), arith.Words()...) {
		set[w] = true
	}
	for _, t := range []prompt.Template{prompt.Qwen, prompt.Base} {
		for _, w := range splitWords(t.RL("") + t.SFT("")) {
			set[w] = true
		}
	}
	return set
}

// TestVocabularyClosed checks that the corpus uses only the task words and
// Words(), that Words() lists only new and used words, and that every
// character is in the tokenizer's alphabet.
func TestVocabularyClosed(t *testing.T) {
	c := DefaultConfig()
	c.Documents = 6000
	docs, err := Generate(c, Exclusion{})
	if err != nil {
		t.Fatal(err)
	}
	known := taskWords()
	extra := Words()
	if !slices.IsSorted(extra) {
		t.Error("Words() is not sorted")
	}
	mine := map[string]bool{}
	for _, w := range extra {
		if known[w] {
			t.Errorf("Words() lists %q, which the task vocabularies already have", w)
		}
		mine[w] = true
	}
	used := map[string]bool{}
	for _, d := range docs {
		for _, w := range splitWords(d) {
			if len(w) == 1 && w[0] >= '0' && w[0] <= '9' {
				continue
			}
			if !known[w] && !mine[w] {
				t.Fatalf("word %q is in no vocabulary; document:\n%s", w, d)
			}
			used[w] = true
		}
		if !alphabetOK(d) {
			t.Fatalf("character outside the tokenizer's alphabet in:\n%q", d)
		}
	}
	for _, w := range extra {
		if !used[w] {
			t.Errorf("Words() lists %q but the corpus never uses it", w)
		}
	}
}

// alphabetOK tells whether text holds only ASCII letters and digits, space,
// newline, the punctuation .,:;?!"'()-+*/= , `\boxed{`, "}" and chat markers.
func alphabetOK(text string) bool {
	for _, s := range specials {
		text = strings.ReplaceAll(text, s, " ")
	}
	text = strings.ReplaceAll(text, `\boxed{`, " ")
	for _, r := range text {
		if r >= utf8.RuneSelf {
			return false
		}
		c := byte(r)
		if !words.IsLetter(c) && !(c >= '0' && c <= '9') && !strings.ContainsRune(" \n.,:;?!\"'()-+*/=}", r) {
			return false
		}
	}
	return true
}
