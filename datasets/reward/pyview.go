package reward

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file makes RE2 behave like Python's re on the Logic-RL patterns.
// Python's \b, \w and IGNORECASE are Unicode-aware, RE2's are ASCII-only: on
// "Zoeé is a knight" Python finds no \bZoe\b (e and é are both word
// characters) while RE2 would. Rather than re-implementing a regex engine,
// the matchers run on an ASCII "view" of the text in which every character
// keeps its word/non-word class and its case-insensitive matches against the
// ASCII patterns, and capture offsets are mapped back to the original.

// pySpaceClass is Python's \s for str patterns (str.isspace), which RE2's \s
// ([\t\n\f\r ]) lacks \v, \x1c-\x1f and the Unicode spaces of.
const pySpaceClass = `[\t\n\v\f\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]`

// asciiView is text as RE2 should see it for Python-compatible matching.
type asciiView struct {
	// s is the view: ASCII bytes copied, the four non-ASCII letters that
	// Python's IGNORECASE equates with ASCII ones replaced by that ASCII
	// letter, every other Unicode letter or number replaced by '_' (a word
	// character no pattern contains), and everything else kept as is.
	s string
	// orig[i] is the byte offset in the original text of view byte i, with
	// orig[len(s)] = len(text); nil means the view is the text itself.
	orig []int
}

// newASCIIView builds the view of text; pure-ASCII text (the usual case) is
// used as is.
func newASCIIView(text string) asciiView {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return asciiView{s: text}
	}
	var b strings.Builder
	b.Grow(len(text))
	orig := make([]int, 0, len(text)+1)
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r < utf8.RuneSelf {
			b.WriteByte(text[i])
			orig = append(orig, i)
			i += size
			continue
		}
		if c, ok := pyFoldsToASCII(r); ok {
			b.WriteByte(c)
			orig = append(orig, i)
		} else if size > 1 && pyIsWord(r) {
			b.WriteByte('_')
			orig = append(orig, i)
		} else {
			// Non-word characters (and invalid bytes, which both RE2 and a
			// lossy Python decode see as U+FFFD) keep their bytes.
			b.WriteString(text[i : i+size])
			for k := range size {
				orig = append(orig, i+k)
			}
		}
		i += size
	}
	orig = append(orig, len(text))
	return asciiView{s: b.String(), orig: orig}
}

// span returns the original-text offsets of view bytes [a, b).
func (v asciiView) span(a, b int) (int, int) {
	if v.orig == nil {
		return a, b
	}
	return v.orig[a], v.orig[b]
}

// pyFoldsToASCII returns the ASCII letter that Python's IGNORECASE matches r
// with, for the only four such non-ASCII letters (listed in the re docs).
// RE2 equates U+017F and U+212A with s and k too, but not the Turkish i's.
func pyFoldsToASCII(r rune) (byte, bool) {
	switch r {
	case '\u0130', '\u0131': // İ and dotless ı
		return 'i', true
	case '\u017f': // long s ſ
		return 's', true
	case '\u212a': // Kelvin sign
		return 'k', true
	}
	return 0, false
}

// pyIsWord is Python's \w for non-ASCII characters: str.isalnum() (letters
// and numbers) or '_'. It can differ from CPython on characters assigned in
// Unicode versions that Go and Python do not share.
func pyIsWord(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsNumber(r)
}

// pyIsSpace is Python's str.isspace for one character: Go's unicode.IsSpace
// plus the separators \x1c-\x1f, which Python counts as whitespace.
func pyIsSpace(r rune) bool {
	return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f)
}

// pyStrip is Python's str.strip() with no argument.
func pyStrip(s string) string {
	return strings.TrimFunc(s, pyIsSpace)
}

// pyLower is Python's str.lower() as far as ASCII substrings of the result
// are concerned: Go's simple case mapping equals Python's full one except
// for U+0130 İ, which Python lowers to "i" plus a combining dot above.
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}
