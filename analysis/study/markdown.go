package study

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/r1lab/r1lab/analysis/stats"
)

var analysisTitles = map[int]string{
	AnalysisSFTEffect: "1. Predicted vs measured ΔAcc after small SFT steps",
	AnalysisRanking:   "2. Datasets ranked by mean SE vs by the accuracy they produce",
	AnalysisCorrectSE: "3. SE of the policy's own correct samples over RL",
	AnalysisGrowth:    "4. Growth rate: RL per rollout vs SFT per sample",
	AnalysisKernel:    "5. Kernel stability across checkpoints",
	AnalysisPositions: "6. Where in the response RL changes the policy",
}

// markdown renders effect.md.
func (r *Report) markdown(figs, figErr map[int][]string) string {
	var b strings.Builder
	o := r.Options
	p := func(format string, a ...any) { fmt.Fprintf(&b, format, a...) }
	p("# Sample-effect analyses\n\n")
	p("Experiment `%s` (task %s). Seed %d; %d samples per SFT set and per checkpoint's replay buffer; "+
		"target gradients g by REINFORCE (leave-one-out baseline) over %d test prompts × %d responses sampled at "+
		"temperature %g; estimators in %s (%s); intervals: %.0f%% percentile bootstrap, %d resamples. "+
		"SE(z) = ⟨g, s(z)⟩ with s(z) the gradient of the length-normalised log-likelihood (see analysis/study's package doc).\n\n",
		r.Experiment.Dir, r.Experiment.Task, o.Seed, o.Samples, max(1, o.Samples/o.TestGroup), o.TestGroup, o.Temperature,
		o.Effect.DType, o.Effect.FastMethod, 100*o.Level, o.Resamples)
	for a := AnalysisSFTEffect; a <= AnalysisPositions; a++ {
		p("## %s\n\n", analysisTitles[a])
		if !o.runs(a) {
			p("Not run (not selected).\n\n")
			continue
		}
		switch a {
		case AnalysisSFTEffect:
			r.mdSFT(p)
		case AnalysisRanking:
			r.mdRanking(p)
		case AnalysisCorrectSE:
			r.mdCorrect(p)
		case AnalysisGrowth:
			r.mdGrowth(p)
		case AnalysisKernel:
			r.mdKernel(p)
		case AnalysisPositions:
			r.mdPositions(p)
		}
		for _, s := range r.Skipped[a] {
			p("- skipped: %s\n", s)
		}
		for _, f := range figs[a] {
			p("\n![%s](%s)\n", f, f)
		}
		for _, e := range figErr[a] {
			p("\n- %s\n", e)
		}
		p("\n")
	}
	if len(r.Notes) > 0 {
		p("## Notes on the inputs\n\n")
		for _, n := range r.Notes {
			p("- %s\n", n)
		}
		p("\n")
	}
	if len(r.Wall) > 0 {
		p("## Wall time\n\n")
		keys := make([]string, 0, len(r.Wall))
		for k := range r.Wall {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			label := "analyses 1–2"
			if k != "1" {
				label = "analyses 3–6, " + k
			}
			p("- %s: %s\n", label, r.Wall[k].Round(time.Second))
		}
	}
	return b.String()
}

type printer func(format string, a ...any)

func g4(x float64) string {
	if math.IsNaN(x) {
		return "–"
	}
	return fmt.Sprintf("%.4g", x)
}

func ci(est, lo, hi float64) string {
	if math.IsNaN(est) {
		return "–"
	}
	return fmt.Sprintf("%.4g [%.4g, %.4g]", est, lo, hi)
}

func (r *Report) mdSFT(p printer) {
	s := r.SFT
	if s == nil {
		return
	}
	rule := "given"
	switch {
	case r.Options.LearningRate > 0:
	case r.Options.Temperature == 1:
		rule = fmt.Sprintf("chosen so that the steps change the measuring rollouts' log π by %g RMS, to first order, on the set that moves them most", r.Options.StepLogRatio)
	default:
		rule = fmt.Sprintf("chosen so that the set with the largest gradient moves θ by %g·‖θ‖ per step", r.Options.RelativeStep)
	}
	p("From the %s model: %d test prompts × %d rollouts, mean reward %.4f (target draw) and %.4f (measuring draw); ‖g‖ = %.4g. "+
		"Each set: %d step(s) of gradient descent on its per-sequence-mean SFT loss, θ ← θ + η·mean s(z), η = %.4g "+
		"(%s). Predicted ΔAcc = η·steps·mean SE, its interval over the test prompts behind g (REINFORCE noise). "+
		"Measured ΔAcc: the change of expected test reward at temperature %g by importance sampling on the second, "+
		"independent draw, its interval over those prompts; RMS Δlog π is the spread of the log importance weights "+
		"(≲ 0.3: a precise measurement).\n\n",
		r.Options.From, s.Prompts, r.Options.TestGroup, s.TargetReward, s.MeasureReward, s.TargetNorm, r.Options.SFTSteps, s.LearningRate, rule, r.Options.Temperature)
	if s.TargetNorm == 0 {
		p("**g = 0**: no test rollout's reward differed from the rest of its prompt's, so every SE and every " +
			"ΔAcc is 0. The policy is too weak for this test set at this temperature: raise --samples, try " +
			"--temperature 0.7, or analyse a stronger experiment.\n\n")
	}
	p("| set | n | mean SE | fast mean SE [CI over samples] | ‖mean s‖ | predicted ΔAcc [CI] | along the path | measured ΔAcc [CI] | RMS Δlog π |\n")
	p("|---|---|---|---|---|---|---|---|---|\n")
	var pred, meas []float64
	agree, zero := 0, 0
	for _, row := range s.Rows {
		p("| %s | %d | %s | %s | %s | %s | %s | %s | %s |\n", row.Set, row.Samples, g4(row.MeanSE),
			ci(row.FastMeanSE, row.MeanSELo, row.MeanSEHi), g4(row.GradNorm), ci(row.Predicted, row.PredictedLo, row.PredictedHi),
			g4(row.PredictedPath), ci(row.Measured, row.MeasuredLo, row.MeasuredHi), g4(row.LogRatioRMS))
		pred, meas = append(pred, row.Predicted), append(meas, row.Measured)
		switch sp, sm := sign(row.Predicted), sign(row.Measured); {
		case sp == 0 || sm == 0:
			zero++
		case sp == sm:
			agree++
		}
	}
	p("\nPredicted and measured ΔAcc have the same sign for %d of %d sets", agree, len(s.Rows))
	if zero > 0 {
		p(" (%d with a zero)", zero)
	}
	p(".")
	if rr, err := stats.Pearson(pred, meas); err == nil {
		rho, _ := stats.Spearman(pred, meas)
		fit, _ := stats.LinearRegression(pred, meas)
		p(" Pearson r = %.3f, Spearman ρ = %.3f, measured ≈ %.3g·predicted + %.3g.", rr, rho, fit.Slope, fit.Intercept)
	} else {
		p(" No correlation: %v.", err)
	}
	p("\n\n")
}

func (r *Report) mdRanking(p printer) {
	k := r.Ranking
	if k == nil {
		return
	}
	p("| set | RL arm | mean SE at %s | accuracy after SFT (RL step 0) | accuracy after RL (step) |\n|---|---|---|---|---|\n", r.Options.From)
	for _, row := range k.Rows {
		p("| %s | %s | %s | %s | %s (%d) |\n", row.Set, row.Arm, g4(row.MeanSE), g4(row.SFTAccuracy), g4(row.RLAccuracy), row.RLStep)
	}
	line := func(what string, iv stats.Interval, err error) {
		if err != nil {
			p("- Spearman ρ(mean SE, %s): undefined (%v)\n", what, err)
			return
		}
		p("- Spearman ρ(mean SE, %s) = %s (%d bootstrap resamples had a ρ)\n", what, ci(iv.Estimate, iv.Lo, iv.Hi), iv.Resamples)
	}
	p("\n")
	line("accuracy after SFT", k.SFT, k.SFTErr)
	line("accuracy after RL", k.RL, k.RLErr)
}

func (r *Report) mdCorrect(p printer) {
	for _, a := range r.Arms {
		if len(a.CorrectSE) == 0 {
			continue
		}
		p("**%s**\n\n| step | replay buffer of step | correct / rollouts | mean SE of correct [CI] | ‖g‖ | test reward |\n|---|---|---|---|---|---|\n", a.Arm)
		for _, row := range a.CorrectSE {
			p("| %d | %d | %d / %d | %s | %s | %s |\n", row.Step, row.RolloutStep, row.Correct, row.Rollouts,
				ci(row.Mean, row.Lo, row.Hi), g4(row.TargetNorm), g4(row.TestReward))
		}
		for _, row := range a.CorrectSE {
			if row.TargetNorm == 0 {
				p("\nAt step %d g = 0 (no test rollout's reward differed from its group's): every SE there is 0.\n", row.Step)
			}
		}
		first, last := a.CorrectSE[0], a.CorrectSE[len(a.CorrectSE)-1]
		p("\nFrom step %d to %d the mean SE of correct own samples went from %s to %s.\n\n", first.Step, last.Step, g4(first.Mean), g4(last.Mean))
	}
}

func (r *Report) mdGrowth(p printer) {
	for _, a := range r.Arms {
		if len(a.Growth) == 0 {
			continue
		}
		p("**%s** (growth per sample ÷ η; dAcc/dt ≈ η × value)\n\n| step | RL: mean advantage·SE per rollout | SFT on own correct rollouts | SFT on cold-start set |\n|---|---|---|---|\n", a.Arm)
		steps := []int64{}
		for _, row := range a.Growth {
			if !slices.Contains(steps, row.Step) {
				steps = append(steps, row.Step)
			}
		}
		for _, st := range steps {
			cell := map[string]string{}
			for _, row := range a.Growth {
				if row.Step == st {
					cell[row.Kind] = ci(row.Mean, row.Lo, row.Hi) + fmt.Sprintf(" (n=%d)", row.N)
				}
			}
			get := func(k string) string {
				if c, ok := cell[k]; ok {
					return c
				}
				return "–"
			}
			p("| %d | %s | %s | %s |\n", st, get(GrowthRL), get(GrowthRLCorrect), get(GrowthSFT))
		}
		p("\n")
	}
}

func (r *Report) mdKernel(p printer) {
	for _, a := range r.Arms {
		if len(a.Kernel) == 0 {
			continue
		}
		p("**%s** (%d fixed pairs)\n\n| step | ‖K−K₀‖/‖K₀‖ | alignment | cosine-kernel change | mean ‖s(z)‖² |\n|---|---|---|---|---|\n", a.Arm, a.Kernel[0].Pairs)
		for _, row := range a.Kernel {
			p("| %d | %s | %.6f | %s | %s |\n", row.Step, g4(row.RelativeChange), row.Alignment, g4(row.NormalizedChange), g4(row.MeanSqNorm))
		}
		p("\n")
	}
}

func (r *Report) mdPositions(p printer) {
	bins := r.Options.PositionBins
	for _, a := range r.Arms {
		if len(a.Positions) == 0 {
			continue
		}
		p("**%s**: mean per-token KL(π_step ‖ π_0) by relative position in the step-0 greedy validation responses "+
			"(columns: bins of %d%% of the response); argmax-change rates in %s.\n\n| step |", a.Arm, 100/bins, PositionsFile)
		for b := range bins {
			p(" %d%% |", 100*b/bins)
		}
		p(" KL last/first third |\n|---|")
		for range bins + 1 {
			p("---|")
		}
		p("\n")
		for i := 0; i < len(a.Positions); i += bins {
			row := a.Positions[i : i+bins]
			p("| %d |", row[0].Step)
			for _, c := range row {
				p(" %s |", g4(c.KL))
			}
			third := max(1, bins/3)
			ratio := math.NaN()
			if head, tail := meanKL(row[:third]), meanKL(row[bins-third:]); head > 1e-12 && tail > 1e-12 {
				ratio = tail / head
			}
			p(" %s |\n", g4(ratio))
		}
		p("\n")
	}
}

// meanKL is the token-weighted mean KL of bins.
func meanKL(bins []PositionRow) float64 {
	var s float64
	var n int64
	for _, b := range bins {
		if b.Tokens > 0 {
			s += b.KL * float64(b.Tokens)
			n += b.Tokens
		}
	}
	if n == 0 {
		return math.NaN()
	}
	return s / float64(n)
}

func sign(x float64) int {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}
