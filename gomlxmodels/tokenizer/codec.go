package tokenizer

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// replacement is what DecodeLossy writes for an id outside the vocabulary:
// U+FFFD, which no vocabulary token contains, so a reward parser can never
// mistake it for part of an answer.
const replacement = "\uFFFD"

// UnknownWordError is Encode's error for text that has no token: an unknown
// word, a stray character, a lone space (a double or trailing space, or a
// space before a newline) or bytes that are not UTF-8.
type UnknownWordError struct {
	// Word is the piece with no token, its leading space included.
	Word string
	// Offset is Word's byte offset in the text.
	Offset int
	// Near is up to contextBytes of text on either side, for the message.
	Near string
}

// contextBytes is how much text around an unknown word the error quotes.
const contextBytes = 24

// Error names the word and its offset, and quotes the text around it.
func (e *UnknownWordError) Error() string {
	what := "unknown word"
	switch {
	case e.Word == " ":
		what = "lone space (double, trailing or before a newline)"
	case !utf8.ValidString(e.Word):
		what = "invalid UTF-8"
	}
	return fmt.Sprintf("tokenizer: %s %q at byte %d (near %q)", what, e.Word, e.Offset, e.Near)
}

// Encode returns the token ids of text. Every byte of text must belong to a
// token: otherwise the error is an *UnknownWordError naming the first piece
// without one and its byte offset.
func (t *Tokenizer) Encode(text string) ([]int32, error) {
	// Real texts average about four bytes per token; a little over-allocation
	// beats regrowing.
	return t.AppendEncode(make([]int32, 0, len(text)/3+1), text)
}

// AppendEncode appends the token ids of text to dst and returns the
// extended slice, like Encode. On error it returns dst with the ids before
// the unknown word appended.
func (t *Tokenizer) AppendEncode(dst []int32, text string) ([]int32, error) {
	for i := 0; i < len(text); {
		if text[i] == '<' {
			if k := t.specialAt(text[i:]); k >= 0 {
				dst = append(dst, t.specialIDs[k])
				i += len(t.specials[k])
				continue
			}
		}
		j := t.pieceEnd(text, i)
		piece := text[i:j]
		if t.join >= 0 && isLetter(piece[0]) {
			// A word with no space before it: Join, then the spaced word.
			if id, ok := t.ids[" "+piece]; ok {
				dst = append(dst, t.join, id)
				i = j
				continue
			}
		}
		id, ok := t.ids[piece]
		if !ok {
			glued, ok := t.glued(piece)
			if !ok {
				return dst, &UnknownWordError{Word: text[i:j], Offset: i,
					Near: text[max(0, i-contextBytes):min(len(text), j+contextBytes)]}
			}
			dst = append(dst, glued...)
			i = j
			continue
		}
		dst = append(dst, id)
		i = j
	}
	return dst, nil
}

// glued encodes a letter run that is no word as words glued together, in the
// fewest words, the longest first word among those: the first as Encode
// would write it alone (" That", or Join " That" without a space before it),
// each later one as Join then its spaced token ("ThatEmma": Join " That"
// Join " Emma"), or as its bare token in a vocabulary without Join. Models
// write such text: Join before a word glues it to the word before, and their
// output must encode again (re-distillation fine-tunes on it, the
// sample-effect analyses score it). ok is false when no split into
// vocabulary words exists.
func (t *Tokenizer) glued(piece string) (ids []int32, ok bool) {
	run, spaced := strings.CutPrefix(piece, " ")
	if run == "" || !isLetter(run[0]) {
		return nil, false
	}
	// word spells run[k:m] as a word that has no space before it, or as the
	// first one with its space.
	word := func(k, m int) []int32 {
		w := run[k:m]
		if k == 0 && spaced {
			if id, ok := t.ids[" "+w]; ok {
				return []int32{id}
			}
			return nil
		}
		if id, ok := t.ids[" "+w]; ok && t.join >= 0 {
			return []int32{t.join, id}
		}
		if id, ok := t.ids[w]; ok {
			return []int32{id}
		}
		return nil
	}
	// words[k] is the fewest words run[k:] splits into (−1: none), next[k] the end of the first.
	n := len(run)
	words, next := make([]int, n+1), make([]int, n+1)
	for k := n - 1; k >= 0; k-- {
		words[k] = -1
		for m := n; m > k; m-- { // longest first word first; a later one wins only with fewer words
			if words[m] >= 0 && (words[k] < 0 || words[m]+1 < words[k]) && word(k, m) != nil {
				words[k], next[k] = words[m]+1, m
			}
		}
	}
	if words[0] < 0 {
		return nil, false
	}
	for k := 0; k < n; k = next[k] {
		ids = append(ids, word(k, next[k])...)
	}
	return ids, true
}

// Decode returns the text of ids: their tokens' texts concatenated, special
// tokens (Pad included) written out, except Join, which writes nothing and
// drops the leading space of the token after it. For every text Encode accepts,
// Decode(Encode(text)) is text. An id outside the vocabulary is an error
// naming it and its position.
func (t *Tokenizer) Decode(ids []int32) (string, error) {
	n := 0
	for k, id := range ids {
		if id < 0 || int(id) >= len(t.tokens) {
			return "", fmt.Errorf("tokenizer: token id %d at position %d is outside the vocabulary [0, %d)", id, k, len(t.tokens))
		}
		n += len(t.tokens[id])
	}
	var b strings.Builder
	b.Grow(n)
	joined := false
	for _, id := range ids {
		joined = t.write(&b, id, joined)
	}
	return b.String(), nil
}

// write writes the text of the vocabulary token id to b, without its
// leading space if joined (the token before it was Join), and returns
// whether id is Join.
func (t *Tokenizer) write(b *strings.Builder, id int32, joined bool) bool {
	if id == t.join {
		return true
	}
	text := t.tokens[id]
	if joined {
		text = strings.TrimPrefix(text, " ")
	}
	b.WriteString(text)
	return false
}

// DecodeLossy decodes model output, which may hold ids Decode refuses: Pad
// ids are dropped (a sampler pads finished rows), and an id outside the
// vocabulary (a model whose output layer is wider than the vocabulary)
// becomes U+FFFD. Join applies to the token after it, as in Decode. Other
// special tokens are written out, so a reward can still see whether the
// text ended with EndOfText. It never fails.
func (t *Tokenizer) DecodeLossy(ids []int32) string {
	var b strings.Builder
	joined := false
	for _, id := range ids {
		switch {
		case id == t.pad:
		case id < 0 || int(id) >= len(t.tokens):
			b.WriteString(replacement)
			joined = false
		default:
			joined = t.write(&b, id, joined)
		}
	}
	return b.String()
}
