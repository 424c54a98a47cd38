package kk

import (
	"slices"
	"strings"
	"testing"
)

// TestWorkedExamples checks the first test puzzles of kk.md §3.1.
func TestWorkedExamples(t *testing.T) {
	tests := []struct {
		n          int
		statements string
		names      []string
		solution   []bool
	}{
		{2, "(('not', ('telling-truth', 1)), ('<=>', ('telling-truth', 1), ('lying', 0)))",
			[]string{"Zoey", "Oliver"}, []bool{false, true}},
		{3, "(('<=>', ('telling-truth', 1), ('lying', 1)), ('<=>', ('lying', 2), ('telling-truth', 2)), ('->', ('lying', 0), ('lying', 1)))",
			[]string{"Penelope", "David", "Zoey"}, []bool{false, false, true}},
		{5, "(('or', ('telling-truth', 3), ('telling-truth', 2)), ('not', ('telling-truth', 2)), ('->', ('lying', 0), ('telling-truth', 3)), ('->', ('lying', 1), ('lying', 4)), ('not', ('lying', 0)))",
			[]string{"David", "Zoey", "Alexander", "Aurora", "Isabella"}, []bool{true, false, true, false, true}},
	}
	for _, tc := range tests {
		p := Generate(1234, tc.n, 1)[0]
		if got := p.StatementsRepr(); got != tc.statements {
			t.Errorf("n=%d statements = %s, want %s", tc.n, got, tc.statements)
		}
		if !slices.Equal(p.Names, tc.names) {
			t.Errorf("n=%d names = %v, want %v", tc.n, p.Names, tc.names)
		}
		if !slices.Equal(p.Solution, tc.solution) {
			t.Errorf("n=%d solution = %v, want %v", tc.n, p.Solution, tc.solution)
		}
	}

	// The 2-person example in full.
	p := Generate(1234, 2, 1)[0]
	if want := []int{6, 3}; !slices.Equal(p.Templates, want) {
		t.Errorf("templates = %v, want %v", p.Templates, want)
	}
	wantQuiz := `A very special island is inhabited only by knights and knaves. Knights always tell the truth, and knaves always lie. You meet 2 inhabitants: Zoey, and Oliver. Zoey remarked, "Oliver is not a knight". Oliver stated, "Oliver is a knight if and only if Zoey is a knave". So who is a knight and who is a knave?`
	if p.Quiz != wantQuiz {
		t.Errorf("quiz =\n%s\nwant\n%s", p.Quiz, wantQuiz)
	}
	if got, want := p.SolutionText(), "Zoey is a knave, and Oliver is a knight."; got != want {
		t.Errorf("SolutionText = %q, want %q", got, want)
	}
	if got, want := p.GroundTruth(), "Zoey is a knave, Oliver is a knight"; got != want {
		t.Errorf("GroundTruth = %q, want %q", got, want)
	}
	if got, want := p.SolutionTextFormat(), "(1) Zoey is a knave\n(2) Oliver is a knight"; got != want {
		t.Errorf("SolutionTextFormat = %q, want %q", got, want)
	}
}

// TestWorkedCoT checks the tape and sentences of kk.md §4.2.
func TestWorkedCoT(t *testing.T) {
	p := Generate(1234, 2, 1)[0]
	wantTape := []TapeStep{
		{Kind: StepOK, Person: 0, Knight: true},
		{Kind: StepConflict, Person: 1, Knight: true, Conflict: 0, ConflictKnight: true},
		{Kind: StepConflict, Person: 1, Knight: false, Conflict: 1, ConflictKnight: false},
		{Kind: StepReconsider, Person: 0, Exhausted: []int{1}},
		{Kind: StepOK, Person: 0, Knight: false},
		{Kind: StepOK, Person: 1, Knight: true},
		{Kind: StepSuccess},
	}
	tape := SearchTape(p.Statements)
	if !slices.EqualFunc(tape, wantTape, tapeStepEqual) {
		t.Errorf("tape = %+v\nwant %+v", tape, wantTape)
	}
	wantSteps := []string{
		"Assume Zoey is a knight. No contradiction is found in their claim that Oliver is not a knight.",
		"Oliver cannot be a knight, because this would contradict the claim of Zoey that Oliver is not a knight.",
		"Oliver cannot be a knave, because this would contradict the false claim of their own that Oliver is a knight if and only if Zoey is a knave.",
		"We have exhausted all possibilities for Oliver, so let us go back and reconsider Zoey.",
		"Assume Zoey is a knave. No contradiction is found in their false claim that Oliver is not a knight.",
		"Assume Oliver is a knight. No contradiction is found in their claim that Oliver is a knight if and only if Zoey is a knave.",
	}
	if !slices.Equal(p.CoTSteps, wantSteps) {
		t.Errorf("steps =\n%s\nwant\n%s", strings.Join(p.CoTSteps, "\n"), strings.Join(wantSteps, "\n"))
	}
	if want := CoTHead + " " + strings.Join(wantSteps, " ") + " " + CoTFoot; p.ShortCoT() != want {
		t.Errorf("ShortCoT = %q, want %q", p.ShortCoT(), want)
	}
}

func tapeStepEqual(a, b TapeStep) bool {
	return a.Kind == b.Kind && a.Person == b.Person && a.Knight == b.Knight && a.Conflict == b.Conflict &&
		a.ConflictKnight == b.ConflictKnight && slices.Equal(a.Exhausted, b.Exhausted)
}
