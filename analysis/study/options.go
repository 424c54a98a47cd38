package study

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/analysis/stats"
)

// The analyses, numbered as in DESIGN.md §5 and research/paper.md §9; Options.Analyses selects
// them.
const (
	AnalysisSFTEffect  = 1 // predicted ΔAcc ≈ η·mean SE vs ΔAcc measured after small SFT steps
	AnalysisRanking    = 2 // datasets ranked by mean SE vs by the accuracy they produce
	AnalysisCorrectSE  = 3 // SE of the policy's own correct samples over RL checkpoints
	AnalysisGrowth     = 4 // RL growth rate (advantage-weighted SE) vs SFT (SE per sample)
	AnalysisKernel     = 5 // kernel stability across checkpoints
	AnalysisPositions  = 6 // where in the response RL changes the policy
	numberOfAnalyses   = 6
	defaultRelStep     = 0.001
	defaultMaxNew      = 256
	defaultKernelPairs = 16
)

// Options configures the analyses. Start from DefaultOptions; Validate rejects a zero value
// where a default is meant.
type Options struct {
	// Analyses lists the analyses to run (AnalysisSFTEffect … AnalysisPositions). Default all.
	// AnalysisRanking reuses AnalysisSFTEffect's mean SE and runs it when needed.
	Analyses []int

	// Samples is the number of samples per SFT set (a seeded subset of its train file, all rows
	// when it has fewer), of RL rollouts per checkpoint (of the step's replay buffer), and of
	// test rollouts behind each target gradient (Samples/TestGroup prompts × TestGroup
	// responses). Default 64.
	Samples int

	// TestGroup is the number of responses sampled per test prompt for the target gradient
	// (≥ 2: the leave-one-out baseline needs two). Default 4.
	TestGroup int

	// Temperature is the temperature of the policy whose expected test reward g differentiates
	// and ΔAcc measures (test rollouts are sampled at it). Default 1, the model's own
	// distribution; the RL runs sample at 0.7 (pass 0.7 to study the policy RL optimises).
	Temperature float64

	// MaxNewTokens caps sampled test responses. 0 (default): the RL runs' max_new_tokens
	// (rl-base's for the base model), or 256 when there is no RL run.
	MaxNewTokens int

	// From is the stage whose model analyses 1 and 2 start from: the paper's analysis measures
	// the SFT sets at the base model ("base", the default), where SFT starts. A base whose test
	// rollouts earn no reward has g = 0 and every SE 0; a cold-start model ("sft-short",
	// "sft-long", …) then asks which set would move it further (the RL arms' accuracies that
	// analysis 2 ranks against stay those of SFT from the base).
	From string

	// SFTSteps is the number of full-batch gradient steps on each SFT set in analysis 1. Default 1.
	SFTSteps int

	// LearningRate is η of those steps (plain gradient descent on the per-sequence-mean SFT loss,
	// θ ← θ + η·mean_z s(z)), the same for every set. 0 (default): automatic, see StepLogRatio.
	LearningRate float64

	// StepLogRatio sets the automatic η at temperature 1: the SFT steps change the log-probability
	// of the measuring rollouts, to first order, by StepLogRatio in root mean square on the set
	// that moves them most. Importance weights then stay near e^{±StepLogRatio}, where the
	// measured ΔAcc is precise and first order holds. Default 0.1.
	StepLogRatio float64

	// RelativeStep sets the automatic η at other temperatures (where the change of log π_T is not
	// computed): the set with the largest mean gradient moves θ by RelativeStep·‖θ‖ per step.
	// Default 0.001.
	RelativeStep float64

	// KernelPairs is the size of the fixed sample set of analysis 5 (half from the arm's SFT set,
	// half from its step-0 greedy validation responses). Default 16.
	KernelPairs int

	// KernelProjection projects the sample gradients of analysis 5 to that many dimensions with
	// a seeded Rademacher projection (0, the default: exact inner products, which keeps
	// KernelPairs full gradients in memory: 16 × 257k × 8 B = 33 MB for the "tiny" model).
	KernelProjection int

	// PositionPairs is the number of step-0 greedy validation responses along which analysis 6
	// compares each checkpoint with the initial policy. Default 32.
	PositionPairs int

	// PositionBins is the number of relative-position bins of analysis 6. Default 10.
	PositionBins int

	// Arms lists the RL arms whose checkpoints analyses 3–6 follow. Default ["rl-long"] (the
	// arm the paper re-distils); cost grows linearly with arms × checkpoints.
	Arms []string

	// Seed seeds every sampled response, every subset and every bootstrap. Default 1234.
	Seed uint64

	// Resamples is the number of bootstrap resamples of every interval. Default
	// stats.DefaultResamples.
	Resamples int

	// Level is the confidence level of every interval. Default 0.95.
	Level float64

	// Effect configures the estimators (dtype, batch size, fast method). Its Temperature is
	// overridden by Temperature. Default effect.DefaultOptions() (Float64, central differences).
	Effect effect.Options
}

// DefaultOptions returns the defaults documented on Options.
func DefaultOptions() Options {
	return Options{
		Analyses: []int{1, 2, 3, 4, 5, 6}, From: "base", Samples: 64, TestGroup: 4, Temperature: 1, SFTSteps: 1,
		RelativeStep: defaultRelStep, StepLogRatio: 0.1, KernelPairs: defaultKernelPairs, PositionPairs: 32, PositionBins: 10,
		Arms: []string{"rl-long"}, Seed: 1234, Resamples: stats.DefaultResamples, Level: stats.DefaultLevel,
		Effect: effect.DefaultOptions(),
	}
}

// Validate reports every invalid option in one error, or nil.
func (o Options) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if len(o.Analyses) == 0 {
		bad("Analyses is empty")
	}
	for _, a := range o.Analyses {
		if a < 1 || a > numberOfAnalyses {
			bad("Analyses holds %d, want 1…%d", a, numberOfAnalyses)
		}
	}
	if o.From == "" {
		bad("From is empty, want a stage with a model, e.g. base")
	}
	if o.TestGroup < 2 {
		bad("TestGroup = %d, must be ≥ 2 (the leave-one-out baseline)", o.TestGroup)
	}
	if o.Samples < o.TestGroup {
		bad("Samples = %d, must be ≥ TestGroup (%d)", o.Samples, o.TestGroup)
	}
	if !(o.Temperature > 0) || math.IsInf(o.Temperature, 0) {
		bad("Temperature = %g, must be finite and > 0", o.Temperature)
	}
	if o.MaxNewTokens < 0 || o.SFTSteps < 1 || o.KernelPairs < 2 || o.KernelProjection < 0 ||
		o.PositionPairs < 1 || o.PositionBins < 1 || o.Resamples < 1 {
		bad("MaxNewTokens %d and KernelProjection %d must be ≥ 0; SFTSteps %d, PositionPairs %d, PositionBins %d, "+
			"Resamples %d ≥ 1; KernelPairs %d ≥ 2", o.MaxNewTokens, o.KernelProjection, o.SFTSteps, o.PositionPairs,
			o.PositionBins, o.Resamples, o.KernelPairs)
	}
	if !(o.LearningRate >= 0) || math.IsInf(o.LearningRate, 0) {
		bad("LearningRate = %g, must be finite and ≥ 0 (0: automatic)", o.LearningRate)
	}
	if !(o.RelativeStep > 0) || math.IsInf(o.RelativeStep, 0) || !(o.StepLogRatio > 0) || math.IsInf(o.StepLogRatio, 0) {
		bad("RelativeStep = %g and StepLogRatio = %g must be finite and > 0", o.RelativeStep, o.StepLogRatio)
	}
	if !(o.Level > 0 && o.Level < 1) {
		bad("Level = %g, must be in (0, 1)", o.Level)
	}
	e := o.Effect
	e.Temperature = o.Temperature
	if err := e.Validate(); err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return fmt.Errorf("study: invalid Options: %w", errors.Join(errs...))
	}
	return nil
}

// runs reports whether analysis a is selected.
func (o Options) runs(a int) bool { return slices.Contains(o.Analyses, a) }

// effectOptions returns the estimators' options at temperature t.
func (o Options) effectOptions(t float64) effect.Options {
	e := o.Effect
	e.Temperature = t
	return e
}
