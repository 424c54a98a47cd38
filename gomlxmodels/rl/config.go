package rl

import (
	"errors"
	"fmt"
	"math"

	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/grpo"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
)

// Config is every option of a GRPO run, with its default and where it comes from. Defaults follow
// the paper's verl settings (research/paper.md §6.1) scaled to CPU-sized models where noted.
type Config struct {
	// GRPO is the update: group size, advantage scaling, loss aggregation, KL, entropy, AdamW,
	// learning rate and warmup. Default grpo.DefaultConfig() (the paper's, learning rate 1e-4).
	GRPO grpo.Config `json:"grpo"`

	// PromptsPerStep is the number of prompts per step (verl train_batch_size); each gets
	// GRPO.GroupSize responses. Paper: 128. Default 16 (128 responses per step), so a step of the
	// "tiny" model takes seconds on 2 CPU cores.
	PromptsPerStep int `json:"prompts_per_step"`

	// Steps is the number of RL steps. Paper: about 125 for K&K (verl total_epochs 20, runs
	// stopped by hand). Default 100.
	Steps int `json:"steps"`

	// MaxNewTokens caps every response, in rollouts and in validation (verl
	// max_response_length). A response that reaches it without end-of-text is truncated and, as
	// in the paper, kept in the batch (its reward is 0 because the reward needs end-of-text).
	// Paper: 4096. Default 512.
	MaxNewTokens int `json:"max_new_tokens"`

	// Temperature is the rollout temperature (top-p 1). It must equal GRPO.Temperature: the loss
	// scores the tempered policy that sampled the rollouts. Paper: 0.7. Default 0.7.
	Temperature float64 `json:"temperature"`

	// ValEvery runs greedy validation every that many steps, before training (step 0) and after
	// the last step, as verl's test_freq does (0: never). Paper: 5. Default 5.
	ValEvery int `json:"val_every"`

	// ValLimit validates on that many test prompts, spread evenly over levels (the first rows of
	// each level in turn; 0: all). Paper: all 500. Default 0.
	ValLimit int `json:"val_limit"`

	// ValBatchSize is the number of test responses decoded together. Default 32
	// (evaluate.DefaultConfig).
	ValBatchSize int `json:"val_batch_size"`

	// ValSamples is the number of responses per test prompt at each validation (verl
	// val_kwargs.n); 0 and 1 are one. Above 1 it needs ValTemperature > 0, and the validation
	// accuracy (val/test_correctness/<source>) is then mean@n, with val/test_pass@n/<source>
	// logged as well. Greedy accuracy on a test set of a hundred prompts moves in steps of
	// 1/prompts, too coarse to see a small policy's change; n samples at the policy's own
	// temperature see smaller ones, at n times the cost. Paper: 1 (greedy). Default 0.
	ValSamples int `json:"val_samples,omitempty"`

	// ValTemperature is the validation's sampling temperature (verl val_kwargs.temperature);
	// 0 is greedy decoding. Sample j of test prompt i after step s is drawn with the seed
	// sample.SeedFor(valSeed, 0, i, j), valSeed = sample.SeedFor(Seed, s, ValSeedStream, 0):
	// derived from the run seed, step, prompt and sample, and apart from the rollouts' seeds.
	// Paper: 0. Default 0.
	ValTemperature float64 `json:"val_temperature,omitempty"`

	// GenBatch is the number of responses sampled together in one sampler call (0: the whole
	// step's PromptsPerStep × GroupSize at once, as vLLM does in the paper). Lower it only to
	// bound memory: each row's randomness is its own seed, so results agree up to float rounding.
	// Default 0.
	GenBatch int `json:"gen_batch"`

	// LengthBucket rounds padded prompt, cache and batch lengths up to a multiple of it, so few
	// shapes get compiled. Default 32; on a backend that compiles every shape (XLA) at least
	// backend.CompiledLengthBucket (128).
	LengthBucket int `json:"length_bucket"`

	// LogRefKL computes the reference policy's log-probs (a frozen copy of the initial weights)
	// and logs critic/kl even when GRPO.KLCoef is 0, as verl does. It costs one forward pass per
	// step. With GRPO.KLCoef > 0 the reference is always used. Default false.
	LogRefKL bool `json:"log_ref_kl"`

	// CheckpointEvery saves a checkpoint every that many steps, and always after the last step
	// (0: only then). Paper: 25. Default 25.
	CheckpointEvery int `json:"checkpoint_every"`

	// Keep is the number of newest checkpoints kept. Default 2.
	Keep int `json:"keep"`

	// RandomReward, when above 0, replaces every rollout's reward by a seeded coin that is 1 with
	// this probability and 0 otherwise: the random-reward control of "Spurious Rewards: Rethinking
	// Training Signals in RLVR" (Shao et al., 2025, who used 0.5). It shows what GRPO does to a
	// policy given no information about correctness (the group z-scores, Adam's normalised steps and
	// the sharpening alone), to tell apart from what the rule reward teaches. The coin of sample j of
	// prompt i at step s uses the seed sample.SeedFor(rewardSeed, 0, i, j), rewardSeed =
	// sample.SeedFor(Seed, s, RewardSeedStream, 0), apart from the sampling seeds. Rollouts keep the
	// rule's verdict (correctness, train_level_correctness) and validation uses the rule reward.
	// Must be below 1 (a reward of 1 for all leaves nothing to learn). Paper: 0 (the rule reward).
	// Default 0.
	RandomReward float64 `json:"random_reward,omitempty"`

	// Seed determines the per-epoch prompt shuffles and every sampling seed
	// (sample.SeedFor(Seed, step, extra_info.index, sample)). Default 1234 (the paper's data seed).
	Seed uint64 `json:"seed"`
}

// DefaultConfig returns the defaults documented on [Config].
func DefaultConfig() Config {
	return Config{
		GRPO: grpo.DefaultConfig(), PromptsPerStep: 16, Steps: 100, MaxNewTokens: 512, Temperature: 0.7,
		ValEvery: 5, ValBatchSize: 32, LengthBucket: 32, CheckpointEvery: 25, Keep: 2, Seed: 1234,
	}
}

// UseReference reports whether the run needs the reference policy.
func (c Config) UseReference() bool { return c.GRPO.KLCoef > 0 || c.LogRefKL }

// Validate reports every invalid option in one error, or nil.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if err := c.GRPO.Validate(); err != nil {
		errs = append(errs, err)
	}
	if c.PromptsPerStep < 1 || c.Steps < 1 || c.MaxNewTokens < 1 {
		bad("PromptsPerStep %d, Steps %d and MaxNewTokens %d must be ≥ 1", c.PromptsPerStep, c.Steps, c.MaxNewTokens)
	}
	if c.Temperature != c.GRPO.Temperature || !(c.Temperature > 0) {
		bad("Temperature %g must be > 0 and equal GRPO.Temperature %g (the loss scores the policy that sampled)",
			c.Temperature, c.GRPO.Temperature)
	}
	if c.GRPO.LossAgg == grpo.AggDrGRPO && c.GRPO.MaxCompletionLength != c.MaxNewTokens {
		bad("GRPO.MaxCompletionLength %d must equal MaxNewTokens %d with loss aggregation %s",
			c.GRPO.MaxCompletionLength, c.MaxNewTokens, grpo.AggDrGRPO)
	}
	if n := c.PromptsPerStep * c.GRPO.GroupSize; c.GRPO.MiniBatches > 0 && n%c.GRPO.MiniBatches != 0 {
		bad("PromptsPerStep × GroupSize = %d responses do not split into %d equal mini-batches", n, c.GRPO.MiniBatches)
	}
	if c.ValEvery < 0 || c.ValLimit < 0 || c.ValBatchSize < 1 || c.GenBatch < 0 {
		bad("ValEvery %d, ValLimit %d and GenBatch %d must be ≥ 0, ValBatchSize %d ≥ 1",
			c.ValEvery, c.ValLimit, c.GenBatch, c.ValBatchSize)
	}
	if c.ValSamples < 0 || c.ValTemperature < 0 || math.IsNaN(c.ValTemperature) || c.ValSamples > 1 && c.ValTemperature == 0 {
		bad("ValSamples %d must be ≥ 0 and ValTemperature %g ≥ 0, above 0 with more than one sample per prompt (greedy responses are all the same)",
			c.ValSamples, c.ValTemperature)
	}
	if !(c.RandomReward >= 0 && c.RandomReward < 1) {
		bad("RandomReward %g must be in [0, 1) (0: the rule reward)", c.RandomReward)
	}
	if c.LengthBucket < 1 || c.CheckpointEvery < 0 || c.Keep < 1 {
		bad("LengthBucket %d and Keep %d must be ≥ 1, CheckpointEvery %d ≥ 0", c.LengthBucket, c.Keep, c.CheckpointEvery)
	}
	if len(errs) > 0 {
		return fmt.Errorf("rl: invalid Config: %w", errors.Join(errs...))
	}
	return nil
}

// RewardSeedStream stands in for the prompt index when the random-reward seed of a step is
// derived (Config.RandomReward): no prompt has that index.
const RewardSeedStream = math.MaxUint64 - 1

// ValSeedStream stands in for the prompt index when the validation seed of a step is derived
// (see Config.ValTemperature), so that validation draws are apart from rollouts.
const ValSeedStream = math.MaxUint64

// evalConfig is the validation's evaluate.Config after step.
func (c Config) evalConfig(step int) evaluate.Config {
	ec := evaluate.Config{MaxNewTokens: c.MaxNewTokens, BatchSize: c.ValBatchSize, Samples: max(c.ValSamples, 1)}
	if c.ValTemperature > 0 {
		ec.Temperature, ec.Seed = c.ValTemperature, sample.SeedFor(c.Seed, uint64(step), ValSeedStream, 0)
	}
	return ec
}

// samplingOptions are the rollout sampler's options: the tempered policy with top-p 1, so that
// sample.Result.SampleLogProbs are the old log-probs the loss expects.
func (c Config) samplingOptions(eos []int32, pad int32) sample.Options {
	return sample.Options{MaxNewTokens: c.MaxNewTokens, Temperature: c.Temperature, TopP: 1, EOS: eos, Pad: pad}
}
