package dataio

import "strings"

// Constant values used in the verl layouts. They are what deep-reasoning's
// data scripts write, and what verl's reward dispatch and TRL's chat handling
// expect to find.
const (
	// RoleUser is the chat role of the single prompt message in RL data.
	RoleUser = "user"
	// StyleRule marks a rule-based (verifier) reward in RewardSpec.Style.
	StyleRule = "rule"
	// AbilityMath is the value deep-reasoning writes in RLRow.Ability for
	// every task (K&K included); verl only logs it.
	AbilityMath = "math"
	// SplitTrain is ExtraInfo.Split for training rows.
	SplitTrain = "train"
	// SplitTest is ExtraInfo.Split for held-out (validation/test) rows.
	SplitTest = "test"
)

// Message is one chat message of an RL prompt, as verl's RLHFDataset reads it
// (and as TRL's conversational format expects: a list of {role, content}).
type Message struct {
	// Content is the message text. In deep-reasoning's data it is the full,
	// already templated prompt (chat tokens included), because the trainer
	// runs with apply_chat_template disabled.
	Content string `parquet:"content"`
	// Role is the chat role; always RoleUser ("user") in this project.
	Role string `parquet:"role"`
}

// RewardSpec tells verl's reward manager how to score a rollout.
type RewardSpec struct {
	// GroundTruth is the reference answer handed to the verifier (for K&K the
	// solution string, for ARITH the exact value as text).
	GroundTruth string `parquet:"ground_truth"`
	// Style is the reward kind; always StyleRule ("rule"): a verifier, not a
	// learned reward model.
	Style string `parquet:"style"`
}

// ExtraInfo is verl's free-form per-row metadata. deep-reasoning uses it for
// the group key and for per-level metrics.
type ExtraInfo struct {
	// Index is the row's position after the seed-1234 shuffle; it is the GRPO
	// group key and the prompt index in rollout files.
	Index int64 `parquet:"index"`
	// Level is the difficulty (number of people for K&K, level for ARITH);
	// per-level metrics group by it.
	Level int64 `parquet:"level"`
	// Split is SplitTrain or SplitTest.
	Split string `parquet:"split"`
	// Answer duplicates RewardSpec.GroundTruth, as deep-reasoning writes it.
	Answer string `parquet:"answer"`
	// Question is always "" in deep-reasoning's data (the question lives in
	// the prompt); kept so the layout matches.
	Question string `parquet:"question"`
	// SourceIndex is r1lab's addition: the item's index in its generator run
	// (the K&K sampler index, the ARITH problem index), so a row can be traced
	// back to its puzzle and regenerated from the manifest's seed. Optional:
	// nil in files other tools wrote.
	SourceIndex *int64 `parquet:"source_index,optional"`
}

// RLRow is one prompt of RL train/test data in verl's layout
// (RL_data*/{train,test}.parquet). deep-reasoning's files also carry top-level
// answer/gt_answer/target columns; they duplicate the ground truth, are not
// read by verl's trainer, and are ignored here when reading such a file.
type RLRow struct {
	// Prompt is the chat prompt: one RoleUser message holding the full
	// templated prompt text. Parquet type list<struct{content, role}>.
	Prompt []Message `parquet:"prompt,list"`
	// DataSource selects the reward function in verl ("kk", "arith", ...) and
	// names the val/test_correctness/<data_source> metric.
	DataSource string `parquet:"data_source"`
	// Ability is a free-form task tag; AbilityMath ("math") for every task,
	// as in deep-reasoning.
	Ability string `parquet:"ability"`
	// RewardModel holds the ground truth and the reward style.
	RewardModel RewardSpec `parquet:"reward_model"`
	// ExtraInfo holds the group index, level and split.
	ExtraInfo ExtraInfo `parquet:"extra_info"`
}

// NewRLRow builds an RLRow the way deep-reasoning's data scripts do: a single
// user message, ability "math", a rule reward, and the ground truth copied to
// extra_info.answer. It exists so that every generator fills the redundant
// fields identically.
func NewRLRow(prompt, groundTruth, dataSource, split string, index, level int64) RLRow {
	return RLRow{
		Prompt:      []Message{{Content: prompt, Role: RoleUser}},
		DataSource:  dataSource,
		Ability:     AbilityMath,
		RewardModel: RewardSpec{GroundTruth: groundTruth, Style: StyleRule},
		ExtraInfo: ExtraInfo{
			Index:  index,
			Level:  level,
			Split:  split,
			Answer: groundTruth,
		},
	}
}

// PromptText returns the text the policy is conditioned on: the contents of
// the prompt messages, concatenated in order without separators. With this
// project's data (one message holding the templated prompt) that is exactly
// Prompt[0].Content; no chat template is applied here, matching verl run with
// apply_chat_template disabled.
func (r RLRow) PromptText() string {
	if len(r.Prompt) == 1 {
		return r.Prompt[0].Content
	}
	var b strings.Builder
	for _, m := range r.Prompt {
		b.WriteString(m.Content)
	}
	return b.String()
}

// SFTRow is one supervised example in deep-reasoning's SFT layout
// (sft_*/{train,val}.parquet, read by verl's fsdp_sft_trainer or TRL's
// prompt-completion format), plus Level and DataSource for per-level analysis.
type SFTRow struct {
	// ID is the example's id: the original index for short-CoT data, the
	// position after the shuffle for long-CoT data.
	ID int64 `parquet:"id"`
	// Prompt is the full templated prompt, chat tokens included (the SFT
	// trainer runs with apply_chat_template disabled).
	Prompt string `parquet:"prompt"`
	// Response is the target completion, including the trailing end-of-text
	// token, so the model learns to stop.
	Response string `parquet:"response"`
	// GtAnswer is the ground-truth answer (not trained on; kept for checks).
	GtAnswer string `parquet:"gt_answer"`
	// Level is the difficulty, as in ExtraInfo.Level.
	Level int64 `parquet:"level"`
	// DataSource names the task, as in RLRow.DataSource.
	DataSource string `parquet:"data_source"`
}

// EvalExtra is the per-row metadata of the eval layout.
type EvalExtra struct {
	// GtAnswer is the ground truth handed to the verifier.
	GtAnswer string `parquet:"gt_answer"`
	// Index is the row's position in the eval set.
	Index int64 `parquet:"index"`
	// Level is the difficulty; pass@1 is reported overall and per level.
	Level int64 `parquet:"level"`
}

// EvalRow is one prompt of deep-reasoning's offline-eval layout
// (RL_qwen_eval/eval.parquet, read by main_generation/main_eval). Unlike
// RLRow, the prompt is a plain string.
type EvalRow struct {
	// Prompt is the full templated prompt string.
	Prompt string `parquet:"prompt"`
	// DataSource selects the reward function, as in RLRow.DataSource.
	DataSource string `parquet:"data_source"`
	// ExtraInfo holds the ground truth, index and level.
	ExtraInfo EvalExtra `parquet:"extra_info"`
}
