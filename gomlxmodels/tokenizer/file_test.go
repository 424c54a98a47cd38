package tokenizer

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSaveLoad(t *testing.T) {
	tok := forTasks(t)
	path := filepath.Join(t.TempDir(), "sub", "tokenizer.json")
	if err := tok.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.Tokens(), tok.Tokens()) || got.NumSpecial() != tok.NumSpecial() {
		t.Fatal("loaded tokenizer has different tokens")
	}
	text := "<|im_start|>user\nIf Zoey is a knave then 12 * (-3) = -36.<|im_end|>\n"
	a, errA := tok.Encode(text)
	b, errB := got.Encode(text)
	if errA != nil || errB != nil || !slices.Equal(a, b) {
		t.Errorf("ids differ after Save/Load: %v (%v) vs %v (%v)", a, errA, b, errB)
	}
	for _, tc := range []struct{ a, b int32 }{{tok.PadID(), got.PadID()}, {tok.EndOfTextID(), got.EndOfTextID()},
		{tok.ImStartID(), got.ImStartID()}, {tok.ImEndID(), got.ImEndID()}} {
		if tc.a != tc.b {
			t.Errorf("special id %d became %d", tc.a, tc.b)
		}
	}
	// Saving again gives the same bytes: the file is a pure function of the ids.
	path2 := filepath.Join(t.TempDir(), "again.json")
	if err := got.Save(path2); err != nil {
		t.Fatal(err)
	}
	b1, _ := os.ReadFile(path)
	b2, _ := os.ReadFile(path2)
	if string(b1) != string(b2) {
		t.Error("Save(Load(Save(t))) differs from Save(t)")
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	const good = `{"format": "r1lab-word-tokenizer", "version": 1,
	  "specials": ["<pad>", "<|endoftext|>", "<|im_start|>", "<|im_end|>"], "words": ["\n", " a", "a"]}`
	for _, tc := range []struct {
		name, content, want string
	}{
		{"good", good, ""},
		{"not json", "words: a", "not a tokenizer file"},
		{"unknown field", strings.Replace(good, `"version"`, `"vocab": 3, "version"`, 1), `unknown field "vocab"`},
		{"trailing data", good + " {}", "trailing data"},
		{"wrong format", strings.Replace(good, "r1lab-word-tokenizer", "bpe", 1), `format "bpe" version 1`},
		{"wrong version", strings.Replace(good, `"version": 1`, `"version": 2`, 1), "version 2"},
		{"unsorted words", strings.Replace(good, `["\n", " a", "a"]`, `["\n", "a", " a"]`, 1), `"a" and " a" (ids 5, 6) are not in strict byte order`},
		{"repeated word", strings.Replace(good, `["\n", " a", "a"]`, `["\n", "a", "a"]`, 1), "not in strict byte order"},
		{"bad word", strings.Replace(good, `" a"`, `" a b"`, 1), `word " a b" is not one token`},
		{"missing special", strings.Replace(good, `"<pad>", `, "", 1), `lack "<pad>"`},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
			t.Fatal(err)
		}
		tok, err := Load(path)
		if tc.want == "" {
			if err != nil || tok.VocabSize() != 7 {
				t.Errorf("%s: Load = %v, %v; want 7 tokens", tc.name, tok, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: Load error %v, want one naming %s and containing %q", tc.name, err, path, tc.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("Load of a missing file: %v, want an error naming it", err)
	}
}
