package reward

import "testing"

// TestKKAnswerParts checks each part on answers to the 2-person test puzzle
// (Zoey a knave, Oliver a knight), and that the parts imply the reward:
// KKNoEOS is 1 exactly when the box names the people and every role is right.
func TestKKAnswerParts(t *testing.T) {
	tests := []struct {
		name, response string
		want           KKParts
	}{
		{"right", `So \boxed{Zoey is a knave, Oliver is a knight}.`, KKParts{true, 2, true, 2, 1, 1}},
		{"reordered", `\boxed{Oliver is a knight, Zoey is a knave}`, KKParts{true, 2, true, 2, 1, 1}},
		{"roles swapped", `\boxed{Zoey is a knight, Oliver is a knave}`, KKParts{true, 2, true, 0, 1, 1}},
		{"one role right", `\boxed{Zoey is a knave, Oliver is a knave}`, KKParts{true, 2, true, 1, 0, 1}},
		{"no box", "Zoey is a knave and Oliver is a knight.", KKParts{false, 2, false, 0, 0, 1}},
		{"one person missing", `\boxed{Zoey is a knave}`, KKParts{true, 2, false, 1, 0, 1}},
		{"a third, invented person", `\boxed{Zoey is a knave, Oliver is a knight, Lily is a knave}`, KKParts{true, 2, false, 2, 1, 1}},
		{"an invented name instead", `\boxed{Zoey is a knave, Lily is a knight}`, KKParts{true, 2, false, 1, 0, 1}},
		{"duplicated person, first clause counts", `\boxed{Zoey is a knight, Zoey is a knave, Oliver is a knight}`, KKParts{true, 2, false, 1, 2, 1}},
		{"malformed clause", `\boxed{Zoey is knave, Oliver is a knight}`, KKParts{true, 2, false, 1, 1, 1}},
		{"joined with 'and'", `\boxed{Zoey is a knave and Oliver is a knight}`, KKParts{true, 2, false, 0, 0, 1}},
		{"last box wins", `\boxed{Zoey is a knave, Oliver is a knight} no: \boxed{Zoey is a knight, Oliver is a knave}`, KKParts{true, 2, true, 0, 1, 1}},
		{"empty box", `\boxed{}`, KKParts{true, 2, false, 0, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := KKAnswerParts(tc.response, kkGT)
			if got != tc.want {
				t.Fatalf("KKAnswerParts = %+v, want %+v", got, tc.want)
			}
			right := got.Named && got.RolesRight == got.People
			if r := KKNoEOS(tc.response, kkGT); r.Correct != right {
				t.Errorf("KKNoEOS correct = %v, but parts say %v", r.Correct, right)
			}
		})
	}
}

// FuzzKKAnswerParts checks on any response that the parts agree with the
// reward and stay in range.
func FuzzKKAnswerParts(f *testing.F) {
	for _, s := range []string{`\boxed{Zoey is a knave, Oliver is a knight}`, `\boxed{Oliver is a knave}`,
		`\boxed{Zoey is a knave, Zoey is a knave}`, "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, response string) {
		p := KKAnswerParts(response, kkGT)
		if p.People != 2 || p.RolesRight < 0 || p.RolesRight > p.People || (p.Named && !p.Boxed) ||
			p.TrueKnights != 1 || p.Knights < 0 || p.Knights > p.People {
			t.Fatalf("parts out of range: %+v", p)
		}
		if r := KKNoEOS(response, kkGT); r.Correct != (p.Named && p.RolesRight == p.People) {
			t.Fatalf("KKNoEOS correct = %v, parts %+v", r.Correct, p)
		}
		if p.Named && p.RolesRight == p.People && p.Knights != p.TrueKnights {
			t.Fatalf("a right answer calls %d knights, the truth %d: %+v", p.Knights, p.TrueKnights, p)
		}
	})
}
