package tokenizer

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// small is a hand-made vocabulary for unit tests of the scanning rule.
func small(t *testing.T) *Tokenizer {
	t.Helper()
	tok, err := New([]string{
		"Zoey", " Zoey", " is", " a", " knight", "knight", " knave", ".", ",", "\n",
		"1", " 1", "2", " 2", BoxOpen, " " + BoxOpen, "}", "'", "s", "<", " <", " ", "é",
	}, StandardSpecials())
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// pieces encodes text and returns each token's text.
func pieces(t *testing.T, tok *Tokenizer, text string) ([]string, error) {
	t.Helper()
	ids, err := tok.Encode(text)
	var out []string
	for _, id := range ids {
		s, ok := tok.Token(id)
		if !ok {
			t.Fatalf("Encode(%q) gave id %d outside the vocabulary", text, id)
		}
		out = append(out, s)
	}
	return out, err
}

func TestEncodePieces(t *testing.T) {
	tok := small(t)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Zoey is a knight.", []string{"Zoey", " is", " a", " knight", "."}},
		{"Zoey's 12", []string{"Zoey", "'", "s", " 1", "2"}},
		{"\\boxed{Zoey is a knave}.", []string{BoxOpen, "Zoey", " is", " a", " knave", "}", "."}},
		{"<|im_start|>Zoey<|im_end|>\n<|endoftext|><pad>", []string{ImStart, "Zoey", ImEnd, "\n", EndOfText, Pad}},
		// A space before a special, a newline or the end is a piece alone.
		{"Zoey <|im_end|> \n ", []string{"Zoey", " ", ImEnd, " ", "\n", " "}},
		// "<" not starting a special is an ordinary character.
		{"1<2 <1", []string{"1", "<", "2", " <", "1"}},
		{"é,é", []string{"é", ",", "é"}},
	} {
		got, err := pieces(t, tok, tc.in)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Encode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

func TestEncodeUnknown(t *testing.T) {
	tok := small(t)
	for _, tc := range []struct {
		in     string
		word   string
		offset int
		msg    string
	}{
		{"Zoey is a knightx.", " knightx", 9, `unknown word " knightx" at byte 9`},
		{"Zoey is a Knight.", " Knight", 9, `" Knight" at byte 9`},
		{"Zoey 3", " 3", 4, `" 3" at byte 4`},
		{"Zoey\tis", "\t", 4, `"\t" at byte 4`},
		{"Zoey is\xffa", "\xff", 7, "invalid UTF-8"},
		// "<" is a token, so a misspelt special fails at its second byte.
		{"Zoey is<|im_en|>", "|", 8, `"|" at byte 8`},
		// The space joins the character after it; " é" is not a token
		// although " " and "é" are.
		{"Zoey é", " é", 4, `" é" at byte 4`},
		{"knight\r\n", "\r", 6, `"\r"`},
		{"Zoey,knave", "knave", 5, `"knave" at byte 5`},
	} {
		ids, err := tok.Encode(tc.in)
		var uw *UnknownWordError
		if !errors.As(err, &uw) {
			t.Errorf("Encode(%q) = %v, %v; want an *UnknownWordError", tc.in, ids, err)
			continue
		}
		if uw.Word != tc.word || uw.Offset != tc.offset || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("Encode(%q): word %q at %d, message %q; want word %q at %d, message containing %q",
				tc.in, uw.Word, uw.Offset, err, tc.word, tc.offset, tc.msg)
		}
		if !strings.HasPrefix(tc.in[uw.Offset:], uw.Word) {
			t.Errorf("Encode(%q): offset %d does not point at %q", tc.in, uw.Offset, uw.Word)
		}
	}
}

func TestLoneSpaceUnsupported(t *testing.T) {
	// Without a " " token, double and trailing spaces are errors that say so.
	tok, err := New([]string{"a", " a"}, StandardSpecials())
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []string{"a  a", "a ", " "} {
		if _, err := tok.Encode(in); err == nil || !strings.Contains(err.Error(), "lone space") {
			t.Errorf("Encode(%q) = %v, want a lone-space error", in, err)
		}
	}
}

// joined is a hand-made vocabulary with Join: no bare words.
func joined(t *testing.T) *Tokenizer {
	t.Helper()
	tok, err := New([]string{" Zoey", " is", " a", " knight", ".", "\"", " \"", "\n", BoxOpen, " " + BoxOpen, "}", "1", " 1"},
		append(StandardSpecials(), Join))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func TestJoinEncode(t *testing.T) {
	tok := joined(t)
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"Zoey is a knight.", []string{Join, " Zoey", " is", " a", " knight", "."}},
		{" Zoey is", []string{" Zoey", " is"}},
		{"\\boxed{Zoey}", []string{BoxOpen, Join, " Zoey", "}"}},
		{"is \"Zoey\"\nZoey 11", []string{Join, " is", " \"", Join, " Zoey", "\"", "\n", Join, " Zoey", " 1", "1"}},
		// Words glued together (a model's Join before a word glues it to the one before) split
		// into the fewest vocabulary words, each after the first written Join then its spaced token.
		{"Zoeyis a knight.", []string{Join, " Zoey", Join, " is", " a", " knight", "."}},
		{" aknight", []string{" a", Join, " knight"}},
		{"\\boxed{isa}", []string{BoxOpen, Join, " is", Join, " a", "}"}},
		{"Zoeyx", nil},
		// Join is a marker, never text: its spelling is not encoded as it.
		{"<|join|>", nil},
	} {
		got, err := pieces(t, tok, tc.in)
		if tc.want == nil {
			if err == nil {
				t.Errorf("Encode(%q) = %q, want an error", tc.in, got)
			}
			continue
		}
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Encode(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
		ids, _ := tok.Encode(tc.in)
		if back, err := tok.Decode(ids); err != nil || back != tc.in {
			t.Errorf("Decode(Encode(%q)) = %q, %v", tc.in, back, err)
		}
	}
	if _, err := tok.Encode("Ryan"); err == nil || !strings.Contains(err.Error(), `"Ryan"`) {
		t.Errorf("unknown bare word: error %v, want one naming \"Ryan\"", err)
	}
	if _, ok := small(t).JoinID(); ok {
		t.Error("a tokenizer without Join reports a Join id")
	}
}

func TestJoinDecodeLossy(t *testing.T) {
	tok := joined(t)
	join, ok := tok.JoinID()
	zoey, _ := tok.ID(" Zoey")
	dot, _ := tok.ID(".")
	if !ok || !tok.IsSpecial(join) {
		t.Fatalf("JoinID = %d, %v; want a special id", join, ok)
	}
	for _, tc := range []struct {
		ids  []int32
		want string
	}{
		{[]int32{join, zoey, zoey}, "Zoey Zoey"},
		{[]int32{zoey, join, zoey}, " ZoeyZoey"},
		{[]int32{join, dot, zoey}, ". Zoey"},       // nothing to drop
		{[]int32{join, tok.PadID(), zoey}, "Zoey"}, // pads are skipped
		{[]int32{join, -1, zoey}, "\uFFFD Zoey"},
		{[]int32{zoey, join}, " Zoey"},
	} {
		if got := tok.DecodeLossy(tc.ids); got != tc.want {
			t.Errorf("DecodeLossy(%v) = %q, want %q", tc.ids, got, tc.want)
		}
	}
	if _, err := New([]string{"Zoey", " Zoey"}, append(StandardSpecials(), Join)); err == nil || !strings.Contains(err.Error(), `"Zoey" has no leading space`) {
		t.Errorf("New with Join and a bare word: error %v", err)
	}
}

func TestNewIDs(t *testing.T) {
	specials := []string{ImEnd, Pad, "<extra>", EndOfText, ImStart}
	tok, err := New([]string{"b", "a", " a", "\n"}, specials)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{ImEnd, Pad, "<extra>", EndOfText, ImStart, "\n", " a", "a", "b"}
	if got := tok.Tokens(); !slices.Equal(got, want) {
		t.Errorf("Tokens() = %q, want %q", got, want)
	}
	if tok.VocabSize() != len(want) || tok.NumSpecial() != len(specials) {
		t.Errorf("VocabSize %d, NumSpecial %d; want %d, %d", tok.VocabSize(), tok.NumSpecial(), len(want), len(specials))
	}
	for _, tc := range []struct {
		name string
		got  int32
		want int32
	}{{"ImEndID", tok.ImEndID(), 0}, {"PadID", tok.PadID(), 1}, {"EndOfTextID", tok.EndOfTextID(), 3}, {"ImStartID", tok.ImStartID(), 4}} {
		if tc.got != tc.want {
			t.Errorf("%s = %d, want %d", tc.name, tc.got, tc.want)
		}
	}
	if id, ok := tok.ID(" a"); !ok || id != 6 {
		t.Errorf(`ID(" a") = %d, %v; want 6, true`, id, ok)
	}
	if _, ok := tok.ID("c"); ok {
		t.Error(`ID("c") found a token that is not in the vocabulary`)
	}
	if !tok.IsSpecial(4) || tok.IsSpecial(5) || tok.IsSpecial(-1) {
		t.Error("IsSpecial does not mark exactly ids 0..4")
	}
	if _, ok := tok.Token(int32(tok.VocabSize())); ok {
		t.Error("Token(VocabSize()) found a token")
	}
	// A special that is a prefix of another must not hide it.
	if ids, err := tok.Encode("<extra><|im_end|>"); err != nil || !slices.Equal(ids, []int32{2, 0}) {
		t.Errorf("Encode of two specials = %v, %v", ids, err)
	}
}

func TestNewErrors(t *testing.T) {
	std := StandardSpecials()
	for _, tc := range []struct {
		name     string
		words    []string
		specials []string
		want     string
	}{
		{"two words", []string{"is a"}, std, `"is a"`},
		{"word and digit", []string{"a1"}, std, `"a1"`},
		{"two spaces", []string{"  a"}, std, `"  a"`},
		{"empty word", []string{""}, std, `""`},
		{"word is a special", []string{Pad}, std, `"<pad>"`},
		{"duplicate word", []string{"a", "a"}, std, `"a" is listed twice`},
		{"invalid UTF-8", []string{"\xff"}, std, `"\xff" is not valid UTF-8`},
		{"special not <...>", []string{"a"}, append(std, "EOS"), `"EOS"`},
		{"special too short", []string{"a"}, append(std, "<>"), `"<>"`},
		{"duplicate special", []string{"a"}, append(std, Pad), `"<pad>" is listed twice`},
		{"missing pad", []string{"a"}, std[1:], `lack "<pad>"`},
		{"missing im_end", []string{"a"}, std[:3], `lack "<|im_end|>"`},
	} {
		_, err := New(tc.words, tc.specials)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: New error %v, want one containing %s", tc.name, err, tc.want)
		}
	}
}

func TestDecode(t *testing.T) {
	tok := small(t)
	knight, _ := tok.ID(" knight")
	for _, tc := range []struct {
		ids     []int32
		want    string
		lossy   string
		wantErr string
	}{
		{nil, "", "", ""},
		{[]int32{tok.ImStartID(), knight, tok.PadID(), tok.EndOfTextID()}, ImStart + " knight" + Pad + EndOfText, ImStart + " knight" + EndOfText, ""},
		{[]int32{knight, int32(tok.VocabSize())}, "", " knight\uFFFD", "token id 27 at position 1 is outside the vocabulary [0, 27)"},
		{[]int32{-1, knight}, "", "\uFFFD knight", "token id -1 at position 0"},
	} {
		got, err := tok.Decode(tc.ids)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Decode(%v) = %q, %v; want error containing %q", tc.ids, got, err, tc.wantErr)
			}
		} else if err != nil || got != tc.want {
			t.Errorf("Decode(%v) = %q, %v; want %q", tc.ids, got, err, tc.want)
		}
		if got := tok.DecodeLossy(tc.ids); got != tc.lossy {
			t.Errorf("DecodeLossy(%v) = %q, want %q", tc.ids, got, tc.lossy)
		}
	}
}

func TestAppendEncode(t *testing.T) {
	tok := small(t)
	prefix := []int32{tok.PadID()}
	ids, err := tok.AppendEncode(prefix, "Zoey is")
	if err != nil || len(ids) != 3 || ids[0] != tok.PadID() {
		t.Errorf("AppendEncode = %v, %v; want the pad id then 2 ids", ids, err)
	}
	// On error the ids before the unknown word are kept.
	ids, err = tok.AppendEncode(nil, "Zoey is blue")
	if err == nil || len(ids) != 2 {
		t.Errorf("AppendEncode of a text with an unknown third word = %v, %v; want 2 ids and an error", ids, err)
	}
}

// TestGluedWithoutJoin: in a vocabulary saved before Join existed, words run
// together are spelled with the bare tokens after the first.
func TestGluedWithoutJoin(t *testing.T) {
	tok := small(t)
	for in, want := range map[string][]string{
		"Zoeyknight":  {"Zoey", "knight"},
		" Zoeyknight": {" Zoey", "knight"},
		" Zoeys":      {" Zoey", "s"},
	} {
		got, err := pieces(t, tok, in)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("Encode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := tok.Encode(" knightZoe"); err == nil {
		t.Error(`" knightZoe" encoded: no split into vocabulary words exists`)
	}
}
