package study

import (
	"errors"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/gomlx/compute"
	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/analysis/stats"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// SFTEffectRow is one SFT set in analysis 1 (sft_effect.parquet): its mean sample effect at the
// base model, the ΔAcc that predicts, and the ΔAcc measured after SFTSteps gradient steps on it.
type SFTEffectRow struct {
	Set     string `parquet:"set"`
	Samples int64  `parquet:"samples"` // pairs of the set used (its seeded subset)
	// MeanSE is ⟨g, mean_z s(z)⟩ at the base: the set's mean sample effect, exact (one batched
	// backward pass for the mean gradient).
	MeanSE float64 `parquet:"mean_se"`
	// FastMeanSE is the mean of the per-sample SE of the fast estimator (it agrees with MeanSE to
	// the estimator's error); MeanSELo/Hi its bootstrap interval over the samples.
	FastMeanSE float64 `parquet:"fast_mean_se"`
	MeanSELo   float64 `parquet:"mean_se_lo"`
	MeanSEHi   float64 `parquet:"mean_se_hi"`
	GradNorm   float64 `parquet:"grad_norm"` // ‖mean_z s(z)‖ at the base
	// LearningRate and Steps are the SFT steps taken: θ_{j+1} = θ_j + η·mean_z s(z; θ_j).
	LearningRate float64 `parquet:"learning_rate"`
	Steps        int64   `parquet:"steps"`
	// Predicted is η·Steps·MeanSE, the first-order prediction at the base; PredictedPath is
	// ⟨g, θ_k − θ_0⟩, the first order along the path actually taken (it differs from Predicted
	// only through the change of the SFT gradient over the steps).
	// PredictedLo/Hi is Predicted's bootstrap interval over the test prompts behind g (the
	// noise of the REINFORCE estimate; at temperature 1 only, NaN otherwise).
	Predicted     float64 `parquet:"predicted"`
	PredictedLo   float64 `parquet:"predicted_lo"`
	PredictedHi   float64 `parquet:"predicted_hi"`
	PredictedPath float64 `parquet:"predicted_path"`
	// Measured is the change in expected test reward, by importance sampling on independent test
	// rollouts of the base (see the package doc); MeasuredLo/Hi its bootstrap interval over
	// test prompts.
	Measured   float64 `parquet:"measured"`
	MeasuredLo float64 `parquet:"measured_lo"`
	MeasuredHi float64 `parquet:"measured_hi"`
	// LogRatioRMS is the root-mean-square of log π_θ'(y) − log π_θ(y) over the measuring
	// rollouts: the importance weights are e^{±LogRatioRMS}; well above 1 the measurement is
	// dominated by a few weights (and first order no longer describes the step).
	LogRatioRMS float64 `parquet:"log_ratio_rms"`
}

// SampleEffectRow is one SFT sample's effect at the base (sample_effect.parquet).
type SampleEffectRow struct {
	Set            string  `parquet:"set"`
	ID             int64   `parquet:"id"` // the row's id in its SFT file
	ResponseTokens int64   `parquet:"response_tokens"`
	SE             float64 `parquet:"se"` // fast estimator
}

// SFTResult is the outcome of analysis 1.
type SFTResult struct {
	Rows    []SFTEffectRow
	Samples []SampleEffectRow
	// LearningRate is η (chosen or given); TargetNorm ‖g‖ at the base.
	LearningRate, TargetNorm float64
	// Prompts and Rollouts count the test prompts and the rollouts per draw (the target draw and
	// the measuring draw each have Rollouts).
	Prompts, Rollouts int
	// TargetReward and MeasureReward are the mean rewards of the two draws: estimates of the
	// base's expected test reward at Options.Temperature.
	TargetReward, MeasureReward float64
}

// SFTEffect runs analysis 1 from the base model: g at the base by REINFORCE over Samples test
// rollouts (TestGroup per prompt, leave-one-out baseline), each set's mean SE, SFTSteps steps of
// gradient descent on each set from the base, and the change in expected test reward they
// cause, measured on a second, independent draw of test rollouts. test holds the test prompts
// (a seeded subset of Samples/TestGroup is used); opts.MaxNewTokens 0 means 256. base is not
// modified. progress, if not nil, gets a line per phase.
func SFTEffect(b compute.Backend, base *lm.Model, tok *tokenizer.Tokenizer, test []Prompt, sets []Set, opts Options,
	progress io.Writer) (*SFTResult, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if len(sets) == 0 {
		return nil, errors.New("study: SFTEffect: no SFT set")
	}
	for _, s := range sets {
		if len(s.Pairs) == 0 {
			return nil, fmt.Errorf("study: SFTEffect: set %q is empty", s.Name)
		}
	}
	prompts := pickPrompts(test, opts)
	if len(prompts) == 0 {
		return nil, errors.New("study: SFTEffect: no test prompts")
	}
	maxNew := opts.MaxNewTokens
	if maxNew == 0 {
		maxNew = defaultMaxNew
	}
	start := time.Now()
	say := func(format string, a ...any) {
		if progress != nil {
			fmt.Fprintf(progress, "effect (1) [%s]: "+format+"\n", append([]any{time.Since(start).Round(time.Second)}, a...)...)
		}
	}

	smp, err := sample.New(b, base)
	if err != nil {
		return nil, err
	}
	defer smp.Finalize()
	target, err := testRollouts(smp, tok, prompts, opts.TestGroup, opts.Temperature, maxNew, opts.Seed, streamTarget)
	if err != nil {
		return nil, err
	}
	measure, err := testRollouts(smp, tok, prompts, opts.TestGroup, opts.Temperature, maxNew, opts.Seed, streamMeasure)
	if err != nil {
		return nil, err
	}
	res := &SFTResult{Prompts: len(prompts), Rollouts: len(target), TargetReward: meanReward(target), MeasureReward: meanReward(measure)}
	say("%d test prompts × %d rollouts at T=%g: mean reward %.4f (target draw), %.4f (measuring draw)",
		len(prompts), opts.TestGroup, opts.Temperature, res.TargetReward, res.MeasureReward)

	e0, err := effect.New(b, base, opts.effectOptions(opts.Temperature))
	if err != nil {
		return nil, err
	}
	defer e0.Finalize()
	g, err := e0.TargetREINFORCE(target, effect.BaselineLeaveOneOut)
	if err != nil {
		return nil, err
	}
	res.TargetNorm = effect.Norm(g)
	logp0, err := e0.SequenceLogProbs(pairsOf(measure))
	if err != nil {
		return nil, err
	}
	eSFT := e0 // the SFT gradient is at temperature 1
	if opts.Temperature != 1 {
		if eSFT, err = effect.New(b, base, opts.effectOptions(1)); err != nil {
			return nil, err
		}
		defer eSFT.Finalize()
	}

	// First gradient and SE of every set at the base; at temperature 1 also the per-rollout
	// first-order changes of log π along it, on both draws (see scoreProjections).
	theta0 := e0.Weights()
	first := make([][]float64, len(sets))
	perPrompt := make([][]float64, len(sets)) // per test prompt x: ⟨g_x, s̄⟩
	maxNorm, maxRMS := 0.0, 0.0
	for i, s := range sets {
		if first[i], err = meanSampleGradient(eSFT, s.Pairs); err != nil {
			return nil, fmt.Errorf("study: set %s: %w", s.Name, err)
		}
		se, err := e0.FastSE(g, s.Pairs)
		if err != nil {
			return nil, fmt.Errorf("study: set %s: %w", s.Name, err)
		}
		row := SFTEffectRow{Set: s.Name, Samples: int64(len(s.Pairs)), MeanSE: effect.Dot(g, first[i]),
			GradNorm: effect.Norm(first[i]), Steps: int64(opts.SFTSteps), PredictedLo: math.NaN(), PredictedHi: math.NaN()}
		ci, err := stats.MeanCI(se, opts.Resamples, opts.Seed, opts.Level)
		if err != nil {
			return nil, fmt.Errorf("study: set %s: %w", s.Name, err)
		}
		row.FastMeanSE, row.MeanSELo, row.MeanSEHi = ci.Estimate, ci.Lo, ci.Hi
		for j, v := range se {
			res.Samples = append(res.Samples, SampleEffectRow{Set: s.Name, ID: s.IDs[j], ResponseTokens: int64(len(s.Pairs[j].Response)), SE: v})
		}
		if opts.Temperature == 1 {
			proj, err := scoreProjections(e0, first[i], append(pairsOf(target), pairsOf(measure)...))
			if err != nil {
				return nil, fmt.Errorf("study: set %s: %w", s.Name, err)
			}
			if perPrompt[i], err = perPromptDots(target, proj[:len(target)]); err != nil {
				return nil, err
			}
			maxRMS = max(maxRMS, rms(proj[len(target):]))
		}
		maxNorm = max(maxNorm, row.GradNorm)
		res.Rows = append(res.Rows, row)
		say("%s: %d samples, mean SE %.4g (fast %.4g), ‖mean s‖ %.4g", s.Name, len(s.Pairs), row.MeanSE, row.FastMeanSE, row.GradNorm)
	}
	eta := opts.LearningRate
	switch {
	case eta > 0:
	case opts.Temperature == 1 && maxRMS > 0:
		eta = opts.StepLogRatio / (float64(opts.SFTSteps) * maxRMS)
	case maxNorm > 0:
		eta = opts.RelativeStep * effect.Norm(theta0) / maxNorm
	default:
		return nil, errors.New("study: SFTEffect: every set's SFT gradient is zero")
	}
	res.LearningRate = eta
	scale := eta * float64(opts.SFTSteps)
	for i := range res.Rows {
		if perPrompt[i] == nil {
			continue
		}
		ci, err := stats.MeanCI(perPrompt[i], opts.Resamples, opts.Seed, opts.Level)
		if err != nil {
			return nil, err
		}
		res.Rows[i].PredictedLo, res.Rows[i].PredictedHi = scale*ci.Lo, scale*ci.Hi
	}

	// Steps on each set, then the measured change.
	cfg := base.Config
	cfg.DType = opts.Effect.DType // θ is kept at the estimators' precision
	work, err := lm.New(cfg, 0)
	if err != nil {
		return nil, err
	}
	defer work.Store.Finalize()
	layout := e0.Layout()
	for i, s := range sets {
		theta := axpy(theta0, eta, first[i])
		for step := 2; step <= opts.SFTSteps; step++ {
			grad, err := gradientAt(b, work, layout, theta, s.Pairs, opts)
			if err != nil {
				return nil, fmt.Errorf("study: set %s, step %d: %w", s.Name, step, err)
			}
			theta = axpy(theta, eta, grad)
		}
		logp1, err := sequenceLogProbsAt(b, work, layout, theta, pairsOf(measure), opts)
		if err != nil {
			return nil, fmt.Errorf("study: set %s: %w", s.Name, err)
		}
		change, err := rewardChange(measure, logp0, logp1)
		if err != nil {
			return nil, err
		}
		ci, err := stats.MeanCI(change, opts.Resamples, opts.Seed, opts.Level)
		if err != nil {
			return nil, fmt.Errorf("study: set %s: %w", s.Name, err)
		}
		r := &res.Rows[i]
		r.LearningRate = eta
		r.Predicted = eta * float64(opts.SFTSteps) * r.MeanSE
		r.PredictedPath = effect.Dot(g, axpy(theta, -1, theta0))
		r.Measured, r.MeasuredLo, r.MeasuredHi = ci.Estimate, ci.Lo, ci.Hi
		r.LogRatioRMS = rms(axpy(logp1, -1, logp0))
		say("%s: η %.3g × %d steps: predicted ΔAcc %.4g [%.4g, %.4g] (path %.4g), measured %.4g [%.4g, %.4g]; RMS Δlog π %.3g",
			s.Name, eta, opts.SFTSteps, r.Predicted, r.PredictedLo, r.PredictedHi, r.PredictedPath, r.Measured, r.MeasuredLo,
			r.MeasuredHi, r.LogRatioRMS)
	}
	return res, nil
}

// pickPrompts returns the seeded subset of Samples/TestGroup test prompts.
func pickPrompts(test []Prompt, opts Options) []Prompt {
	var out []Prompt
	for _, i := range subset(len(test), max(1, opts.Samples/opts.TestGroup), opts.Seed, 0x7e57) {
		out = append(out, test[i])
	}
	return out
}

func pairsOf(rs []effect.Rollout) []effect.Pair {
	out := make([]effect.Pair, len(rs))
	for i, r := range rs {
		out[i] = r.Pair
	}
	return out
}

// gradientAt returns mean_z s(z) at weights theta, through the work model.
func gradientAt(b compute.Backend, work *lm.Model, l effect.Layout, theta []float64, pairs []effect.Pair, opts Options) ([]float64, error) {
	if err := setWeights(work, l, theta); err != nil {
		return nil, err
	}
	e, err := effect.New(b, work, opts.effectOptions(1))
	if err != nil {
		return nil, err
	}
	defer e.Finalize()
	return meanSampleGradient(e, pairs)
}

// sequenceLogProbsAt returns log π_T(y|x) of pairs at weights theta, through the work model.
func sequenceLogProbsAt(b compute.Backend, work *lm.Model, l effect.Layout, theta []float64, pairs []effect.Pair, opts Options) ([]float64, error) {
	if err := setWeights(work, l, theta); err != nil {
		return nil, err
	}
	e, err := effect.New(b, work, opts.effectOptions(opts.Temperature))
	if err != nil {
		return nil, err
	}
	defer e.Finalize()
	return e.SequenceLogProbs(pairs)
}

// scoreProjections returns, per pair, ⟨∇θ log π(y|x), v⟩ at temperature 1: the first-order change
// of the whole response's log-probability along v, as |y| times the directional derivative of the
// length-normalised log-likelihood. e must be at temperature 1 (DirectionalDerivatives always
// is).
func scoreProjections(e *effect.Estimator, v []float64, pairs []effect.Pair) ([]float64, error) {
	dd, err := e.DirectionalDerivatives(v, pairs)
	if err != nil {
		return nil, err
	}
	for i, p := range pairs {
		dd[i] *= float64(len(p.Response))
	}
	return dd, nil
}

// perPromptDots splits ⟨g, v⟩ over the test prompts behind g: for prompt x,
// P·Σ_{i∈x} w_i·⟨∇log π(y_i), v⟩ with the REINFORCE weights w (leave-one-out), whose mean over
// prompts is ⟨g, v⟩. proj holds the rollouts' score projections.
func perPromptDots(rs []effect.Rollout, proj []float64) ([]float64, error) {
	w, err := effect.REINFORCEWeights(rs, effect.BaselineLeaveOneOut)
	if err != nil {
		return nil, err
	}
	index := map[int]int{}
	var out []float64
	for i, r := range rs {
		k, ok := index[r.Group]
		if !ok {
			k = len(out)
			index[r.Group] = k
			out = append(out, 0)
		}
		out[k] += w[i] * proj[i]
	}
	for k := range out {
		out[k] *= float64(len(out))
	}
	return out, nil
}

func rms(xs []float64) float64 {
	s := 0.0
	for _, x := range xs {
		s += x * x
	}
	return math.Sqrt(s / float64(len(xs)))
}
