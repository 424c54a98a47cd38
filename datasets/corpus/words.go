package corpus

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/words"
)

// specials are the chat markers, one token each.
var specials = []string{prompt.EndOfText, prompt.ImStart, prompt.ImEnd}

// newWords are the words the corpus uses beyond kk.Words, arith.Words and
// the prompt templates' words (the test TestVocabularyClosed keeps this list
// exact). The corpus is written from those packages' phrases, so it is empty.
var newWords = []string{}

// Words returns every word (in the sense of the K&K and ARITH word lists:
// an ASCII letter run, or one punctuation character) that the corpus uses
// and that kk.Words, arith.Words and the prompt templates do not already
// contain, sorted. A closed-vocabulary tokenizer adds them to the task
// words. A caller may modify the returned slice.
func Words() []string {
	w := slices.Clone(newWords)
	slices.Sort(w)
	return w
}

// CountWords counts text's tokens the way r1lab's word tokenizer splits it:
// a chat marker, "\n", a letter run, a digit, `\boxed{` or any other
// character is one token each, and a space joins the token after it. It is
// the unit of Config.Words.
func CountWords(text string) int {
	n := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
			continue
		case c == '<' && hasSpecial(text[i:]) > 0:
			i += hasSpecial(text[i:])
		case c == '\\' && strings.HasPrefix(text[i:], words.BoxOpen):
			i += len(words.BoxOpen)
		case words.IsLetter(c):
			for i < len(text) && words.IsLetter(text[i]) {
				i++
			}
		default:
			_, size := utf8.DecodeRuneInString(text[i:])
			i += size
		}
		n++
	}
	return n
}

// hasSpecial returns the length of the chat marker text starts with, or 0.
func hasSpecial(text string) int {
	for _, s := range specials {
		if strings.HasPrefix(text, s) {
			return len(s)
		}
	}
	return 0
}
