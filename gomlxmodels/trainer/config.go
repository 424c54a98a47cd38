// Package trainer is the supervised training loop shared by base
// pre-training and SFT: AdamW with global grad-norm clipping, a warmup +
// cosine (or constant) learning-rate schedule, epochs over a seeded shuffle,
// validation loss, per-step metrics in metrics.parquet, atomic checkpoints
// and exact resume.
//
// The loop reads top to bottom in [Run]: build the step graph, restore the
// latest checkpoint if any, then for each step set the learning rate, run
// one compiled AdamW step on a padded batch, log, and checkpoint.
package trainer

import (
	"errors"
	"fmt"
	"math"
)

// Loss selects how token losses are reduced to the batch loss.
type Loss string

// The loss reductions.
const (
	// SequenceMean averages each sequence's NLL over its own loss tokens,
	// then averages over sequences, so every sequence weighs the same
	// whatever its length: the paper's SFT loss (verl's fsdp_sft_trainer,
	// "MODIFIED" in deep-reasoning).
	SequenceMean Loss = "sequence-mean"
	// TokenMean averages over every loss token of the batch (pre-training).
	TokenMean Loss = "token-mean"
)

// Config is every option of a training run, each with its default and where
// it comes from. Defaults are the paper's SFT settings (research/paper.md
// §6.2) except the learning rate, which a ~1e6-parameter model trained from
// scratch or from a tiny base needs far higher than a 1.5B model's 1e-5.
type Config struct {
	// LearningRate is the peak learning rate. Paper (Qwen2.5-1.5B): 1e-5;
	// default here 1e-3, measured to work for the "tiny" model.
	LearningRate float64 `json:"learning_rate"`
	// Beta1, Beta2 and Epsilon are AdamW's. Paper SFT: 0.9, 0.999, 1e-8.
	Beta1   float64 `json:"beta1"`
	Beta2   float64 `json:"beta2"`
	Epsilon float64 `json:"epsilon"`
	// WeightDecay is AdamW's decoupled weight decay, applied to every
	// parameter as torch.optim.AdamW does. Paper SFT: 0.
	WeightDecay float64 `json:"weight_decay"`
	// Schedule is "cosine" (paper SFT) or "constant", after WarmupSteps of
	// linear warmup from 0. Cosine decays to MinLRRatio·LearningRate at the
	// last step.
	Schedule    string  `json:"schedule"`
	WarmupSteps int     `json:"warmup_steps"` // paper SFT: 0
	MinLRRatio  float64 `json:"min_lr_ratio"` // default 0
	// ClipGradNorm clips the global L2 norm of the gradient (0: off). Paper: 1.0.
	ClipGradNorm float64 `json:"clip_grad_norm"`
	// Epochs over the training set. Paper SFT: 2.
	Epochs int `json:"epochs"`
	// MaxSteps stops the run early after this many steps (0: run all epochs).
	MaxSteps int `json:"max_steps"`
	// BatchSize is the number of sequences per optimizer step; the last
	// incomplete batch of an epoch is dropped (the paper's sampler drops it).
	// Paper SFT: 32 (64 for the K&K long-CoT set).
	BatchSize int `json:"batch_size"`
	// Loss is the reduction of token losses (default SequenceMean).
	Loss Loss `json:"loss"`
	// Seed seeds the per-epoch shuffles of the training set. Default 1234.
	Seed uint64 `json:"seed"`
	// GroupByLength batches sequences of similar length together, as
	// transformers' group_by_length does: each epoch's shuffle is cut into
	// chunks of GroupChunk batches, each chunk is sorted by length and cut into
	// batches, and the batches of the epoch are then shuffled (seeded), so the
	// order of lengths is still random. Less padding means less compute: on
	// paper-cpu's long-CoT set (351–861 tokens) 18% fewer padded tokens per
	// epoch, 26% on the short-CoT set. The paper's trainer does not group
	// (default false); the batches differ, so results differ from an
	// ungrouped run of the same seed.
	GroupByLength bool `json:"group_by_length,omitempty"`
	// LengthBucket rounds padded batch lengths up to a multiple of it, so
	// few distinct shapes are compiled. Default 32; on a backend that compiles
	// every shape (XLA) at least backend.CompiledLengthBucket (128).
	LengthBucket int `json:"length_bucket"`
	// EvalEverySteps computes the validation loss every that many steps
	// (0: only at the end of each epoch, as the paper does).
	EvalEverySteps int `json:"eval_every_steps"`
	// CheckpointEverySteps saves a checkpoint every that many steps, and
	// always at the end (0: only at the end). Default 50.
	CheckpointEverySteps int `json:"checkpoint_every_steps"`
	// KeepCheckpoints keeps the newest that many checkpoints. Default 2.
	KeepCheckpoints int `json:"keep_checkpoints"`
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config {
	return Config{
		LearningRate: 1e-3, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, WeightDecay: 0,
		Schedule: "cosine", ClipGradNorm: 1, Epochs: 2, BatchSize: 32, Loss: SequenceMean,
		Seed: 1234, LengthBucket: 32, CheckpointEverySteps: 50, KeepCheckpoints: 2,
	}
}

// Validate reports every invalid option in one error.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if !(c.LearningRate > 0) || math.IsInf(c.LearningRate, 0) {
		bad("learning rate %g must be positive", c.LearningRate)
	}
	if !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1) {
		bad("betas (%g, %g) must be in [0, 1)", c.Beta1, c.Beta2)
	}
	if !(c.Epsilon > 0) {
		bad("epsilon %g must be positive", c.Epsilon)
	}
	if c.WeightDecay < 0 {
		bad("weight decay %g must be ≥ 0", c.WeightDecay)
	}
	if c.Schedule != "cosine" && c.Schedule != "constant" {
		bad("schedule %q must be cosine or constant", c.Schedule)
	}
	if c.WarmupSteps < 0 || c.MinLRRatio < 0 || c.MinLRRatio > 1 {
		bad("warmup steps %d must be ≥ 0 and min lr ratio %g in [0, 1]", c.WarmupSteps, c.MinLRRatio)
	}
	if c.ClipGradNorm < 0 {
		bad("clip grad norm %g must be ≥ 0", c.ClipGradNorm)
	}
	if c.Epochs < 1 || c.BatchSize < 1 || c.MaxSteps < 0 {
		bad("epochs %d and batch size %d must be ≥ 1, max steps %d ≥ 0", c.Epochs, c.BatchSize, c.MaxSteps)
	}
	if c.Loss != SequenceMean && c.Loss != TokenMean {
		bad("loss %q must be %s or %s", c.Loss, SequenceMean, TokenMean)
	}
	if c.LengthBucket < 1 || c.CheckpointEverySteps < 0 || c.EvalEverySteps < 0 || c.KeepCheckpoints < 1 {
		bad("length bucket %d and keep checkpoints %d must be ≥ 1; eval/checkpoint intervals ≥ 0",
			c.LengthBucket, c.KeepCheckpoints)
	}
	if len(errs) > 0 {
		return fmt.Errorf("trainer: invalid config: %w", errors.Join(errs...))
	}
	return nil
}

// LearningRateAt returns the learning rate of step (1-based) out of total,
// as transformers' get_cosine_schedule_with_warmup (which verl's SFT trainer
// uses) computes it for the 0-based step s = step−1: linear warmup s/W over
// the first W steps, then a half cosine from the peak that would reach the
// floor at s = total (so the last step's rate is small but not zero).
func (c Config) LearningRateAt(step, total int) float64 {
	s, w := step-1, c.WarmupSteps
	if s < w {
		return c.LearningRate * float64(s) / float64(w)
	}
	if c.Schedule == "constant" {
		return c.LearningRate
	}
	progress := float64(s-w) / float64(max(1, total-w))
	floor := c.MinLRRatio * c.LearningRate
	return floor + (c.LearningRate-floor)*max(0, 0.5*(1+math.Cos(math.Pi*progress)))
}
