package logs

// Sample is one scored response of an RL or evaluation log.
type Sample struct {
	// Source is the file the sample was read from; Pos its place there: the
	// 1-based line of a JSONL file, the 0-based row of a Parquet file (as
	// error messages cite them).
	Source string
	Pos    int64
	// Eval is true for a validation/evaluation response (ours: eval/; the
	// paper: val_step_<k>.jsonl; TRL: mode "eval"), false for a training
	// rollout.
	Eval bool
	// Step is the RL step: the step whose rollout this is, or the step of
	// the policy evaluated (0 = before training); -1 when unknown.
	Step int64
	// Index is the prompt's dataset index (extra_info.index, the GRPO group
	// key); Sample the response's position within its prompt's group
	// (ours: logged; the paper: order of appearance in the file); Level the
	// puzzle level. -1 when the log has none.
	Index, Sample, Level int64
	DataSource           string
	// Prompt and Response are the text; Prompt+Response is the whole
	// decoded sequence, special tokens included.
	Prompt, Response string
	GroundTruth      string
	// Reward is the scalar reward the update used; Correct the verdict of
	// the task's checker.
	Reward  float64
	Correct bool
	// Advantage is the group-relative advantage, when HasAdvantage.
	Advantage    float64
	HasAdvantage bool
	// SumLogProb is Σ log π(token) of the response under the policy at
	// temperature 1; SumSampleLogProb the same under the tempered sampling
	// policy (training rollouts only). Valid when HasLogProb.
	SumLogProb, SumSampleLogProb float64
	HasLogProb                   bool
	// Length is the response length in tokens (-1 when unknown); Truncated
	// whether it hit the length limit without end-of-text.
	Length    int64
	Truncated bool
	// Seed is the sampling seed of an r1lab rollout (0 elsewhere).
	Seed uint64
}

// Layout is the kind of log a path holds.
type Layout string

// The layouts ReadRun knows.
const (
	Ours  Layout = "r1lab" // rollouts/, eval/, metrics.parquet
	Paper Layout = "paper" // step_<k>.jsonl, val_step_<k>.jsonl
	TRL   Layout = "trl"   // completions_NNNNN.parquet
)
