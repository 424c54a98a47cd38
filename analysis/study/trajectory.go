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

// Point is one policy along an RL run: the initial policy (Step 0) or a checkpoint.
type Point struct {
	Step int
	// Load puts the point's weights into the arm's model (e.g. checkpoint.Load); nil leaves the
	// model as it is (the initial policy, Step 0).
	Load func(m *lm.Model) error
	// Rollouts are replay-buffer responses sampled by this policy (analyses 3 and 4), from
	// RL step RolloutStep (Step+1: the rollouts of the step after a checkpoint are the
	// checkpoint's own samples; Step for the last checkpoint, whose policy sampled nothing, so
	// its rollouts are one update older). Dropped counts logged rollouts left out
	// (RolloutsFromLog).
	Rollouts    []Rollout
	RolloutStep int
	Dropped     int
}

// Arm is one RL run's inputs to analyses 3–6.
type Arm struct {
	Name   string
	Points []Point // ascending steps, the first the initial policy at Step 0
	// SFT is the arm's cold-start SFT set (analysis 4's SFT growth rate); nil for an arm that
	// starts from the base model.
	SFT *Set
	// Kernel is the fixed sample set whose kernel analysis 5 follows.
	Kernel []effect.Pair
	// Positions are the fixed responses along which analysis 6 compares each checkpoint with
	// the initial policy (the step-0 greedy validation responses).
	Positions []effect.Pair
}

// CorrectSERow is analysis 3 at one checkpoint (correct_se.parquet): the SE of the policy's own
// correct rollouts w.r.t. the target gradient at that checkpoint.
type CorrectSERow struct {
	Arm         string `parquet:"arm"`
	Step        int64  `parquet:"step"`
	RolloutStep int64  `parquet:"rollout_step"` // the RL step whose replay buffer was used
	Rollouts    int64  `parquet:"rollouts"`     // rollouts analysed
	Correct     int64  `parquet:"correct"`      // of which correct
	// Mean is the mean SE of the correct rollouts (NaN without any), Lo/Hi its bootstrap interval.
	Mean float64 `parquet:"mean_se"`
	Lo   float64 `parquet:"lo"`
	Hi   float64 `parquet:"hi"`
	// TargetNorm is ‖g‖ at the checkpoint; TestReward the mean reward of the test rollouts
	// behind g (the checkpoint's expected test reward at Options.Temperature, estimated).
	TargetNorm float64 `parquet:"target_norm"`
	TestReward float64 `parquet:"test_reward"`
}

// Growth-rate kinds of analysis 4.
const (
	GrowthRL        = "rl"         // mean over rollouts of advantage·SE: RL's growth per rollout
	GrowthRLCorrect = "rl-correct" // mean SE of the correct rollouts: SFT on the policy's own answers
	GrowthSFT       = "sft"        // mean SE of the arm's cold-start SFT samples: SFT per sample
)

// GrowthRow is one growth rate per sample of analysis 4 at one checkpoint (growth.parquet):
// dAcc/dt ≈ η·Mean for η-sized steps on that kind of sample.
type GrowthRow struct {
	Arm    string  `parquet:"arm"`
	Step   int64   `parquet:"step"`
	Kind   string  `parquet:"kind"`   // GrowthRL, GrowthRLCorrect or GrowthSFT
	Source string  `parquet:"source"` // the replay-buffer step ("rollouts step 3") or the SFT set
	N      int64   `parquet:"n"`
	Mean   float64 `parquet:"mean"`
	Lo     float64 `parquet:"lo"`
	Hi     float64 `parquet:"hi"`
}

// KernelRow is analysis 5 at one checkpoint (kernel.parquet): the kernel K(z, z') = ⟨s(z), s(z')⟩
// on the arm's fixed sample set compared with the initial policy's (effect.CompareKernels).
type KernelRow struct {
	Arm              string  `parquet:"arm"`
	Step             int64   `parquet:"step"`
	Pairs            int64   `parquet:"pairs"`
	RelativeChange   float64 `parquet:"relative_change"`   // ‖K − K₀‖_F/‖K₀‖_F
	Alignment        float64 `parquet:"alignment"`         // ⟨K, K₀⟩_F/(‖K‖_F‖K₀‖_F)
	NormalizedChange float64 `parquet:"normalized_change"` // RelativeChange of the cosine kernels
	MeanSqNorm       float64 `parquet:"mean_sq_norm"`      // mean_z ‖s(z)‖² (the trace over n)
}

// PositionRow is analysis 6 for one checkpoint and one relative-position bin
// (positions.parquet): the per-token KL from the checkpoint's policy to the initial one and
// the rate at which their greedy tokens differ, over the response tokens whose relative
// position j/|y| falls in [From, To).
type PositionRow struct {
	Arm          string  `parquet:"arm"`
	Step         int64   `parquet:"step"`
	Bin          int64   `parquet:"bin"`
	From         float64 `parquet:"from"`
	To           float64 `parquet:"to"`
	Tokens       int64   `parquet:"tokens"`
	KL           float64 `parquet:"kl"`
	ArgmaxChange float64 `parquet:"argmax_change"`
}

// ArmResult is what analyses 3–6 found along one arm.
type ArmResult struct {
	Arm       string
	CorrectSE []CorrectSERow
	Growth    []GrowthRow
	Kernel    []KernelRow
	Positions []PositionRow
}

// Trajectory runs the selected analyses among 3–6 along arm's points. m is the arm's initial
// policy; each point's Load overwrites its weights in turn (m ends at the last point). test
// holds the test prompts behind each checkpoint's target gradient (the same seeded subset at
// every point, fresh rollouts per point); opts.MaxNewTokens 0 means 256.
func Trajectory(b compute.Backend, m *lm.Model, tok *tokenizer.Tokenizer, test []Prompt, arm Arm, opts Options,
	progress io.Writer) (*ArmResult, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if len(arm.Points) == 0 || arm.Points[0].Step != 0 {
		return nil, fmt.Errorf("study: arm %s: the first point must be the initial policy (step 0)", arm.Name)
	}
	needG := opts.runs(AnalysisCorrectSE) || opts.runs(AnalysisGrowth)
	prompts := pickPrompts(test, opts)
	if needG && len(prompts) == 0 {
		return nil, fmt.Errorf("study: arm %s: no test prompts", arm.Name)
	}
	if opts.runs(AnalysisKernel) && len(arm.Kernel) < 2 {
		return nil, fmt.Errorf("study: arm %s: the kernel set has %d pairs, need ≥ 2", arm.Name, len(arm.Kernel))
	}
	if opts.runs(AnalysisPositions) && len(arm.Positions) == 0 {
		return nil, fmt.Errorf("study: arm %s: no responses for the per-position comparison", arm.Name)
	}
	maxNew := opts.MaxNewTokens
	if maxNew == 0 {
		maxNew = defaultMaxNew
	}
	start := time.Now()
	say := func(format string, a ...any) {
		if progress != nil {
			fmt.Fprintf(progress, "effect (3–6) %s [%s]: "+format+"\n", append([]any{arm.Name, time.Since(start).Round(time.Second)}, a...)...)
		}
	}
	var smp *sample.Sampler
	if needG {
		var err error
		if smp, err = sample.New(b, m); err != nil {
			return nil, err
		}
		defer smp.Finalize()
	}
	var proj *effect.Projector
	res := &ArmResult{Arm: arm.Name}
	var ref *effect.Estimator // the initial policy, for analysis 6
	defer func() {
		if ref != nil {
			ref.Finalize()
		}
	}()
	var k0 [][]float64
	for i, pt := range arm.Points {
		if i > 0 && pt.Step <= arm.Points[i-1].Step {
			return nil, fmt.Errorf("study: arm %s: points are not in ascending steps (%d after %d)", arm.Name, pt.Step, arm.Points[i-1].Step)
		}
		if pt.Load != nil {
			if err := pt.Load(m); err != nil {
				return nil, fmt.Errorf("study: arm %s, step %d: %w", arm.Name, pt.Step, err)
			}
		}
		e, err := effect.New(b, m, opts.effectOptions(opts.Temperature))
		if err != nil {
			return nil, err
		}
		keep := false
		err = func() error {
			if needG {
				if err := rlEffects(e, smp, tok, prompts, arm, pt, opts, maxNew, res); err != nil {
					return err
				}
				if n := len(res.CorrectSE); n > 0 {
					r := res.CorrectSE[n-1]
					say("step %d: test reward %.4f, ‖g‖ %.4g; %d/%d own rollouts correct, their mean SE %.4g",
						pt.Step, r.TestReward, r.TargetNorm, r.Correct, r.Rollouts, r.Mean)
				}
			}
			if opts.runs(AnalysisKernel) {
				if proj == nil && opts.KernelProjection > 0 {
					if proj, err = effect.NewProjector(e.Layout().Dim, opts.KernelProjection, opts.Seed, effect.Rademacher); err != nil {
						return err
					}
				}
				kern, err := e.Kernel(arm.Kernel, proj)
				if err != nil {
					return err
				}
				if k0 == nil {
					k0 = kern
				}
				c, err := effect.CompareKernels(k0, kern)
				if err != nil {
					return err
				}
				tr := 0.0
				for j := range kern {
					tr += kern[j][j]
				}
				res.Kernel = append(res.Kernel, KernelRow{Arm: arm.Name, Step: int64(pt.Step), Pairs: int64(len(kern)),
					RelativeChange: c.RelativeChange, Alignment: c.Alignment, NormalizedChange: c.NormalizedChange,
					MeanSqNorm: tr / float64(len(kern))})
				say("step %d: kernel change %.4g, alignment %.6f", pt.Step, c.RelativeChange, c.Alignment)
			}
			if opts.runs(AnalysisPositions) {
				if ref == nil {
					ref, keep = e, true
					return nil
				}
				diffs, err := e.ComparePerPosition(ref, arm.Positions)
				if err != nil {
					return err
				}
				bins := BinPositions(diffs, opts.PositionBins)
				for j, bn := range bins {
					res.Positions = append(res.Positions, PositionRow{Arm: arm.Name, Step: int64(pt.Step), Bin: int64(j),
						From: bn.From, To: bn.To, Tokens: int64(bn.Tokens), KL: bn.KL, ArgmaxChange: bn.ArgmaxChange})
				}
				say("step %d: per-position KL first/last bin %.3g/%.3g", pt.Step, bins[0].KL, bins[len(bins)-1].KL)
			}
			return nil
		}()
		if !keep {
			e.Finalize()
		}
		if err != nil {
			return nil, fmt.Errorf("study: arm %s, step %d: %w", arm.Name, pt.Step, err)
		}
	}
	return res, nil
}

// rlEffects computes analyses 3 and 4 at one point: the target gradient from fresh test rollouts,
// the SE of the point's own rollouts and of the arm's SFT samples.
func rlEffects(e *effect.Estimator, smp *sample.Sampler, tok *tokenizer.Tokenizer, prompts []Prompt, arm Arm, pt Point,
	opts Options, maxNew int, res *ArmResult) error {
	test, err := testRollouts(smp, tok, prompts, opts.TestGroup, opts.Temperature, maxNew, opts.Seed, streamTarget+uint64(pt.Step))
	if err != nil {
		return err
	}
	g, err := e.TargetREINFORCE(test, effect.BaselineLeaveOneOut)
	if err != nil {
		return err
	}
	row := CorrectSERow{Arm: arm.Name, Step: int64(pt.Step), RolloutStep: int64(pt.RolloutStep), Rollouts: int64(len(pt.Rollouts)),
		Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN(), TargetNorm: effect.Norm(g), TestReward: meanReward(test)}
	seed := opts.Seed + uint64(pt.Step)
	grow := func(kind, source string, xs []float64) error {
		r := GrowthRow{Arm: arm.Name, Step: int64(pt.Step), Kind: kind, Source: source, N: int64(len(xs)),
			Mean: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
		if len(xs) > 0 {
			ci, err := stats.MeanCI(xs, opts.Resamples, seed, opts.Level)
			if err != nil {
				return err
			}
			r.Mean, r.Lo, r.Hi = ci.Estimate, ci.Lo, ci.Hi
		}
		res.Growth = append(res.Growth, r)
		return nil
	}
	if len(pt.Rollouts) > 0 {
		pairs := make([]effect.Pair, len(pt.Rollouts))
		for i, r := range pt.Rollouts {
			pairs[i] = r.Pair
		}
		se, err := e.FastSE(g, pairs)
		if err != nil {
			return err
		}
		var weighted, correct []float64
		for i, r := range pt.Rollouts {
			weighted = append(weighted, r.Advantage*se[i])
			if r.Correct {
				correct = append(correct, se[i])
			}
		}
		row.Correct = int64(len(correct))
		if len(correct) > 0 {
			ci, err := stats.MeanCI(correct, opts.Resamples, seed, opts.Level)
			if err != nil {
				return err
			}
			row.Mean, row.Lo, row.Hi = ci.Estimate, ci.Lo, ci.Hi
		}
		source := fmt.Sprintf("rollouts step %d", pt.RolloutStep)
		if err := errors.Join(grow(GrowthRL, source, weighted), grow(GrowthRLCorrect, source, correct)); err != nil {
			return err
		}
	}
	res.CorrectSE = append(res.CorrectSE, row)
	if arm.SFT != nil && len(arm.SFT.Pairs) > 0 {
		se, err := e.FastSE(g, arm.SFT.Pairs)
		if err != nil {
			return err
		}
		if err := grow(GrowthSFT, arm.SFT.Name, se); err != nil {
			return err
		}
	}
	return nil
}
