package experiment

import (
	"fmt"
	"path/filepath"
)

// RedistillSet is a re-distilled set's summary, runs/<stage>/data/redistill.json
// (cmd/r1lab/redistill.go), for the stages redistill-a, redistill-b and control.
type RedistillSet struct {
	Mode      string `json:"mode"`       // a, b or control
	TrainRows int    `json:"train_rows"` // SFT samples kept
	ValRows   int    `json:"val_rows"`   // validation samples (the long-CoT SFT set's)
	Policy    string `json:"policy"`     // A: the RL policy that answered
	RLRun     string `json:"rl_run"`     // B: the RL run whose replay buffer was read
	Dropped   int    `json:"dropped"`    // control: teacher traces over the word cap
	Stats     struct {
		Prompts, Correct, Clipped int     // A: prompts answered, correct (kept), cut at the limit
		Accuracy                  float64 // A: Correct / Prompts
		FirstStep, LastStep       int     // B: the replay-buffer steps read
		Rollouts, Kept            int     // B: rollouts read, samples kept (Correct: correct rollouts; Prompts: distinct prompts)
	} `json:"stats"`
}

// RedistillSet reads the summary of the set a re-distillation stage built.
func (e *Experiment) RedistillSet(stage string) (*RedistillSet, error) {
	var s RedistillSet
	if err := readJSON(filepath.Join(e.RunDir(stage), "data", "redistill.json"), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Describe says in words how the set was made.
func (s RedistillSet) Describe() string {
	switch s.Mode {
	case "a":
		return fmt.Sprintf("greedy answers of %s to %d long-CoT SFT prompts: %d correct (%.0f%%, %d cut at the token limit), all kept",
			filepath.Base(filepath.Dir(s.Policy)), s.Stats.Prompts, s.Stats.Correct, 100*s.Stats.Accuracy, s.Stats.Clipped)
	case "b":
		return fmt.Sprintf("replay buffer of %s, steps %d–%d: %d rollouts, %d correct, on %d distinct prompts; %d kept (one per prompt)",
			filepath.Base(s.RLRun), s.Stats.FirstStep, s.Stats.LastStep, s.Stats.Rollouts, s.Stats.Correct, s.Stats.Prompts, s.Stats.Kept)
	case "control":
		return fmt.Sprintf("the teacher's long-CoT traces for B's prompts (%d over the word cap, dropped)", s.Dropped)
	}
	return s.Mode
}
