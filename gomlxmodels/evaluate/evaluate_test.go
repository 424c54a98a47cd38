package evaluate

import (
	"math"
	"testing"
)

func TestSummarizeAndMetrics(t *testing.T) {
	rows := []Row{
		{Level: 4, Correct: true, Ended: true, Length: 10},
		{Level: 4, Correct: false, Ended: false, Length: 30},
		{Level: 5, Correct: false, Ended: true, Length: 20},
		{Level: 5, Correct: true, Ended: true, Length: 40},
		{Level: 5, Correct: true, Ended: true, Length: 30},
	}
	s := Summarize(rows)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-12 }
	if s.N != 5 || !near(s.Accuracy, 0.6) || !near(s.ClipRatio, 0.2) || !near(s.MeanLength, 26) {
		t.Errorf("overall %+v", s)
	}
	if len(s.Levels) != 2 || s.Levels[0].Level != 4 || !near(s.Levels[0].Accuracy, 0.5) || !near(s.Levels[0].ClipRatio, 0.5) ||
		s.Levels[1].N != 3 || !near(s.Levels[1].Accuracy, 2.0/3) || !near(s.Levels[1].MeanLength, 30) {
		t.Errorf("levels %+v", s.Levels)
	}
	m := s.Metrics("kk")
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
