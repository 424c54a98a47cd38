package experiment

import (
	"strings"
	"testing"
)

func TestRedistillSet(t *testing.T) {
	dir := fixture(t)
	writeFile(t, dir, "runs/redistill-b/data/redistill.json", []byte(`{"mode": "b", "rl_run": "/x/runs/rl-long",
		"train_rows": 4, "val_rows": 3, "buffer": {"last_steps": 2, "n": 4},
		"stats": {"FirstStep": 2, "LastStep": 3, "Rollouts": 16, "Correct": 5, "Prompts": 4, "Kept": 4}}`))
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s, err := e.RedistillSet("redistill-b")
	if err != nil {
		t.Fatal(err)
	}
	if s.Mode != "b" || s.TrainRows != 4 || s.ValRows != 3 || s.Stats.Rollouts != 16 || s.Stats.Kept != 4 {
		t.Errorf("RedistillSet = %+v", s)
	}
	if got, want := s.Describe(), "replay buffer of rl-long, steps 2–3: 16 rollouts, 5 correct, on 4 distinct prompts; 4 kept (one per prompt)"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
	a := RedistillSet{Mode: "a", Policy: "/x/runs/rl-long/model"}
	a.Stats.Prompts, a.Stats.Correct, a.Stats.Accuracy, a.Stats.Clipped = 10, 4, 0.4, 1
	if got := a.Describe(); got != "greedy answers of rl-long to 10 long-CoT SFT prompts: 4 correct (40%, 1 cut at the token limit), all kept" {
		t.Errorf("Describe (a) = %q", got)
	}
	if got := (RedistillSet{Mode: "control", Dropped: 2}).Describe(); !strings.Contains(got, "2 over the word cap") {
		t.Errorf("Describe (control) = %q", got)
	}
	if _, err := e.RedistillSet("redistill-a"); err == nil || !strings.Contains(err.Error(), "redistill.json") {
		t.Errorf("RedistillSet of a skipped stage: %v", err)
	}
}
