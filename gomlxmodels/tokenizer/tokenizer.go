package tokenizer

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/r1lab/r1lab/datasets/prompt"
)

// The special tokens every Tokenizer has. The chat markers and the
// end-of-text marker are the Qwen2.5 texts the data is written with; Pad
// fills batches and never occurs in data.
const (
	Pad       = "<pad>"
	EndOfText = prompt.EndOfText
	ImStart   = prompt.ImStart
	ImEnd     = prompt.ImEnd
	// Join is the join marker: the word after it is written without its
	// leading space. A tokenizer whose specials include Join has no bare
	// words (letter runs without a leading space): Encode writes a word with
	// no space before it (at the start of a text, after a newline, a quote
	// or `\boxed{`) as Join then the word's spaced token, so each word is one
	// token wherever it occurs. That matters for copying: "You meet 2
	// inhabitants: Zoey, and Owen." then "\boxed{Zoey is a knight, …}" uses
	// the same token for Zoey twice, where bare tokens made the first boxed
	// name a token seen nowhere in the prompt (see ForTasks). Join is never
	// matched in text: a text containing "<|join|>" is not encoded as it.
	Join = "<|join|>"
)

// Tokenizer maps text to token ids and back over a closed vocabulary. Ids
// are dense: the special tokens take 0..NumSpecial()-1 in the order given to
// New, the words follow in byte order. A Tokenizer is immutable and safe for
// concurrent use.
type Tokenizer struct {
	scanner
	tokens     []string         // id → text
	ids        map[string]int32 // text → id, specials included
	numSpecial int
	pad, eot   int32
	imStart    int32
	imEnd      int32
	join       int32 // Join's id, or -1 when the tokenizer has no Join
}

// New returns a tokenizer whose special tokens are specials, with ids
// 0..len(specials)-1 in the given order, and whose other tokens are words,
// with the following ids in byte order of the words (so the order of words
// does not matter).
//
// Each word must be exactly one piece of the scanning rule (see the package
// documentation), or Encode could never produce it: "knight", " knight",
// " 7", " (", "\n", `\boxed{`. Each special must be written <...> (at least
// three bytes), and specials must include Pad, EndOfText, ImStart and ImEnd.
// Texts must be valid UTF-8 and unique. Errors name the offending entry.
func New(words, specials []string) (*Tokenizer, error) {
	t := &Tokenizer{ids: make(map[string]int32, len(words)+len(specials)), numSpecial: len(specials)}
	if len(specials)+len(words) > 1<<31-1 {
		return nil, fmt.Errorf("tokenizer: %d tokens do not fit int32 ids", len(specials)+len(words))
	}
	add := func(text string) error {
		if !utf8.ValidString(text) {
			return fmt.Errorf("tokenizer: token %q is not valid UTF-8", text)
		}
		if _, dup := t.ids[text]; dup {
			return fmt.Errorf("tokenizer: token %q is listed twice", text)
		}
		t.ids[text] = int32(len(t.tokens))
		t.tokens = append(t.tokens, text)
		return nil
	}
	for _, sp := range specials {
		if len(sp) < 3 || sp[0] != '<' || sp[len(sp)-1] != '>' {
			return nil, fmt.Errorf("tokenizer: special token %q is not written <...>", sp)
		}
		if err := add(sp); err != nil {
			return nil, err
		}
	}
	// Longest first, so a special that prefixes another cannot hide it.
	// Join is a marker, not text: Encode never matches it.
	t.specials = slices.DeleteFunc(slices.Clone(t.tokens), func(sp string) bool { return sp == Join })
	slices.SortStableFunc(t.specials, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	for _, sp := range t.specials {
		t.specialIDs = append(t.specialIDs, t.ids[sp])
	}
	for _, need := range []struct {
		text string
		id   *int32
	}{{Pad, &t.pad}, {EndOfText, &t.eot}, {ImStart, &t.imStart}, {ImEnd, &t.imEnd}} {
		id, ok := t.ids[need.text]
		if !ok {
			return nil, fmt.Errorf("tokenizer: special tokens %q lack %q", specials, need.text)
		}
		*need.id = id
	}
	t.join = -1
	if id, ok := t.ids[Join]; ok {
		t.join = id
	}
	sorted := slices.Clone(words)
	slices.Sort(sorted)
	for _, w := range sorted {
		if !t.isPiece(w) {
			return nil, fmt.Errorf("tokenizer: word %q is not one token of the scanning rule (Encode would split it), so it could never be produced", w)
		}
		if t.join >= 0 && isLetter(w[0]) {
			return nil, fmt.Errorf("tokenizer: word %q has no leading space, and a tokenizer with %s writes such a word as %s then %q, so it could never be produced", w, Join, Join, " "+w)
		}
		if err := add(w); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// VocabSize returns the number of tokens; ids are in [0, VocabSize()).
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// NumSpecial returns the number of special tokens; their ids are
// 0..NumSpecial()-1.
func (t *Tokenizer) NumSpecial() int { return t.numSpecial }

// IsSpecial tells whether id is a special token's id.
func (t *Tokenizer) IsSpecial(id int32) bool { return id >= 0 && int(id) < t.numSpecial }

// ID returns the id of a token given by its exact text (" knight", "<pad>").
func (t *Tokenizer) ID(token string) (int32, bool) {
	id, ok := t.ids[token]
	return id, ok
}

// Token returns the text of the token with the given id.
func (t *Tokenizer) Token(id int32) (string, bool) {
	if id < 0 || int(id) >= len(t.tokens) {
		return "", false
	}
	return t.tokens[id], true
}

// Tokens returns every token's text, indexed by id. The caller may modify
// the returned slice.
func (t *Tokenizer) Tokens() []string { return slices.Clone(t.tokens) }

// PadID returns the id of Pad.
func (t *Tokenizer) PadID() int32 { return t.pad }

// EndOfTextID returns the id of EndOfText, the end of every SFT response.
func (t *Tokenizer) EndOfTextID() int32 { return t.eot }

// ImStartID returns the id of ImStart.
func (t *Tokenizer) ImStartID() int32 { return t.imStart }

// JoinID returns the id of Join and true, or -1 and false for a tokenizer
// without Join (one saved before Join existed).
func (t *Tokenizer) JoinID() (int32, bool) { return t.join, t.join >= 0 }

// ImEndID returns the id of ImEnd, the chat template's end of turn.
func (t *Tokenizer) ImEndID() int32 { return t.imEnd }

// String describes the tokenizer for logs: its size and specials.
func (t *Tokenizer) String() string {
	return fmt.Sprintf("tokenizer(%d tokens; specials %s)", len(t.tokens), strings.Join(t.tokens[:t.numSpecial], " "))
}
