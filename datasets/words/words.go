// Package words holds the one rule by which r1lab's task texts split into
// words, shared by the word lists of every task (kk.Words, arith.Words) and
// by the tokenizer that is built from them.
package words

import "unicode/utf8"

// BoxOpen opens a boxed answer; it is one word, not five characters.
const BoxOpen = `\boxed{`

// Split splits text into words: blanks and newlines separate words;
// BoxOpen is one word; a run of ASCII letters is one word (case kept); every
// digit is a word of its own (numbers are spelled digit by digit); every
// other character is a word of its own.
func Split(text string) []string {
	var out []string
	scan(text, func(w string) { out = append(out, w) })
	return out
}

// Count is len(Split(text)) without building the slice.
func Count(text string) int {
	n := 0
	scan(text, func(string) { n++ })
	return n
}

func scan(text string, emit func(string)) {
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r':
			i++
		case c == '\\' && len(text)-i >= len(BoxOpen) && text[i:i+len(BoxOpen)] == BoxOpen:
			emit(BoxOpen)
			i += len(BoxOpen)
		case IsLetter(c):
			j := i
			for j < len(text) && IsLetter(text[j]) {
				j++
			}
			emit(text[i:j])
			i = j
		default:
			_, size := utf8.DecodeRuneInString(text[i:])
			emit(text[i : i+size])
			i += size
		}
	}
}

// IsLetter tells whether c is an ASCII letter, the only letters of a word.
func IsLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
