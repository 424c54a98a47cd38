package kk

import (
	"slices"
	"testing"
)

func TestReorderPeople(t *testing.T) {
	tests := []struct {
		remaining, mentioned, want []int
	}{
		{[]int{1, 2, 3, 4}, []int{4, 2}, []int{4, 2, 1, 3}},
		{[]int{1, 2, 3, 4}, []int{0, 3}, []int{3, 1, 2, 4}}, // 0 is already placed
		{[]int{1, 2, 3}, []int{3, 3}, []int{3, 1, 2}},       // duplicate mention
		{[]int{1, 2, 3}, []int{2, 3, 2}, []int{2, 3, 1}},    // first-mention order wins
		{[]int{5, 6}, nil, []int{5, 6}},
		{nil, []int{1}, nil},
	}
	for _, tc := range tests {
		got := slices.Clone(tc.remaining)
		reorderPeople(got, tc.mentioned)
		if !slices.Equal(got, tc.want) {
			t.Errorf("reorderPeople(%v, %v) = %v, want %v", tc.remaining, tc.mentioned, got, tc.want)
		}
	}
}

func TestRenderStep(t *testing.T) {
	names := []string{"Ava", "Ben", "Cy", "Di"}
	stmts := []Statement{op(And, tt(1), ly(2)), not(ly(0)), op(Implies, tt(0), tt(3)), tt(2)}
	tests := []struct {
		step TapeStep
		want string
	}{
		{TapeStep{Kind: StepOK, Person: 1, Knight: true},
			"Assume Ben is a knight. No contradiction is found in their claim that Ava is not a knave."},
		{TapeStep{Kind: StepOK, Person: 0, Knight: false},
			"Assume Ava is a knave. No contradiction is found in their false claim that Ben is a knight and Cy is a knave."},
		{TapeStep{Kind: StepConflict, Person: 3, Knight: false, Conflict: 2, ConflictKnight: true},
			"Di cannot be a knave, because this would contradict the claim of Cy that If Ava is a knight then Di is a knight."},
		{TapeStep{Kind: StepConflict, Person: 3, Knight: true, Conflict: 3, ConflictKnight: true},
			"Di cannot be a knight, because this would contradict the claim of their own that Cy is a knight."},
		{TapeStep{Kind: StepReconsider, Person: 0, Exhausted: []int{3, 2}},
			"We have exhausted all possibilities for Di and Cy, so let us go back and reconsider Ava."},
		{TapeStep{Kind: StepReconsider, Person: 0, Exhausted: []int{3, 2, 1}},
			"We have exhausted all possibilities for Di, Cy, and Ben, so let us go back and reconsider Ava."},
		{TapeStep{Kind: StepSuccess}, ""},
	}
	for _, tc := range tests {
		if got := RenderStep(tc.step, stmts, names); got != tc.want {
			t.Errorf("RenderStep(%+v) =\n%q\nwant\n%q", tc.step, got, tc.want)
		}
	}
}

// The tape must end in success on the unique solution for solvable puzzles
// and in failure for unsolvable ones, and every OK/conflict step must be
// justified by the statements.
func TestSearchTapeOutcome(t *testing.T) {
	unsolvable := []Statement{not(tt(0)), tt(1)}
	tape := SearchTape(unsolvable)
	if last := tape[len(tape)-1]; last.Kind != StepFail {
		t.Errorf("paradox: last step %+v, want StepFail", last)
	}
	for _, p := range Generate(99, 5, 50) {
		tape := SearchTape(p.Statements)
		if last := tape[len(tape)-1]; last.Kind != StepSuccess {
			t.Fatalf("index %d: last step %+v, want StepSuccess", p.Index, last)
		}
		// Replaying the OK steps that survive to the end gives the solution:
		// the final assumption of each person is their role.
		final := make([]bool, p.People())
		for _, st := range tape {
			if st.Kind == StepOK {
				final[st.Person] = st.Knight
			}
		}
		if !slices.Equal(final, p.Solution) {
			t.Errorf("index %d: tape ends at %v, solution %v", p.Index, final, p.Solution)
		}
	}
}
