package study

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"time"

	"github.com/gomlx/compute"
	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/analysis/logs"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// Report is everything Run measured, ready for Report.Write.
type Report struct {
	Experiment *Experiment
	Options    Options
	SFT        *SFTResult // analysis 1 (nil when skipped)
	Ranking    *Ranking   // analysis 2 (nil when skipped)
	Arms       []*ArmResult
	// Skipped says, per analysis number, why it did not run (or ran on part of the arms).
	Skipped map[int][]string
	// Notes are caveats about the inputs (rollouts left out, older replay buffers used).
	Notes []string
	// Wall is the time each part took: "1" (analyses 1–2) and "arm <name>" (3–6).
	Wall map[string]time.Duration
}

func (r *Report) skip(analysis int, format string, a ...any) {
	r.Skipped[analysis] = append(r.Skipped[analysis], fmt.Sprintf(format, a...))
}

// Run runs the selected analyses on an experiment directory: analyses 1–2 from its base model (or Options.From)
// and SFT sets, analyses 3–6 along the checkpoints of opts.Arms. A missing input (a skipped arm,
// too few checkpoints, an empty set) skips what needs it with a line in Report.Skipped; a file
// that cannot be read is an error naming it. progress, if not nil, gets a line per step.
func Run(b compute.Backend, x *Experiment, opts Options, progress io.Writer) (*Report, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	r := &Report{Experiment: x, Options: opts, Skipped: map[int][]string{}, Wall: map[string]time.Duration{}}
	testRows, err := dataio.ReadRL(x.TestFile)
	if err != nil {
		return nil, err
	}
	if len(testRows) == 0 {
		return nil, fmt.Errorf("study: %s: no test prompts", x.TestFile)
	}
	if opts.runs(AnalysisSFTEffect) || opts.runs(AnalysisRanking) {
		if err := r.runSFT(b, testRows, progress); err != nil {
			return nil, err
		}
	}
	var trajectories bool
	for _, a := range []int{AnalysisCorrectSE, AnalysisGrowth, AnalysisKernel, AnalysisPositions} {
		trajectories = trajectories || opts.runs(a)
	}
	if trajectories {
		for _, name := range opts.Arms {
			if err := r.runArm(b, name, testRows, progress); err != nil {
				return nil, err
			}
		}
	}
	return r, nil
}

// maxNew is the test-sampling cap: the option, else the named arm's (then any arm's) RL cap.
func (r *Report) maxNew(arm string) int {
	if r.Options.MaxNewTokens > 0 {
		return r.Options.MaxNewTokens
	}
	if a := r.Experiment.Arm(arm); a != nil {
		return a.Config.MaxNewTokens
	}
	if len(r.Experiment.Arms) > 0 {
		return r.Experiment.Arms[0].Config.MaxNewTokens
	}
	return defaultMaxNew
}

func (r *Report) runSFT(b compute.Backend, testRows []dataio.RLRow, progress io.Writer) error {
	start := time.Now()
	x, opts := r.Experiment, r.Options
	both := func(format string, a ...any) {
		r.skip(AnalysisSFTEffect, format, a...)
		r.skip(AnalysisRanking, format, a...)
	}
	from := x.Model(opts.From)
	if _, err := os.Stat(from); errors.Is(err, fs.ErrNotExist) {
		both("no %s model (%s)", opts.From, from)
		return nil
	}
	m0, tok, err := modeldir.Load(from) // the model the sets are measured at
	if err != nil {
		return err
	}
	defer m0.Store.Finalize()
	test, err := PromptsFromRL(tok, testRows, x.TestFile)
	if err != nil {
		return err
	}
	var sets []Set
	for _, src := range x.Sets {
		rows, err := dataio.ReadSFT(src.File)
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			both("set %s: %s has no rows", src.Name, src.File)
			continue
		}
		s, err := SetFromSFT(tok, src.Name, rows, src.File, opts.Samples, m0.Config.MaxSeqLen, opts.Seed)
		if err != nil {
			return err
		}
		sets = append(sets, s)
	}
	for _, m := range x.Missing {
		if len(m) > 4 && m[:4] == "set " {
			both("%s", m)
		}
	}
	if len(sets) == 0 {
		both("no SFT set to measure")
		return nil
	}
	o := opts
	o.MaxNewTokens = r.maxNew(rlArmOf(opts.From))
	if r.SFT, err = SFTEffect(b, m0, tok, test, sets, o, progress); err != nil {
		return err
	}
	r.Wall["1"] = time.Since(start)
	if !opts.runs(AnalysisRanking) {
		return nil
	}
	meanSE := map[string]float64{}
	for _, row := range r.SFT.Rows {
		meanSE[row.Set] = row.MeanSE
	}
	var rows []RankRow
	for _, src := range x.Sets {
		se, measured := meanSE[src.Name]
		if !measured {
			continue
		}
		if src.Arm == "" {
			r.skip(AnalysisRanking, "set %s: its RL arm has not finished", src.Name)
			continue
		}
		row, err := rankRow(x, src, se)
		if err != nil {
			return err
		}
		if math.IsNaN(row.SFTAccuracy) {
			r.skip(AnalysisRanking, "set %s: %s has no step-0 validation", src.Name, src.Arm)
			continue
		}
		rows = append(rows, row)
	}
	if r.Ranking, err = RankSets(rows, opts); err != nil {
		r.skip(AnalysisRanking, "%v", err)
	}
	return nil
}

// rankRow reads a set's arm's validation accuracies (analysis/experiment).
func rankRow(x *Experiment, src SetSource, meanSE float64) (RankRow, error) {
	row := RankRow{Set: src.Name, Arm: src.Arm, MeanSE: meanSE, SFTAccuracy: math.NaN(), RLAccuracy: math.NaN()}
	for _, a := range experiment.RLArms {
		if a.Name != src.Arm {
			continue
		}
		res, err := x.ReadArms(a)
		if err != nil {
			return RankRow{}, err
		}
		if arm := res[0]; arm.Ran() && len(arm.Steps) > 0 {
			if arm.Steps[0] == 0 {
				row.SFTAccuracy = arm.Before()
			}
			row.RLAccuracy, row.RLStep = arm.After(), arm.Steps[len(arm.Steps)-1]
		}
	}
	return row, nil
}

func (r *Report) runArm(b compute.Backend, name string, testRows []dataio.RLRow, progress io.Writer) error {
	start := time.Now()
	x, opts := r.Experiment, r.Options
	all := func(format string, a ...any) {
		for _, n := range []int{AnalysisCorrectSE, AnalysisGrowth, AnalysisKernel, AnalysisPositions} {
			if opts.runs(n) {
				r.skip(n, "arm %s: "+format, append([]any{name}, a...)...)
			}
		}
	}
	src := x.Arm(name)
	if src == nil {
		all("not a finished RL arm of %s", x.Dir)
		return nil
	}
	if len(src.Checkpoints) == 0 {
		all("no checkpoint on disk (only step 0)")
		return nil
	}
	m, tok, err := modeldir.Load(src.Initial)
	if err != nil {
		return err
	}
	defer m.Store.Finalize()
	test, err := PromptsFromRL(tok, testRows, x.TestFile)
	if err != nil {
		return err
	}
	arm := Arm{Name: name}
	if set := x.Set(src.ColdStart); set != nil {
		rows, err := dataio.ReadSFT(set.File)
		if err != nil {
			return err
		}
		s, err := SetFromSFT(tok, set.Name, rows, set.File, opts.Samples, m.Config.MaxSeqLen, opts.Seed)
		if err != nil {
			return err
		}
		if len(s.Pairs) > 0 {
			arm.SFT = &s
		}
	}
	evalFile := rl.StepFile(src.Dir, rl.EvalDir, 0)
	val, err := logs.ReadEvalFile(evalFile, 0)
	if err != nil {
		return err
	}
	var dropped int
	if arm.Positions, dropped, err = PairsFromLog(tok, val, opts.PositionPairs); err != nil {
		return err
	}
	if dropped > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("arm %s: %d step-0 validation responses left out (their text does not re-encode to their length)",
			name, dropped))
	}
	if len(arm.Positions) == 0 {
		all("%s has no response", evalFile)
		return nil
	}
	arm.Kernel = kernelSet(arm.SFT, arm.Positions, opts.KernelPairs)
	steps := []int{0}
	for _, c := range src.Checkpoints {
		steps = append(steps, c.Step)
	}
	for i, step := range steps {
		pt := Point{Step: step, RolloutStep: step + 1}
		if i > 0 {
			path := src.Checkpoints[i-1].Path
			pt.Load = func(m *lm.Model) error { return checkpoint.Load(path, m.Store, nil) }
		}
		if err := r.pointRollouts(src, tok, &pt); err != nil {
			return err
		}
		arm.Points = append(arm.Points, pt)
	}
	if n := src.Config.Steps / max(1, src.Config.CheckpointEvery); len(src.Checkpoints) < n {
		r.Notes = append(r.Notes, fmt.Sprintf("arm %s: %d of its %d checkpoints are on disk (rl keep = %d); analyses 3–6 see steps %v",
			name, len(src.Checkpoints), n, src.Config.Keep, steps))
	}
	o := opts
	o.MaxNewTokens = r.maxNew(name)
	res, err := Trajectory(b, m, tok, test, arm, o, progress)
	if err != nil {
		return err
	}
	r.Arms = append(r.Arms, res)
	r.Wall["arm "+name] = time.Since(start)
	return nil
}

// pointRollouts reads the replay buffer sampled by pt's policy (step pt.Step+1, else pt.Step).
func (r *Report) pointRollouts(src *ArmSource, tok *tokenizer.Tokenizer, pt *Point) error {
	file := rl.StepFile(src.Dir, rl.RolloutsDir, pt.RolloutStep)
	if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) && pt.Step > 0 {
		pt.RolloutStep = pt.Step
		file = rl.StepFile(src.Dir, rl.RolloutsDir, pt.RolloutStep)
		r.Notes = append(r.Notes, fmt.Sprintf("arm %s, step %d: no later replay buffer; its rollouts are step %d's (sampled one update earlier)",
			src.Name, pt.Step, pt.Step))
	}
	samples, err := logs.ReadRolloutFile(file)
	if errors.Is(err, fs.ErrNotExist) {
		r.Notes = append(r.Notes, fmt.Sprintf("arm %s, step %d: %s does not exist", src.Name, pt.Step, file))
		return nil
	}
	if err != nil {
		return err
	}
	pt.Rollouts, pt.Dropped, err = RolloutsFromLog(tok, samples, r.Options.Samples, r.Options.Seed+uint64(pt.Step))
	if err != nil {
		return err
	}
	if pt.Dropped > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("arm %s, step %d: %d rollouts left out (their text does not re-encode to their length)",
			src.Name, pt.RolloutStep, pt.Dropped))
	}
	return nil
}

// kernelSet returns n fixed pairs: half from the SFT set (when there is one), the rest from the
// validation responses, topped up from either when the other runs short.
func kernelSet(sft *Set, val []effect.Pair, n int) []effect.Pair {
	var fromSFT []effect.Pair
	if sft != nil {
		fromSFT = sft.Pairs
	}
	want := min(n/2, len(fromSFT))
	if len(val) < n-want {
		want = min(n-len(val), len(fromSFT))
	}
	out := append([]effect.Pair(nil), fromSFT[:want]...)
	return append(out, val[:min(len(val), n-want)]...)
}
