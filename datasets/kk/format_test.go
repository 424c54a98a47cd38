package kk

import (
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/nprand"
)

func TestCommonNamesChoice(t *testing.T) {
	if len(CommonNames) != 51 {
		t.Fatalf("%d common names, want 51", len(CommonNames))
	}
	tests := []struct {
		seed uint64
		want []string
	}{
		{1234, []string{"Penelope", "David", "Zoey"}},
		{1235, []string{"Henry", "Isabella", "William", "Elizabeth", "Mason"}},
	}
	for _, tc := range tests {
		var got []string
		for _, k := range nprand.New(tc.seed).ChoiceNoReplace(len(CommonNames), len(tc.want)) {
			got = append(got, CommonNames[k])
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("default_rng(%d).choice(COMMON_NAMES, %d, replace=False) = %v, want %v", tc.seed, len(tc.want), got, tc.want)
		}
	}
}

func TestRenderTemplate(t *testing.T) {
	if len(Templates) != 18 {
		t.Fatalf("%d templates, want 18", len(Templates))
	}
	tests := []struct {
		t    int
		want string
	}{
		{0, "Ava said that Ben is a knight."},
		{2, `Ava said, "Ben is a knight."`},
		{5, `In Ava's words: "Ben is a knight".`},
		{7, `"Ben is a knight," Ava declared.`},
		{10, `"Ben is a knight" - Ava.`},
		{17, `"Ben is a knight," Ava claimed.`},
	}
	for _, tc := range tests {
		if got := RenderTemplate(tc.t, "Ava", "Ben is a knight"); got != tc.want {
			t.Errorf("template %d: %q, want %q", tc.t, got, tc.want)
		}
	}
	// Single pass, like str.format: placeholders inside the values stay.
	if got := RenderTemplate(0, "{content}", "{name}"); got != "{content} said that {name}." {
		t.Errorf("RenderTemplate re-substituted: %q", got)
	}
	for i, tmpl := range Templates {
		if strings.Count(tmpl, "{name}") != 1 || strings.Count(tmpl, "{content}") != 1 {
			t.Errorf("template %d %q needs one {name} and one {content}", i, tmpl)
		}
	}
}

func TestFormatMatchesGenerate(t *testing.T) {
	for _, p := range Generate(42, 4, 5) {
		q := Format(p.Index, 42+uint64(p.Index), p.Statements)
		if q.Quiz != p.Quiz || !slices.Equal(q.CoTSteps, p.CoTSteps) || !slices.Equal(q.Solution, p.Solution) {
			t.Errorf("index %d: Format differs from Generate", p.Index)
		}
	}
}

func TestValidate(t *testing.T) {
	valid := []Statement{ly(1), op(And, tt(0), tt(1))}
	tests := []struct {
		name    string
		stmts   []Statement
		wantErr string // substring; "" means valid
	}{
		{"valid", valid, ""},
		{"one person", []Statement{tt(0)}, "1 people"},
		{"person out of range", []Statement{ly(2), tt(0)}, "person 2"},
		{"negative person", []Statement{ly(-1), tt(0)}, "person -1"},
		{"too deep", []Statement{not(not(tt(1))), tt(0)}, "not a leaf"},
		{"bad arity", []Statement{op(Implies, tt(1)), tt(0)}, "1 operands"},
		{"unknown op", []Statement{{Op: "xor", Args: []Statement{tt(0), tt(1)}}, tt(0)}, `unknown operator "xor"`},
		{"leaf with args", []Statement{{Op: TellingTruth, Person: 1, Args: []Statement{tt(0)}}, tt(0)}, "has operands"},
		{"no solution", []Statement{not(tt(0)), tt(1)}, "no solution"},
		{"many solutions", []Statement{tt(0), tt(1)}, "more than one"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.stmts)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("Validate = %v, want an error containing %q", err, tc.wantErr)
			}
		})
	}
}
