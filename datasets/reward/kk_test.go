package reward

import "testing"

// TestKKBehaviourTable replays research/kk.md §8.1's behaviour table, checked
// there against the original Python, on full prompt+response strings.
func TestKKBehaviourTable(t *testing.T) {
	const right = `\boxed{Zoey is a knave, Oliver is a knight}`
	tests := []struct {
		name, response string
		want           float64
	}{
		{"correct", "\nSo " + right + "." + EndOfText, 1},
		{"reordered, im_end", "\n" + `\boxed{Oliver is a knight, Zoey is a knave}.` + ImEnd, 1},
		{"truncated (no EOS)", "\nSo " + right + ".", 0},
		{"EOS followed by a space", "\nSo " + right + "." + EndOfText + " ", 0},
		{"missing 'a'", "\n" + `\boxed{Zoey is knave, Oliver is knight}` + EndOfText, 0},
		{"with 'and'", "\n" + `\boxed{Zoey is a knave, and Oliver is a knight}` + EndOfText, 0},
		{"period inside the braces", "\n" + `\boxed{Zoey is a knave, Oliver is a knight.}` + EndOfText, 0},
		{"wrong box, then right box last", "\n" + `\boxed{Zoey is a knight, Oliver is a knave} no: ` + right + EndOfText, 1},
		{"right box, then wrong box last", "\n" + right + ` no: \boxed{Zoey is a knight, Oliver is a knave}` + EndOfText, 0},
		{"no box in the response (falls back to the hint)", "\nZoey is a knave and Oliver is a knight." + EndOfText, 0},
		{"nested box never matches", "\n" + `\boxed{\text{Zoey is a knave, Oliver is a knight}}` + EndOfText, 0},
		{"nested box after a right flat box", "\n" + right + ` \boxed{\text{x}}` + EndOfText, 1},
		{"duplicated clause", "\n" + `\boxed{Zoey is a knave, Zoey is a knave, Oliver is a knight}` + EndOfText, 0},
		{"one clause missing", "\n" + `\boxed{Zoey is a knave}` + EndOfText, 0},
		{"wrong role", "\n" + `\boxed{Zoey is a knave, Oliver is a knave}` + EndOfText, 0},
		{"box right before EOS", "\n" + right + EndOfText, 1},
		{"lower-case name", "\n" + `\boxed{zoey is a knave, Oliver is a knight}` + EndOfText, 0},
		{"extra space after comma", "\n" + `\boxed{Zoey is a knave,  Oliver is a knight}` + EndOfText, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := KK(kkPrompt+tc.response, kkGT)
			if got.Value != tc.want || got.Correct != (tc.want == 1) {
				t.Errorf("KK = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestKKNoEOS covers compute_score_kk, including the cases of the original
// unit_test_kk. Its last case asserts 0 upstream but the function returns 1
// (the last *complete* box is right); we follow the function.
func TestKKNoEOS(t *testing.T) {
	const gt = "A is knight, B is knave"
	repeated := ""
	for range 5 {
		repeated += `\boxed{Avery is a knight, Lily is a knave, Penelope is a knave}` + "\n"
	}
	tests := []struct {
		name, text, gt string
		want           float64
	}{
		{"simple", `The final answer is: \boxed{A is knight, B is knave}.`, gt, 1},
		{"last of two", `\boxed{A is knight, A is knave}\boxed{A is knight, B is knave}.`, gt, 1},
		{"reordered", `\boxed{B is knave, A is knight}.`, "B is knave, A is knight", 1},
		{"extra clauses", `\boxed{A is knight, A is knave, B is knave, B is knave}.`, gt, 0},
		{"empty box", `The final answer is: \boxed{}.`, gt, 0},
		{"no box", "The final answer is: A is knight, A is knave.", gt, 0},
		{"truncated last box (upstream test expects 0)", repeated + `\boxed{Avery is a knight`, "Avery is a knight, Lily is a knave, Penelope is a knave", 1},
		{"no EOS needed", `\boxed{A is knight, B is knave}`, gt, 1},
		{"empty string", "", gt, 0},
		{"empty box, empty ground truth", `\boxed{}`, "", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := KKNoEOS(tc.text, tc.gt); got.Value != tc.want || got.Correct != (tc.want == 1) {
				t.Errorf("KKNoEOS = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestKKNearCollisions: the clause test is exact string equality, so a name
// that contains another one (Isabella/Ella, Jackson/Jack) can never stand in
// for it. The ground truths are real rows (3 people, indices 270 and 381).
func TestKKNearCollisions(t *testing.T) {
	tests := []struct {
		gt, boxed string
		want      float64
	}{
		{"Owen is a knight, Jack is a knight, Jackson is a knight", "Jackson is a knight, Owen is a knight, Jack is a knight", 1},
		{"Owen is a knight, Jack is a knight, Jackson is a knight", "Owen is a knight, Jackson is a knight, Jackson is a knight", 0},
		{"Owen is a knight, Jack is a knight, Jackson is a knight", "Owen is a knight, Jack is a knight, Jack is a knight", 0},
		{"David is a knight, Ella is a knight, Isabella is a knave", "Isabella is a knave, David is a knight, Ella is a knight", 1},
		{"David is a knight, Ella is a knight, Isabella is a knave", "David is a knight, Isabella is a knight, Ella is a knave", 0},
		{"David is a knight, Ella is a knight, Isabella is a knave", "David is a knight, Isabella is a knight, Isabella is a knave", 0},
	}
	for _, tc := range tests {
		text := kkPrompt + `\boxed{` + tc.boxed + "}" + ImEnd
		if got := KK(text, tc.gt); got.Value != tc.want {
			t.Errorf("KK(box %q, gt %q) = %v, want %v", tc.boxed, tc.gt, got, tc.want)
		}
	}
}
