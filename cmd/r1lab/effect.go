package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/analysis/study"
)

const effectSummary = `The paper's sample-effect analyses on a reproduce directory (--run):
  1 predicted ΔAcc ≈ η·mean SE vs the ΔAcc measured after small SFT steps from
    the base (or --from a cold start), for every SFT set (short-CoT, long-CoT,
    re-distilled A/B, control);
  2 the sets ranked by mean SE vs by the accuracy they produce (Spearman, CI);
  3 the SE of the RL policy's own correct rollouts at each checkpoint;
  4 RL's growth rate per rollout (advantage·SE) vs SFT's per sample;
  5 the kernel ⟨s(z), s(z')⟩ across checkpoints vs the initial one;
  6 per-position KL and greedy-token changes vs the initial policy.
Writes one Parquet table and PNG figure per analysis and effect.md into --out.
Costs scale with --samples (SFT samples per set, rollouts per checkpoint, test
rollouts per target gradient); with the default 64 and the "tiny" model it takes
minutes on 2 CPU cores. Analyses 3–6 follow --arms (default rl-long) through the
checkpoints on disk. Missing inputs skip an analysis with a line in effect.md.`

func runEffect(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("effect", effectSummary, stderr)
	d := study.DefaultOptions()
	dir := fs.String("run", "", "a reproduce output directory (required)")
	out := fs.String("out", "", "output directory (default <run>/effect)")
	samples := fs.Int("samples", d.Samples, "samples per SFT set, rollouts per checkpoint and test rollouts per target gradient")
	seed := fs.Uint64("seed", d.Seed, "seed of every subset, sampled response and bootstrap")
	analyses := fs.String("analyses", "1,2,3,4,5,6", "analyses to run, comma-separated")
	arms := fs.String("arms", strings.Join(d.Arms, ","), "RL arms for analyses 3–6, comma-separated, or all")
	temp := fs.Float64("temperature", d.Temperature, "temperature of the policy whose expected test reward g differentiates")
	group := fs.Int("group", d.TestGroup, "test responses per prompt behind each target gradient (≥ 2)")
	from := fs.String("from", d.From, "the stage whose model analyses 1–2 measure the SFT sets at (base, or a cold start such as sft-short when the base earns no reward)")
	steps := fs.Int("sft-steps", d.SFTSteps, "gradient steps on each SFT set in analysis 1")
	lr := fs.Float64("lr", d.LearningRate, "η of those steps (0: automatic, see --log-ratio and --rel-step)")
	logRatio := fs.Float64("log-ratio", d.StepLogRatio, "automatic η at temperature 1: RMS first-order change of the measuring rollouts' log π")
	rel := fs.Float64("rel-step", d.RelativeStep, "automatic η at other temperatures: step of the largest set's gradient, relative to ‖θ‖")
	maxNew := fs.Int("max-new", d.MaxNewTokens, "cap of sampled test responses (0: the RL runs' max_new_tokens)")
	kernelPairs := fs.Int("kernel-pairs", d.KernelPairs, "fixed pairs of the kernel analysis")
	posPairs := fs.Int("position-pairs", d.PositionPairs, "validation responses of the per-position analysis")
	bins := fs.Int("bins", d.PositionBins, "relative-position bins of the per-position analysis")
	resamples := fs.Int("resamples", d.Resamples, "bootstrap resamples per interval")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError{fmt.Errorf("--run is required")}
	}
	if *out == "" {
		*out = filepath.Join(*dir, "effect")
	}
	o := d
	o.Samples, o.Seed, o.Temperature, o.TestGroup, o.SFTSteps = *samples, *seed, *temp, *group, *steps
	o.LearningRate, o.StepLogRatio, o.RelativeStep, o.MaxNewTokens, o.KernelPairs = *lr, *logRatio, *rel, *maxNew, *kernelPairs
	o.PositionPairs, o.PositionBins, o.Resamples, o.From = *posPairs, *bins, *resamples, *from
	o.Analyses = nil
	for _, f := range strings.Split(*analyses, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return usageError{fmt.Errorf("--analyses %q: want numbers 1–6", *analyses)}
		}
		o.Analyses = append(o.Analyses, n)
	}
	if err := o.Validate(); err != nil {
		return usageError{err}
	}
	x, err := study.OpenExperiment(*dir)
	if err != nil {
		return err
	}
	if _, err := os.Stat(x.Model(o.From)); err != nil && o.From != d.From {
		return usageError{fmt.Errorf("--from %q: %w", o.From, err)}
	}
	o.Arms = x.ArmNames(*arms)
	b, err := openBackend(stderr)
	if err != nil {
		return err
	}
	rep, err := study.Run(b, x, o, stderr)
	if err != nil {
		return err
	}
	if err := rep.Write(*out); err != nil {
		return err
	}
	if rep.SFT != nil {
		fmt.Fprintf(stdout, "%-12s %12s %14s %14s\n", "set", "mean SE", "predicted ΔAcc", "measured ΔAcc")
		for _, r := range rep.SFT.Rows {
			fmt.Fprintf(stdout, "%-12s %12.4g %14.4g %14.4g\n", r.Set, r.MeanSE, r.Predicted, r.Measured)
		}
	}
	skipped := 0
	for _, s := range rep.Skipped {
		skipped += len(s)
	}
	fmt.Fprintf(stdout, "effect: %s (%d skip lines) and tables/figures in %s\n", filepath.Join(*out, study.SummaryFile), skipped, *out)
	return nil
}
