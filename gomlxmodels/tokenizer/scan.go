package tokenizer

import (
	"strings"
	"unicode/utf8"
)

// BoxOpen is the token that opens a boxed answer: one token, not five
// characters, because every answer the rewards read starts with it.
const BoxOpen = `\boxed{`

// scanner splits text into pieces, the units the vocabulary is made of. It
// only needs the special tokens, which a space never joins.
type scanner struct {
	// specials are the special tokens' texts, longest first, so that one
	// special that is a prefix of another never hides it.
	specials []string
	// specialIDs[k] is the id of specials[k].
	specialIDs []int32
}

// specialAt returns the index into s.specials of the special token that
// starts text, or -1.
func (s *scanner) specialAt(text string) int {
	if len(text) == 0 || text[0] != '<' {
		return -1
	}
	for k, sp := range s.specials {
		if strings.HasPrefix(text, sp) {
			return k
		}
	}
	return -1
}

// pieceEnd returns the end of the piece that starts at text[i], given that
// no special token starts there (i < len(text)). A piece is an optional
// space followed by a letter run, one digit, BoxOpen or one character
// (one byte if the bytes are not valid UTF-8). A space followed by a space,
// a newline, a special token or the end of the text is a piece on its own.
func (s *scanner) pieceEnd(text string, i int) int {
	j := i
	if text[j] == ' ' {
		j++
		if j == len(text) || text[j] == ' ' || text[j] == '\n' || s.specialAt(text[j:]) >= 0 {
			return j
		}
	}
	switch c := text[j]; {
	case isLetter(c):
		for j < len(text) && isLetter(text[j]) {
			j++
		}
	case c == '\\' && strings.HasPrefix(text[j:], BoxOpen):
		j += len(BoxOpen)
	case c < utf8.RuneSelf:
		j++
	default:
		_, size := utf8.DecodeRuneInString(text[j:])
		j += size
	}
	return j
}

// isPiece tells whether w is exactly one piece and not a special token:
// the condition for a vocabulary word to be reachable by Encode.
func (s *scanner) isPiece(w string) bool {
	return w != "" && s.specialAt(w) < 0 && s.pieceEnd(w, 0) == len(w)
}

// bareWords returns the pieces of text without their leading spaces,
// leaving out spaces, newlines and special tokens: the word list a
// vocabulary needs for text, before space variants are added.
func (s *scanner) bareWords(text string) []string {
	var out []string
	for i := 0; i < len(text); {
		if k := s.specialAt(text[i:]); k >= 0 {
			i += len(s.specials[k])
			continue
		}
		j := s.pieceEnd(text, i)
		if w := strings.TrimPrefix(text[i:j], " "); w != "" && w != "\n" {
			out = append(out, w)
		}
		i = j
	}
	return out
}

func isLetter(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
