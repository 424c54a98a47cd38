package grpo

import (
	"errors"
	"fmt"
	"math"
)

// Reward scalings (Config.ScaleRewards), TRL's scale_rewards values.
const (
	ScaleGroup = "group" // divide by the group's std (paper, verl grpo, TRL default)
	ScaleBatch = "batch" // divide by the std of all rewards of the batch (TRL)
	ScaleNone  = "none"  // centre only (TRL; Dr. GRPO)
)

// Loss aggregations (Config.LossAgg).
const (
	AggTokenMean = "token-mean" // mean over all response tokens of the batch (paper/verl)
	AggGRPO      = "grpo"       // mean over each sequence's tokens, then over sequences (TRL grpo)
	AggDrGRPO    = "dr_grpo"    // token sum / (B × MaxCompletionLength) (TRL dr_grpo)
	AggDAPO      = "dapo"       // token mean over the global batch (TRL dapo)
)

// KL estimators (Config.KLEstimator), with x = logπ − logπ_ref per token.
const (
	KLK1       = "k1"         // x (verl "kl")
	KLK3       = "k3"         // exp(−x) + x − 1 (TRL); computed as verl's low_var_kl
	KLLowVarKL = "low_var_kl" // verl's name for k3, clamped to [−10, 10]
)

// Config is every option of the GRPO update, with its default and where it comes from. Defaults
// are the paper's (research/paper.md §6.1) except the learning rate.
type Config struct {
	// GroupSize is the number of responses sampled per prompt. Paper (rollout.n) and TRL
	// (num_generations): 8. Default 8. The rollout loop uses it to build the group ids that
	// [Advantages] takes; nothing here depends on groups being contiguous.
	GroupSize int `json:"group_size"`

	// ScaleRewards is how centred rewards are scaled: ScaleGroup (paper; TRL default), ScaleBatch
	// or ScaleNone. The mean subtracted is always the group's. Default ScaleGroup.
	ScaleRewards string `json:"scale_rewards"`

	// AdvantageEpsilon is added to the std before dividing. Paper/verl: 1e-6 (TRL: 1e-4).
	// Default 1e-6.
	AdvantageEpsilon float64 `json:"advantage_epsilon"`

	// LossAgg is how per-token losses become the batch loss: AggTokenMean (paper/verl
	// loss_agg_mode "token-mean"), AggGRPO, AggDrGRPO or AggDAPO (TRL loss_type). One optimizer
	// step divides by its whole mini-batch's counts, also when MaxUpdateTokens cuts the backward
	// pass into chunks, so AggDAPO, TRL's token mean over the accumulated global batch, equals
	// AggTokenMean; both names are accepted. Default AggTokenMean.
	LossAgg string `json:"loss_agg"`

	// MaxCompletionLength is the constant divisor per sequence of AggDrGRPO (TRL
	// max_completion_length): set it to the sampler's MaxNewTokens. Required (> 0) with
	// AggDrGRPO, ignored otherwise. Default 0.
	MaxCompletionLength int `json:"max_completion_length"`

	// Temperature divides the logits before the log-softmax of the loss (and of [LogProber]), as
	// verl's actor (logits.div_(temperature)) and TRL do: the policy being optimised is the
	// tempered one that sampled the rollouts. Old and reference log-probs must be computed at the
	// same temperature (sample.Result.SampleLogProbs with top-p 1, or a LogProber). Paper: 0.7.
	// Default 0.7.
	Temperature float64 `json:"temperature"`

	// PPOEpochs is the number of passes over each batch (verl ppo_epochs, TRL num_iterations).
	// Paper: 1. Default 1.
	PPOEpochs int `json:"ppo_epochs"`

	// MiniBatches splits each batch into that many equal consecutive mini-batches, one optimizer
	// step each (verl: batch / ppo_mini_batch_size). Paper: 1 (the mini-batch of 1024 prompts × 8
	// holds the whole batch). Default 1. The batch size must be a multiple of it.
	MiniBatches int `json:"mini_batches"`

	// ClipLow and ClipHigh bound the ratio to [1−ClipLow, 1+ClipHigh] (verl clip_ratio, TRL
	// epsilon / epsilon_high). Paper: 0.2 and 0.2. Inactive when the old log-probs come from the
	// current weights (PPOEpochs = MiniBatches = 1). Defaults 0.2, 0.2.
	ClipLow  float64 `json:"clip_low"`
	ClipHigh float64 `json:"clip_high"`

	// KLCoef is β, the weight of the KL-to-reference term added to the loss (verl kl_loss_coef
	// with use_kl_loss; TRL beta). Paper: 0 (no KL loss; critic/kl is still logged when reference
	// log-probs are given). Default 0. Non-zero needs Batch.RefLogProbs.
	KLCoef float64 `json:"kl_coef"`

	// KLEstimator is the per-token KL estimate of the KL term: KLK1 or KLK3/KLLowVarKL (verl's
	// kl_loss_type default, TRL's only estimator). Default KLLowVarKL.
	KLEstimator string `json:"kl_estimator"`

	// EntropyCoef weighs the entropy bonus subtracted from the loss (verl entropy_coeff). Paper: 0.
	// Default 0.
	EntropyCoef float64 `json:"entropy_coef"`

	// LogEntropy computes the mean token entropy (actor/entropy_loss) even when EntropyCoef is 0,
	// as verl always does. It shares the forward pass and adds one multiply-reduce over the
	// [B, S, Vocab] logits: no measurable cost (BenchmarkStep, "tiny" preset, 16 × 128 tokens,
	// 1.07 s vs 1.08 s per step on 2 shared cores). Default true.
	LogEntropy bool `json:"log_entropy"`

	// SkipZeroAdvantage leaves the rows whose advantage is exactly 0 (every response of a group
	// with one reward: most groups early in RL on a hard task) out of the backward pass. With
	// KLCoef and EntropyCoef 0 their loss terms are identically 0, so the gradient, the update
	// and, with the whole batch's divisors (Inputs.TokenCount), the loss are unchanged; their
	// share of the logged means (entropy, ppo_kl, kl_loss) comes from the sampler's entropies
	// (Batch.Entropies) or else from a forward pass alone. It is ignored when KLCoef or
	// EntropyCoef is non-zero. An optimisation, not a change of the
	// method (verl and TRL back-propagate through every row). Default true.
	SkipZeroAdvantage bool `json:"skip_zero_advantage"`

	// MaxUpdateTokens caps the padded tokens (rows × padded length) of one backward pass. When
	// the rows an optimizer step back-propagates through hold more, they are cut into chunks of
	// consecutive rows whose gradients are summed before the one AdamW step: the same update to
	// float rounding, since every loss term is divided by the whole mini-batch's counts
	// (Inputs.TokenCount, RowCount). Why: the backward pass keeps every row's attention weights
	// (rows × heads × S² per layer), so memory grows with rows and the square of the length; on
	// paper-cpu's long-CoT arm (8 × 8 rollouts of up to 640 tokens) one step's update held 8.7 GB
	// and another ran the 23 GB machine out of memory. 0: no limit (one backward pass).
	// Default 8192.
	MaxUpdateTokens int `json:"max_update_tokens,omitempty"`

	// LossScale multiplies the loss before differentiation: the logged losses are unscaled, the
	// gradient (and so actor/grad_norm) is scaled, as in verl. verl scales each micro-batch by
	// its share of a 4096-sequence per-GPU mini-batch, so the paper's gradient is about 1/8 of a
	// token mean; Adam cancels the scale except through the grad-norm clip. Set 0.125 to mimic
	// that. Default 1.
	LossScale float64 `json:"loss_scale"`

	// LearningRate is the AdamW learning rate after warmup. Paper: 5e-6 for Qwen2.5-1.5B (2.5e-6
	// for MATH and re-distill-RL). Default 1e-4: our models are ~1e6 parameters, which need far
	// larger steps (the SFT default is 1e-3), and RL updates are noisier than SFT's, so one
	// order of magnitude lower than SFT. Not tuned yet.
	LearningRate float64 `json:"learning_rate"`

	// WarmupSteps ramps the rate linearly from 0 (verl's constant schedule with warmup), then it
	// stays constant. Paper: 8 (4 for MATH). Default 8.
	WarmupSteps int `json:"warmup_steps"`

	// Beta1, Beta2 and Epsilon are AdamW's. Paper: (0.5, 0.999), torch's ε 1e-8. Defaults 0.5,
	// 0.999, 1e-8.
	Beta1   float64 `json:"beta1"`
	Beta2   float64 `json:"beta2"`
	Epsilon float64 `json:"epsilon"`

	// WeightDecay is AdamW's decoupled decay, on every parameter (torch AdamW over all of
	// verl's actor parameters). Paper: 0.01 (torch's default). Default 0.01.
	WeightDecay float64 `json:"weight_decay"`

	// ClipGradNorm clips the global L2 norm of the gradient (0: off). Paper: 1.0. Default 1.0.
	ClipGradNorm float64 `json:"clip_grad_norm"`
}

// DefaultConfig returns the defaults documented on [Config].
func DefaultConfig() Config {
	return Config{
		GroupSize: 8, ScaleRewards: ScaleGroup, AdvantageEpsilon: 1e-6,
		LossAgg: AggTokenMean, Temperature: 0.7, PPOEpochs: 1, MiniBatches: 1,
		ClipLow: 0.2, ClipHigh: 0.2, KLEstimator: KLLowVarKL, LogEntropy: true, SkipZeroAdvantage: true, LossScale: 1,
		MaxUpdateTokens: 8192, LearningRate: 1e-4, WarmupSteps: 8, Beta1: 0.5, Beta2: 0.999, Epsilon: 1e-8,
		WeightDecay: 0.01, ClipGradNorm: 1,
	}
}

// Validate reports every invalid option in one error, or nil.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	finite := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
	if c.GroupSize < 1 {
		bad("GroupSize %d must be ≥ 1", c.GroupSize)
	}
	switch c.ScaleRewards {
	case ScaleGroup, ScaleBatch, ScaleNone:
	default:
		bad("ScaleRewards %q must be %s, %s or %s", c.ScaleRewards, ScaleGroup, ScaleBatch, ScaleNone)
	}
	if !(c.AdvantageEpsilon >= 0) || !finite(c.AdvantageEpsilon) {
		bad("AdvantageEpsilon %g must be finite and ≥ 0", c.AdvantageEpsilon)
	}
	switch c.LossAgg {
	case AggTokenMean, AggGRPO, AggDAPO:
	case AggDrGRPO:
		if c.MaxCompletionLength < 1 {
			bad("LossAgg %s needs MaxCompletionLength ≥ 1 (the sampler's MaxNewTokens), got %d", AggDrGRPO, c.MaxCompletionLength)
		}
	default:
		bad("LossAgg %q must be %s, %s, %s or %s", c.LossAgg, AggTokenMean, AggGRPO, AggDrGRPO, AggDAPO)
	}
	if !(c.Temperature > 0) || !finite(c.Temperature) {
		bad("Temperature %g must be finite and > 0", c.Temperature)
	}
	if c.PPOEpochs < 1 || c.MiniBatches < 1 {
		bad("PPOEpochs %d and MiniBatches %d must be ≥ 1", c.PPOEpochs, c.MiniBatches)
	}
	if !(c.ClipLow >= 0 && c.ClipLow < 1) || !(c.ClipHigh >= 0) || !finite(c.ClipHigh) {
		bad("ClipLow %g must be in [0, 1) and ClipHigh %g finite and ≥ 0", c.ClipLow, c.ClipHigh)
	}
	if !(c.KLCoef >= 0) || !finite(c.KLCoef) || !(c.EntropyCoef >= 0) || !finite(c.EntropyCoef) {
		bad("KLCoef %g and EntropyCoef %g must be finite and ≥ 0", c.KLCoef, c.EntropyCoef)
	}
	switch c.KLEstimator {
	case KLK1, KLK3, KLLowVarKL:
	default:
		bad("KLEstimator %q must be %s, %s or %s", c.KLEstimator, KLK1, KLK3, KLLowVarKL)
	}
	if c.MaxUpdateTokens < 0 {
		bad("MaxUpdateTokens %d must be ≥ 0", c.MaxUpdateTokens)
	}
	if !(c.LossScale > 0) || !finite(c.LossScale) {
		bad("LossScale %g must be finite and > 0", c.LossScale)
	}
	if !(c.LearningRate > 0) || !finite(c.LearningRate) || c.WarmupSteps < 0 {
		bad("LearningRate %g must be finite and > 0, WarmupSteps %d ≥ 0", c.LearningRate, c.WarmupSteps)
	}
	if !(c.Beta1 >= 0 && c.Beta1 < 1) || !(c.Beta2 >= 0 && c.Beta2 < 1) || !(c.Epsilon > 0) {
		bad("betas (%g, %g) must be in [0, 1) and Epsilon %g > 0", c.Beta1, c.Beta2, c.Epsilon)
	}
	if !(c.WeightDecay >= 0) || !(c.ClipGradNorm >= 0) {
		bad("WeightDecay %g and ClipGradNorm %g must be ≥ 0", c.WeightDecay, c.ClipGradNorm)
	}
	if len(errs) > 0 {
		return fmt.Errorf("grpo: invalid Config: %w", errors.Join(errs...))
	}
	return nil
}

// LearningRateAt is the learning rate of RL step step (1-based): verl's constant schedule with
// warmup, lr·min(1, s/W) for the 0-based s = step−1. With warmup the first step therefore has
// rate 0, exactly as in verl (its scheduler is stepped after each update).
func (c Config) LearningRateAt(step int) float64 {
	s := step - 1
	if s < c.WarmupSteps {
		return c.LearningRate * float64(max(s, 0)) / float64(c.WarmupSteps)
	}
	return c.LearningRate
}
