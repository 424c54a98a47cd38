package evaluate

import (
	"math"
	"strings"
	"testing"
)

func TestSummarizeAndMetrics(t *testing.T) {
	rows := []Row{
		{Index: 1, Level: 4, Correct: true, Ended: true, Length: 10},
		{Index: 2, Level: 4, Correct: false, Ended: false, Length: 30},
		{Index: 3, Level: 5, Correct: false, Ended: true, Length: 20},
		{Index: 4, Level: 5, Correct: true, Ended: true, Length: 40},
		{Index: 5, Level: 5, Correct: true, Ended: true, Length: 30},
	}
	s := Summarize(rows)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if s.N != 5 || s.Prompts != 5 || s.Samples != 1 || !near(s.Accuracy, 0.6) || !near(s.PassAtN, 0.6) ||
		!near(s.ClipRatio, 0.2) || !near(s.MeanLength, 26) {
		t.Errorf("overall %+v", s)
	}
	if len(s.Levels) != 2 || s.Levels[0].Level != 4 || !near(s.Levels[0].Accuracy, 0.5) || !near(s.Levels[0].ClipRatio, 0.5) ||
		s.Levels[1].N != 3 || !near(s.Levels[1].Accuracy, 2.0/3) || !near(s.Levels[1].MeanLength, 30) {
		t.Errorf("levels %+v", s.Levels)
	}
	m := s.Metrics("kk")
	for name := range m {
		if strings.Contains(name, "pass@") {
			t.Errorf("greedy summary has metric %s", name)
		}
	}
	for name, want := range map[string]float64{
		"val/test_correctness/kk":                     0.6,
		"val_level_correctness/5_correctness":         2.0 / 3,
		"val_level_clip_ratio/4_clip_ratio":           0.5,
		"val_level_response_length/4_response_length": 20,
		"val/clip_ratio":                              0.2,
	} {
		if got, ok := m[name]; !ok || !near(got, want) {
			t.Errorf("metric %s = %v (present %v), want %v", name, got, ok, want)
		}
	}
}

// TestSummarizeSamples: rows sharing (data source, index) are one prompt's
// samples; accuracy is mean@n and pass@n counts prompts solved at least once.
func TestSummarizeSamples(t *testing.T) {
	var rows []Row
	add := func(src string, index, level int64, correct ...bool) {
		for j, c := range correct {
			rows = append(rows, Row{DataSource: src, Index: index, Level: level, Sample: ptr(int64(j)), Correct: c, Ended: true, Length: 5})
		}
	}
	add("kk", 1, 2, false, true, false, false)     // solved once
	add("kk", 2, 2, false, false, false, false)    // never
	add("kk", 3, 3, true, true, true, true)        // always
	add("arith", 3, 3, false, false, false, false) // same index, other source: another prompt
	s := Summarize(rows)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if s.N != 16 || s.Prompts != 4 || s.Samples != 4 || !near(s.Accuracy, 5.0/16) || !near(s.PassAtN, 0.5) {
		t.Errorf("overall %+v", s)
	}
	if l := s.Levels[0]; l.Level != 2 || l.Prompts != 2 || !near(l.Accuracy, 1.0/8) || !near(l.PassAtN, 0.5) {
		t.Errorf("level 2 %+v", l)
	}
	if l := s.Levels[1]; l.Level != 3 || l.Prompts != 2 || !near(l.Accuracy, 0.5) || !near(l.PassAtN, 0.5) {
		t.Errorf("level 3 %+v", l)
	}
	m := s.Metrics("kk")
	if !near(m["val/test_pass@4/kk"], 0.5) || !near(m["val_level_pass@4/2"], 0.5) || !near(m["val/test_correctness/kk"], 5.0/16) {
		t.Errorf("metrics %v", m)
	}
	var buf strings.Builder
	s.Print(&buf)
	if !strings.Contains(buf.String(), "mean@4") || !strings.Contains(buf.String(), "pass@4") {
		t.Errorf("table without mean@4 / pass@4 columns:\n%s", buf.String())
	}
}

func TestRewardFor(t *testing.T) {
	for _, src := range []string{"kk", "arith"} {
		if f, err := rewardFor(src); err != nil || f == nil {
			t.Errorf("%s: %v", src, err)
		}
	}
	if _, err := rewardFor("math_length"); err == nil {
		t.Error("unknown data_source accepted")
	}
}

// TestSummarizeKKParts: K&K answers split into naming the people (only
// responses that ended count) and the share of right roles among the named
// people; other sources and unnamed answers leave both NaN, not 0.
func TestSummarizeKKParts(t *testing.T) {
	two, three := "Ann is a knight, Bob is a knave", "Ann is a knight, Bob is a knave, Cy is a knight"
	box := func(s string) string { return `The final answer is: \boxed{` + s + "}." }
	rows := []Row{
		{DataSource: "kk", Index: 1, Level: 2, GroundTruth: two, Response: box(two), Ended: true, Correct: true},                                 // named, 2/2
		{DataSource: "kk", Index: 2, Level: 2, GroundTruth: two, Response: box("Ann is a knave, Bob is a knave"), Ended: true},                   // named, 1/2
		{DataSource: "kk", Index: 3, Level: 2, GroundTruth: two, Response: box(two)},                                                             // cut: not named
		{DataSource: "kk", Index: 4, Level: 3, GroundTruth: three, Response: box("Ann is a knight, Bob is a knave"), Ended: true},                // a person missing
		{DataSource: "kk", Index: 5, Level: 3, GroundTruth: three, Response: box("Ann is a knave, Bob is a knight, Cy is a knave"), Ended: true}, // named, 0/3
		{DataSource: "arith", Index: 6, Level: 4, GroundTruth: "7", Response: box("7"), Ended: true, Correct: true},
	}
	s := Summarize(rows)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if !near(s.Named, 3.0/5) || !near(s.RoleAccuracy, 3.0/7) {
		t.Errorf("overall named %v, role accuracy %v; want 3/5 and 3/7", s.Named, s.RoleAccuracy)
	}
	want := []struct{ named, roles float64 }{{2.0 / 3, 3.0 / 4}, {0.5, 0}, {math.NaN(), math.NaN()}}
	for i, l := range s.Levels {
		w := want[i]
		if !(near(l.Named, w.named) || math.IsNaN(l.Named) && math.IsNaN(w.named)) ||
			!(near(l.RoleAccuracy, w.roles) || math.IsNaN(l.RoleAccuracy) && math.IsNaN(w.roles)) {
			t.Errorf("level %d: named %v, role accuracy %v; want %v, %v", l.Level, l.Named, l.RoleAccuracy, w.named, w.roles)
		}
	}
	m := s.Metrics("kk")
	for name, v := range map[string]float64{"val/named/kk": 3.0 / 5, "val/role_accuracy/kk": 3.0 / 7,
		"val/knight_share/kk": 2.0 / 7, "val/true_knight_share/kk": 4.0 / 7, // rows 1, 2 and 5 call 1, 0 and 1 of their people knights; the truth 1, 1 and 2
		"val_level_named/2_named": 2.0 / 3, "val_level_role_accuracy/3_role_accuracy": 0} {
		if got, ok := m[name]; !ok || !near(got, v) {
			t.Errorf("metric %s = %v (present %v), want %v", name, got, ok, v)
		}
	}
	for _, name := range []string{"val_level_named/4_named", "val_level_role_accuracy/4_role_accuracy"} {
		if _, ok := m[name]; ok {
			t.Errorf("metric %s present for a level without K&K answers", name)
		}
	}
	if a := Summarize(rows[5:]); !math.IsNaN(a.Named) || !math.IsNaN(a.RoleAccuracy) || !math.IsNaN(a.KnightShare) {
		t.Errorf("ARITH only: named %v, role accuracy %v, knight share %v; want NaN", a.Named, a.RoleAccuracy, a.KnightShare)
	}
}
