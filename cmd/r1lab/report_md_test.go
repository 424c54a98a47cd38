package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
)

// TestPartsTable checks the answer breakdown's rows: the first and last
// validations with kept responses, percentages, counts and levels.
func TestPartsTable(t *testing.T) {
	p := func(level int64, n, correct, named, people, roles int, chance float64) experiment.Parts {
		return experiment.Parts{Level: level, N: n, Correct: correct, Named: named, People: people, RolesRight: roles, Chance: chance,
			Knights: roles - 1, TrueKnights: roles + 1} // not the truth's share, to see them apart
	}
	arms := []experiment.ArmResult{
		{Arm: experiment.RLArms[1], Steps: []int64{0, 5, 10}, Parts: [][]experiment.Parts{
			{p(0, 4, 1, 2, 5, 3, 0.375), p(2, 2, 1, 1, 2, 2, 0.25), p(3, 2, 0, 1, 3, 1, 0.125)},
			{p(0, 4, 0, 0, 0, 0, 0)},
			nil, // responses not kept: the last row is step 5's
		}},
		{Arm: experiment.RLArms[0], Steps: []int64{0}}, // another task, or no responses: no row
	}
	got := partsTable(arms)
	for _, want := range []string{
		"| short-CoT SFT | 0 | 50.0 (2 of 4) | 60.0 | 40.0 / 80.0 | 50.0 | 18.8 | 2: 50.0 / 100.0 · 3: 50.0 / 33.3 |",
		"| short-CoT SFT | 5 | 0.0 (0 of 4) | – | – / – | – | – |  |",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("partsTable lacks %q:\n%s", want, got)
		}
	}
	if strings.Count(got, "\n") != 4 || strings.Contains(got, "base (no SFT)") {
		t.Errorf("partsTable: want a header, a rule and 2 rows:\n%s", got)
	}
	if partsTable(arms[1:]) != "" {
		t.Error("partsTable without responses is not empty")
	}
}

// TestPartsSeries: the role, naming and knight-bias curves of the report's
// figures take each validation with kept responses, skip role and bias points
// resting on fewer than minNamedForRoles named answers, and draw the 50%
// guessing and 0 no-bias lines over the role points' steps.
func TestPartsSeries(t *testing.T) {
	p := func(n, named, people, roles int) []experiment.Parts { // knights: half the people; the truth: the right roles
		return []experiment.Parts{{N: n, Named: named, People: people, RolesRight: roles, Knights: people / 2, TrueKnights: roles}}
	}
	arms := []experiment.ArmResult{
		{Arm: experiment.Arm{Label: "a"}, Steps: []int64{0, 5, 10}, Parts: [][]experiment.Parts{p(40, 20, 50, 30), p(40, 9, 20, 20), p(80, 20, 40, 40)}},
		{Arm: experiment.Arm{Label: "b"}, Steps: []int64{0, 5}, Parts: [][]experiment.Parts{nil, p(20, 10, 20, 0)}},
		{Arm: experiment.Arm{Label: "c"}, Steps: []int64{0}}, // no kept responses: no curve
	}
	roles, named, bias := partsSeries(arms)
	if len(roles) != 3 || roles[0].Name != "a" || !slices.Equal(roles[0].X, []float64{0, 10}) || !slices.Equal(roles[0].Y, []float64{60, 100}) ||
		roles[1].Name != "b" || !slices.Equal(roles[1].X, []float64{5}) || !slices.Equal(roles[1].Y, []float64{0}) ||
		roles[2].Name != "guessing" || !slices.Equal(roles[2].X, []float64{0, 10}) || !slices.Equal(roles[2].Y, []float64{50, 50}) {
		t.Errorf("roles %+v", roles)
	}
	if len(named) != 2 || !slices.Equal(named[0].X, []float64{0, 5, 10}) || !slices.Equal(named[0].Y, []float64{50, 22.5, 25}) ||
		!slices.Equal(named[1].Y, []float64{50}) {
		t.Errorf("named %+v", named)
	}
	if len(bias) != 3 || !slices.Equal(bias[0].X, []float64{0, 10}) || !slices.Equal(bias[0].Y, []float64{-10, -50}) ||
		!slices.Equal(bias[1].Y, []float64{50}) || bias[2].Name != "no bias" || !slices.Equal(bias[2].Y, []float64{0, 0}) {
		t.Errorf("bias %+v", bias)
	}
	if r, n, b := partsSeries(arms[2:]); r != nil || n != nil || b != nil {
		t.Errorf("no kept responses: roles %v, named %v, bias %v", r, n, b)
	}
}

// TestEnvironmentNote: one line when every stage that recorded an environment ran in the same one,
// one per environment with its stages when a resume moved the run, nothing when none recorded one.
func TestEnvironmentNote(t *testing.T) {
	cpu := backend.CPU{Arch: "amd64", Vendor: "AuthenticAMD", Model: "AMD EPYC", Cores: 2}
	plain := backend.Environment{Backend: "go:parallelism=-1", Go: "go1.26.8", OS: "linux", CPU: cpu}
	simd := plain
	simd.SIMDBuild = true
	stages := []string{"data", "drills", "base", "rl-base", "report"}
	for _, tc := range []struct {
		name string
		envs map[string]backend.Environment
		want []string // substrings, in order; nil: empty note
	}{
		{"none recorded", map[string]backend.Environment{}, nil},
		{"one environment", map[string]backend.Environment{"drills": plain, "base": plain, "rl-base": plain},
			[]string{"\nRan with " + plain.String() + ".\n"}},
		{"resumed with the other build", map[string]backend.Environment{"drills": plain, "base": simd, "rl-base": plain},
			[]string{"more than one environment", "- " + plain.String() + ": drills, rl-base\n", "- " + simd.String() + ": base\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := environmentNote(stages, tc.envs)
			if tc.want == nil {
				if got != "" {
					t.Errorf("want no note, got %q", got)
				}
				return
			}
			at := 0
			for _, w := range tc.want {
				i := strings.Index(got[at:], w)
				if i < 0 {
					t.Fatalf("note lacks %q after offset %d:\n%s", w, at, got)
				}
				at += i + len(w)
			}
		})
	}
}
