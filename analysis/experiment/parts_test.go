package experiment

import (
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/analysis/stats"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
)

// fixtureParts is the breakdown of the fixture's rl-base step-0 responses
// (helpers_test.go), worked out by hand.
var fixtureParts = []Parts{
	{Level: 0, N: 8, Correct: 2, Named: 4, People: 14, RolesRight: 10, Knights: 10, TrueKnights: 14, Chance: 0.375},
	{Level: 3, N: 3, Correct: 1, Named: 2, People: 6, RolesRight: 4, Knights: 4, TrueKnights: 6, Chance: 0.25},
	{Level: 4, N: 5, Correct: 1, Named: 2, People: 8, RolesRight: 6, Knights: 6, TrueKnights: 8, Chance: 0.125},
}

func TestArmParts(t *testing.T) {
	base := openArms(t, fixture(t))[0]
	if len(base.Parts) != 2 || base.Parts[1] != nil {
		t.Fatalf("rl-base Parts at steps %v: %v; want step 0's and nil (no responses kept at step 2)", base.Steps, base.Parts)
	}
	if got := base.Parts[0]; len(got) != len(fixtureParts) {
		t.Fatalf("Parts = %+v, want %+v", got, fixtureParts)
	}
	for i, want := range fixtureParts {
		if got := base.Parts[0][i]; got != want {
			t.Errorf("Parts[%d] = %+v, want %+v", i, got, want)
		}
	}
	if idx := base.PartsBeforeAfter(); len(idx) != 1 || idx[0] != 0 {
		t.Errorf("PartsBeforeAfter = %v, want [0]", idx)
	}
	for _, c := range []struct {
		parts [][]Parts
		want  []int
	}{
		{nil, nil},
		{[][]Parts{nil, {{}}, nil, {{}}, {{}}, nil}, []int{1, 4}},
	} {
		if got := (ArmResult{Parts: c.parts}).PartsBeforeAfter(); !slices.Equal(got, c.want) {
			t.Errorf("PartsBeforeAfter of %v = %v, want %v", c.parts, got, c.want)
		}
	}
	all := base.Parts[0][0]
	for name, c := range map[string]struct{ got, want float64 }{
		"NamedRate": {all.NamedRate(), 0.5}, "RoleAccuracy": {all.RoleAccuracy(), 10.0 / 14},
		"CorrectGivenNamed": {all.CorrectGivenNamed(), 0.5}, "ChanceGivenNamed": {all.ChanceGivenNamed(), 0.375 / 4},
		"KnightShare": {all.KnightShare(), 10.0 / 14}, "TrueKnightShare": {all.TrueKnightShare(), 1},
		"RoleAccuracy of nothing": {(Parts{}).RoleAccuracy(), math.NaN()},
		"KnightShare of nothing":  {(Parts{}).KnightShare(), math.NaN()},
	} {
		if c.got != c.want && !(math.IsNaN(c.got) && math.IsNaN(c.want)) {
			t.Errorf("%s = %v, want %v", name, c.got, c.want)
		}
	}
}

// TestKnightShare checks the role bias on a puzzle with a knight and a knave:
// the knights said and the truth's are counted over the answers that name
// the people, apart from the roles they get right.
func TestKnightShare(t *testing.T) {
	const truth = "P0 is a knight, P1 is a knave"
	answer := func(box string, ended bool) Answer {
		r := `\boxed{` + box + "}"
		if ended {
			r += reward.EndOfText
		}
		return Answer{Level: 2, DataSource: "kk", Response: r, GroundTruth: truth, Ended: ended,
			Correct: reward.KK(r, truth).Correct}
	}
	for _, c := range []struct {
		name                 string
		answers              []Answer
		knights, trueKnights int
		share                float64
	}{
		{"all knights", []Answer{answer("P0 is a knight, P1 is a knight", true), answer("P1 is a knight, P0 is a knight", true)}, 4, 2, 1},
		{"biased to knaves, one right", []Answer{answer("P0 is a knave, P1 is a knave", true), answer("P0 is a knight, P1 is a knave", true)}, 1, 2, 0.25},
		{"unfinished and unnamed answers left out", []Answer{answer("P0 is a knight, P1 is a knight", false),
			answer("P0 is a knight", true), answer("P0 is a knave, P1 is a knave", true)}, 0, 1, 0},
	} {
		parts, err := SummarizeParts(c.answers)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if p := parts[0]; p.Knights != c.knights || p.TrueKnights != c.trueKnights || p.KnightShare() != c.share || p.TrueKnightShare() != 0.5 {
			t.Errorf("%s: knights %d of %d people (truth %d), share %v / %v; want %d (truth %d), share %v / 0.5",
				c.name, p.Knights, p.People, p.TrueKnights, p.KnightShare(), p.TrueKnightShare(), c.knights, c.trueKnights, c.share)
		}
	}
}

func TestSummarizePartsErrors(t *testing.T) {
	right := kkRow(0, 2, true, "P0 is a knight", "P1 is a knight")
	ok := right.answer()
	arith := ok
	arith.DataSource = "arith"
	lying := kkRow(1, 2, true, "P0 is a knight", "P1 is a knave").answer()
	lying.Correct = true
	for name, c := range map[string]struct {
		rows []Answer
		want string
	}{
		"another task":                {[]Answer{ok, arith}, `row 1: data_source "arith"`},
		"correctness against its box": {[]Answer{ok, lying}, "row 1 (level 2): correctness true disagrees"},
	} {
		if _, err := SummarizeParts(c.rows); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", name, err, c.want)
		}
	}
	if got, err := SummarizeParts(nil); err != nil || len(got) != 1 || got[0] != (Parts{}) {
		t.Errorf("SummarizeParts(nil) = %+v, %v; want one empty Parts", got, err)
	}

	// A file with a bad row is named in the error.
	path := filepath.Join(t.TempDir(), "step_00000.parquet")
	bad := right
	bad.Correct = false
	if err := dataio.Write(path, []evalRow{bad}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadParts(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadParts of an inconsistent file: %v", err)
	}
}

func TestPartsCI(t *testing.T) {
	var answers []Answer
	for i := range int64(40) { // 40 prompts of 3 people: a quarter right, a quarter with one role right, the rest unnamed
		switch i % 4 {
		case 0:
			answers = append(answers, kkRow(i, 3, true, "P0 is a knight", "P1 is a knight", "P2 is a knight").answer())
		case 1:
			answers = append(answers, kkRow(i, 3, true, "P0 is a knight", "P1 is a knave", "P2 is a knave").answer())
		default:
			answers = append(answers, kkRow(i, 3, true).answer())
		}
	}
	roles, beyond, err := PartsCI(answers, 2000, 1)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := SummarizeParts(answers)
	if roles.Estimate != p[0].RoleAccuracy() || roles.Estimate != 4.0/6 {
		t.Errorf("roles estimate %v, want %v", roles.Estimate, p[0].RoleAccuracy())
	}
	if want := p[0].CorrectGivenNamed() - p[0].ChanceGivenNamed(); math.Abs(beyond.Estimate-want) > 1e-12 || math.Abs(want-0.375) > 1e-12 {
		t.Errorf("beyond-guessing estimate %v, want %v", beyond.Estimate, want)
	}
	for _, iv := range []stats.Interval{roles, beyond} {
		if !(iv.Lo < iv.Estimate && iv.Estimate < iv.Hi) || iv.Level != 0.95 {
			t.Errorf("interval %+v does not bracket its estimate", iv)
		}
	}

	// Eight sampled responses to one prompt are one unit of the bootstrap:
	// resampling the single prompt always gives the same value.
	var one []Answer
	for j := range 8 {
		a := answers[j%2]
		a.Index = 0
		one = append(one, a)
	}
	if r, _, err := PartsCI(one, 500, 1); err != nil || r.Lo != r.Estimate || r.Hi != r.Estimate {
		t.Errorf("one prompt: roles %+v, %v; want a zero-width interval", r, err)
	}
	if _, _, err := PartsCI(answers[2:3], 100, 1); err == nil || !strings.Contains(err.Error(), "no answer of 1 names") {
		t.Errorf("no named answer: %v", err)
	}
}
