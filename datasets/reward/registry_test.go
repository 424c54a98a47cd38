package reward

import (
	"strings"
	"testing"
)

// TestByName checks that every registered name resolves to the function it
// promises, by scoring texts that tell the functions apart.
func TestByName(t *testing.T) {
	kkRight := `\boxed{` + kkGT + "}"
	logicRight := logicRLPrompt + " ok </think><answer> (1) Zoey is a knave\n(2) Oliver is a knight </answer>"
	logicLoose := logicRLPrompt + " ok </think><answer> Zoey: knave; Oliver: knight </answer>"
	const stf = "(1) Zoey is a knave\n(2) Oliver is a knight"
	tests := []struct {
		name, text, gt string
		want           float64
	}{
		{"kk", kkRight, kkGT, 0}, // needs EOS
		{"kk", kkRight + EndOfText, kkGT, 1},
		{"kk-noeos", kkRight, kkGT, 1},
		{"logicrl-v1", logicRight, stf, 3},
		{"logicrl-v1", logicLoose, stf, 3},
		{"logicrl-v2", logicLoose, stf, -1},
		{"logicrl-v2", logicRight, stf, 3},
		{"arith", `\boxed{1,024}`, "1024", 0}, // needs EOS
		{"arith", `\boxed{1,024}` + ImEnd, "1024", 1},
		{"arith-noeos", `\boxed{1,024}`, "1024", 1},
	}
	for _, tc := range tests {
		fn, err := ByName(tc.name)
		if err != nil {
			t.Fatalf("ByName(%q): %v", tc.name, err)
		}
		if got := fn(tc.text, tc.gt); got.Value != tc.want {
			t.Errorf("%s(%q) = %v, want %v", tc.name, tc.text, got, tc.want)
		}
	}
	if got, want := len(Names()), 6; got != want {
		t.Errorf("Names() has %d entries, want %d", got, want)
	}
}

func TestByNameUnknown(t *testing.T) {
	for _, name := range []string{"", "KK", "kk_no_format", "logicrl"} {
		fn, err := ByName(name)
		if err == nil || fn != nil {
			t.Fatalf("ByName(%q) = %v, %v; want an error", name, fn, err)
		}
		msg := err.Error()
		if !strings.Contains(msg, `"`+name+`"`) {
			t.Errorf("error %q does not quote the name %q", msg, name)
		}
		for _, valid := range Names() {
			if !strings.Contains(msg, valid) {
				t.Errorf("error %q does not list %q", msg, valid)
			}
		}
	}
}
