package reward

import "testing"

// TestLogicRLBehaviourTable replays research/kk.md §8.2's checked examples
// and the other reachable totals, for both versions.
func TestLogicRLBehaviourTable(t *testing.T) {
	const stf = "(1) Zoey is a knave\n(2) Oliver is a knight"
	answer := func(a string) string {
		return logicRLPrompt + " Zoey says... so </think>\n<answer> " + a + " </answer>" + ImEnd
	}
	tests := []struct {
		name   string
		text   string
		v1, v2 float64
	}{
		{"correct", answer("(1) Zoey is a knave\n(2) Oliver is a knight"), 3, 3},
		{"correct, reordered, one line", answer("Oliver is a knight, Zoey is a knave"), 3, 3},
		{"correct, other case", answer("(1) ZOEY IS A KNAVE\n(2) oliver is a Knight"), 3, 3},
		{"wrong roles", answer("(1) Zoey is a knight\n(2) Oliver is a knave"), -0.5, -0.5},
		{"one person missing", answer("(1) Zoey is a knave"), -1, -1},
		{"extra <think> in the response", logicRLPrompt + " <think> x </think><answer> (1) Zoey is a knave\n(2) Oliver is a knight </answer>", -1, -3},
		{"no answer tags", logicRLPrompt + " x </think> (1) Zoey is a knave\n(2) Oliver is a knight", -1, -3},
		{"Zoey: knave; Oliver: knight", answer("Zoey: knave; Oliver: knight"), 3, -1},
		{"correct + (no other knights)", answer("(1) Zoey is a knave\n(2) Oliver is a knight (no other knights)"), 3, -1},
		{"empty answer", answer(""), 1, -1},
		{"answer of Python-only whitespace is empty", answer("\x1c\x1f"), 1, -1},
		{"tags out of order", logicRLPrompt + " x <answer> (1) Zoey is a knave\n(2) Oliver is a knight </answer></think>", -1, -3},
		{"role on the next line: V2's \\s+ spans it, V1's .*? does not", answer("(1) Zoey is\na knave\n(2) Oliver is a knight"), -1, 3},
		{"answer with plural only", answer("Zoey and Oliver are knights"), -1, -1},
		{"no header: the whole string is validated, no answer", "<think> x </think><answer> (1) Zoey is a knave\n(2) Oliver is a knight </answer>", 1, -1},
		{"base-model header", "Question...\nAssistant: <think> x </think><answer> Zoey is a knave, Oliver is a knight </answer>", 3, 3},
		{"empty text", "", -1, -3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range []struct {
				v    LogicRLVersion
				want float64
			}{{LogicRLV1, tc.v1}, {LogicRLV2, tc.v2}} {
				got := LogicRL(tc.text, stf, c.v)
				if got.Value != c.want || got.Correct != (c.want == 3) {
					t.Errorf("%v: LogicRL = %v, want %v", c.v, got, c.want)
				}
			}
		})
	}
}

// TestLogicRLNames checks name matching on real ground truths with
// near-collisions (4 people, indices 136 and 302): \b keeps Ella from
// matching inside Isabella and Jack inside Jackson, and V1 takes the first
// mention of a name even when a later line states it properly.
func TestLogicRLNames(t *testing.T) {
	const ella = "(1) Logan is a knave\n(2) Ella is a knave\n(3) Isabella is a knight\n(4) Owen is a knight"
	const jack = "(1) Daniel is a knave\n(2) Jack is a knight\n(3) Benjamin is a knight\n(4) Jackson is a knave"
	tests := []struct {
		name, stf, answer string
		v1, v2            float64
	}{
		{"ella right", ella, "(1) Logan is a knave\n(2) Ella is a knave\n(3) Isabella is a knight\n(4) Owen is a knight", 3, 3},
		{"ella missing, isabella present", ella, "(1) Logan is a knave\n(3) Isabella is a knight\n(4) Owen is a knight\n(5) Luke is a knave", -1, -1},
		{"jack right, reordered", jack, "Jackson is a knave\nJack is a knight\nDaniel is a knave\nBenjamin is a knight", 3, 3},
		{"jack missing, jackson present", jack, "Jackson is a knave\nDaniel is a knave\nBenjamin is a knight\nJacksonville is a knight", -1, -1},
		{"first mention wins in V1", jack, "Jack and Jackson: Jack is a knave?\n(1) Daniel is a knave\n(2) Jack is a knight\n(3) Benjamin is a knight\n(4) Jackson is a knave", -0.5, -1},
		{"name glued to a Unicode letter is no match", jack, "(1) Daniel is a knave\n(2) Jacké is a knight\n(3) Benjamin is a knight\n(4) Jackson is a knave", -1, -1},
		{"name glued to an ASCII letter is no match", jack, "(1) Daniel is a knave\n(2) Jacks is a knight\n(3) Benjamin is a knight\n(4) Jackson is a knave", -1, -1},
		{"Python whitespace \\v and NBSP count as \\s", jack, "(1) Daniel is\va knave\n(2) Jack is\u00a0a knight\n(3) Benjamin is a knight\n(4) Jackson\x1cis a knave", 3, 3},
		{"Kelvin sign folds to k", jack, "(1) Daniel is a \u212anave\n(2) Jack is a knight\n(3) Benjamin is a knight\n(4) Jackson is a knave", 3, 3},
		{"dotted capital I folds to i but its lower form differs", jack, "(1) Daniel is a knave\n(2) Jack is a kn\u0130ght\n(3) Benjamin is a knight\n(4) Jackson is a knave", -0.5, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			text := logicRLPrompt + " ... </think><answer>\n" + tc.answer + "\n</answer>" + ImEnd
			for _, c := range []struct {
				v    LogicRLVersion
				want float64
			}{{LogicRLV1, tc.v1}, {LogicRLV2, tc.v2}} {
				if got := LogicRL(text, tc.stf, c.v); got.Value != c.want {
					t.Errorf("%v: LogicRL = %v, want %v", c.v, got, c.want)
				}
			}
		})
	}
}

// TestLogicRLTruth checks the ground-truth parser on what the dataset holds
// and on degenerate inputs.
func TestLogicRLTruth(t *testing.T) {
	tests := []struct {
		stf   string
		names []string
		roles []string
	}{
		{"(1) Zoey is a knave\n(2) Oliver is a knight", []string{"Zoey", "Oliver"}, []string{"knave", "knight"}},
		{"  (1) Zoey is a KNAVE  \n\n\t(2) Oliver is a Knight\n", []string{"Zoey", "Oliver"}, []string{"knave", "knight"}},
		{"(1) Zoey is a knave\n(2) Zoey is a knight", []string{"Zoey"}, []string{"knight"}},
		{"no roles here\n42", nil, nil},
		{"", nil, nil},
	}
	for _, tc := range tests {
		got := parseLogicRLTruth(tc.stf)
		if len(got.names) != len(tc.names) {
			t.Fatalf("parse(%q) names = %q, want %q", tc.stf, got.names, tc.names)
		}
		for i, n := range tc.names {
			if got.names[i] != n || got.roles[n] != tc.roles[i] {
				t.Errorf("parse(%q): %q is %q at %d, want %q is %q", tc.stf, got.names[i], got.roles[got.names[i]], i, n, tc.roles[i])
			}
		}
	}
}

// TestLogicRLEmptyTruth: with no parseable ground truth every answer counts
// as unparsed, as Python's falsy empty dict makes it.
func TestLogicRLEmptyTruth(t *testing.T) {
	text := logicRLPrompt + " x </think><answer> nobody </answer>"
	for _, v := range []LogicRLVersion{LogicRLV1, LogicRLV2} {
		if got := LogicRL(text, "", v); got.Value != -1 || got.Correct {
			t.Errorf("%v: LogicRL with empty truth = %v, want -1", v, got)
		}
	}
}

func TestLogicRLInvalidVersionPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("LogicRL with version 0 did not panic")
		}
	}()
	LogicRL("", "", 0)
}
