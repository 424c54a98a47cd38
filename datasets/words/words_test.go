package words

import (
	"reflect"
	"testing"
)

func TestSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"Zoey is a knight.", []string{"Zoey", "is", "a", "knight", "."}},
		{"12 * (-3) = -36", []string{"1", "2", "*", "(", "-", "3", ")", "=", "-", "3", "6"}},
		{`\boxed{Zoey is a knave}.`, []string{`\boxed{`, "Zoey", "is", "a", "knave", "}", "."}},
		{"\\box x\n\tLet's", []string{"\\", "box", "x", "Let", "'", "s"}},
		{"café", []string{"caf", "é"}},
	} {
		got := Split(tc.in)
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Split(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if Count(tc.in) != len(tc.want) {
			t.Errorf("Count(%q) = %d, want %d", tc.in, Count(tc.in), len(tc.want))
		}
	}
}
