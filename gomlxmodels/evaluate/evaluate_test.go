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
