package nb

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/r1lab/r1lab/analysis/figures"
	"github.com/r1lab/r1lab/analysis/study"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
)

// Report is a sample-effect report on disk: the tables, figures and
// summary (effect.md) that `r1lab effect` writes.
type Report struct {
	Dir string // the folder that holds it
}

// EnsureReport makes dir hold the report of the analyses opts asks for on
// the notebook's experiment (EnsureExperiment; study.Run, then Report.Write),
// computing it unless dir already holds one that covers them
// (study.Covers: the same experiment and options, perhaps more analyses).
// Each cell of a notebook runs as a program of its own, so the analyses run
// once and every cell reads the files they wrote. With $R1LAB_RUN_DIR set to
// the experiment directory, notebook 04's dir is <run>/effect, where
// `r1lab effect --run <run>` writes: a report the command computed with the
// notebook's options is read, not recomputed.
func EnsureReport(dir string, opts study.Options) Report {
	e := EnsureExperiment()
	r := Report{Dir: dir}
	x := Must(study.OpenExperiment(e.Dir))
	if Must(study.Covers(dir, x, opts)) {
		return r
	}
	// No table or figure of an earlier report may pass for this one's.
	for _, pattern := range []string{"*.png", "*.parquet", study.SummaryFile, study.StampFile} {
		for _, f := range Must(filepath.Glob(filepath.Join(dir, pattern))) {
			Check(os.Remove(f))
		}
	}
	b := Must(backend.New())
	defer b.Finalize()
	fmt.Printf("Running analyses %v on %s (%d samples; backend %s):\n", opts.Analyses, Must(filepath.Abs(e.Dir)), opts.Samples,
		backend.Describe(b))
	start := time.Now()
	rep := Must(study.Run(b, x, opts, os.Stdout))
	Check(rep.Write(dir))
	fmt.Printf("Done in %s: %s\n\n", time.Since(start).Round(time.Second), Must(filepath.Abs(filepath.Join(dir, study.SummaryFile))))
	return r
}

// Section returns the part of the report's summary (effect.md) under the
// "## " heading that starts with heading (e.g. "3." or "Notes"), without the
// heading and the image links: the figures are shown from the same files by
// Figure. "" when there is no such heading.
func (r Report) Section(heading string) string {
	md := Must(os.ReadFile(filepath.Join(r.Dir, study.SummaryFile)))
	var out []string
	in := false
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, "## ") {
			in = strings.HasPrefix(line, "## "+heading)
			continue
		}
		if in && !strings.HasPrefix(line, "![") {
			out = append(out, line)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

// ShowSection displays a section of the report's summary under the cell
// (see Section).
func (r Report) ShowSection(heading string) {
	if s := r.Section(heading); s != "" {
		gonbui.DisplayMarkdown(s)
		gonbui.Sync()
	}
}

// Why lists what the report's section says was skipped or not drawn: the
// reasons behind a missing figure.
func (r Report) Why(heading string) []string {
	var out []string
	for _, line := range strings.Split(r.Section(heading), "\n") {
		if strings.HasPrefix(line, "- skipped: ") || strings.Contains(line, " not drawn: ") {
			out = append(out, strings.TrimPrefix(line, "- "))
		}
	}
	return out
}

// ReadTable reads one of r's Parquet tables; a table the report did not
// write (its analysis was skipped) reads as empty.
func ReadTable[T any](r Report, file string) []T {
	rows, err := dataio.Read[T](filepath.Join(r.Dir, file))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	return Must(rows, err)
}

// Figure shows the figure the report saved as file (Report.Write draws it,
// as for `r1lab effect`) under the name the notebook gives it. When the
// report has no such figure — its analysis was skipped, or had nothing to
// plot — it shows what fallback draws from the data there is instead, and
// when there is no fallback or it cannot draw either, a note with the
// reasons, titled title: a figure is never silently missing.
func (r Report) Figure(heading, file, name, title string, fallback func() ([]byte, error)) {
	if png, err := os.ReadFile(filepath.Join(r.Dir, file)); err == nil {
		Show(png, name)
		return
	} else if !errors.Is(err, fs.ErrNotExist) {
		panic(err)
	}
	reasons := r.Why(heading)
	if fallback != nil {
		png, err := fallback()
		if err == nil {
			fmt.Printf("The report has no %s (its summary above says why): drawn here instead from the data there is.\n", file)
			Show(png, name)
			return
		}
		reasons = append(reasons, err.Error())
	}
	if len(reasons) == 0 {
		reasons = []string{"the report has no data for it"}
	}
	fmt.Printf("Not drawn:\n  - %s\n", strings.Join(reasons, "\n  - "))
	Show(Must(figures.Note("Not drawn:\n"+strings.Join(reasons, "\n"), figures.Frame{Title: title})), name)
}
