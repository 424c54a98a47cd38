package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/datasets/dataio"
)

const reportSummary = `The results of a reproduce run (--dir): results.parquet (every arm's
validation metrics per step and level, long format), figures/*.png (accuracy vs
RL step per arm, per-level accuracy, response length and clip ratio vs step) and
report.md (tables: accuracy at matched steps, per level, efficiency: SFT
samples and RL rollouts spent for the accuracy reached; wall times; seeds).`

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", reportSummary, stderr)
	dir := fs.String("dir", "", "a reproduce output directory (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError{fmt.Errorf("--dir is required")}
	}
	e, err := experiment.Open(*dir)
	if err != nil {
		return err
	}
	all, err := e.Arms()
	if err != nil {
		return err
	}
	arms := experiment.Ran(all)
	if len(arms) == 0 {
		return fmt.Errorf("report: %s has no finished RL arm yet", *dir)
	}
	var rows []experiment.ResultRow
	for _, a := range arms {
		rows = append(rows, a.ResultRows()...)
	}
	if err := experiment.WriteResults(*dir, rows); err != nil {
		return err
	}
	figs, err := reportFigures(*dir, e.Task, arms)
	if err != nil {
		return err
	}
	md := reportMarkdown(e, arms, figs)
	if err := dataio.WriteBytesAtomic(filepath.Join(*dir, "report.md"), []byte(md)); err != nil {
		return err
	}
	fmt.Fprint(stdout, accuracyTable(arms))
	fmt.Fprintf(stdout, "report: %s, %s, %d figures in %s\n", filepath.Join(*dir, "report.md"),
		filepath.Join(*dir, experiment.ResultsFile), len(figs), filepath.Join(*dir, "figures"))
	return nil
}
