package arith

import (
	"reflect"
	"slices"
	"testing"
)

func TestSplitWords(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"The final answer is: \\boxed{-12}.", []string{"The", "final", "answer", "is", ":", `\boxed{`, "-", "1", "2", "}", "."}},
		{"3 * (-5)", []string{"3", "*", "(", "-", "5", ")"}},
		{"a\nb\tc  d", []string{"a", "b", "c", "d"}},
		{"Let's", []string{"Let", "'", "s"}},
		{"2×3", []string{"2", "×", "3"}},
		{`\boxed`, []string{`\`, "boxed"}},
	} {
		if got := SplitWords(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("SplitWords(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if got := countWords(tc.in); got != len(tc.want) {
			t.Errorf("countWords(%q) = %d, want %d", tc.in, got, len(tc.want))
		}
	}
}

// TestWordsClosed checks that generated text uses only Words() and digits,
// and that every entry of Words() is actually used.
func TestWordsClosed(t *testing.T) {
	words := Words()
	if !slices.IsSorted(words) || len(slices.Compact(slices.Clone(words))) != len(words) {
		t.Errorf("Words() is not sorted and unique")
	}
	vocab := map[string]bool{}
	for _, w := range words {
		if w == "" || (len(w) == 1 && w[0] >= '0' && w[0] <= '9') || len(SplitWords(w)) != 1 {
			t.Errorf("Words() entry %q is not a single non-digit token", w)
		}
		vocab[w] = true
	}
	used := map[string]bool{}
	use := func(text string) {
		for _, w := range SplitWords(text) {
			used[w] = true
			if !vocab[w] && !(len(w) == 1 && w[0] >= '0' && w[0] <= '9') {
				t.Errorf("word %q is not in Words(); text:\n%s", w, text)
			}
		}
	}
	for level := 1; level <= MaxLevel; level++ {
		// Questions are cheap: many, to reach the rarer story words.
		ps, err := Generate(11, level, 3000)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range ps {
			use(p.Question)
			if i < 300 {
				use(p.ShortCoT())
				use(p.LongCoT(uint64(i)))
				use(p.LongCoTWithin(uint64(i), 200))
			}
		}
	}
	for _, w := range words {
		if !used[w] {
			t.Errorf("Words() lists %q but no generated text uses it", w)
		}
	}
}
