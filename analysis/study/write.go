package study

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/r1lab/r1lab/analysis/figures"
	"github.com/r1lab/r1lab/datasets/dataio"
)

// Files Report.Write creates in its output directory (figures are PNG).
const (
	SummaryFile      = "effect.md"
	SFTEffectFile    = "sft_effect.parquet"    // analysis 1, []SFTEffectRow
	SampleEffectFile = "sample_effect.parquet" // analysis 1, []SampleEffectRow
	RankingFile      = "ranking.parquet"       // analysis 2, []RankRow
	CorrectSEFile    = "correct_se.parquet"    // analysis 3, []CorrectSERow
	GrowthFile       = "growth.parquet"        // analysis 4, []GrowthRow
	KernelFile       = "kernel.parquet"        // analysis 5, []KernelRow
	PositionsFile    = "positions.parquet"     // analysis 6, []PositionRow
)

// Write writes the report into dir (created if needed): one Parquet table and one or more PNG
// figures per analysis that ran, the summary effect.md and, last, the stamp (StampFile) that
// Covers reads. Every file is written atomically.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("study: %w", err)
	}
	if err := removeStamp(dir); err != nil {
		return err
	}
	figs := map[int][]string{}   // analysis → figure files
	figErr := map[int][]string{} // lines under the figures: why one was not drawn, what it leaves out
	draw := func(a int, name string, png []byte, err error) error {
		if err != nil || png == nil {
			figErr[a] = append(figErr[a], fmt.Sprintf("%s not drawn: %v", name, err))
			return nil
		}
		figs[a] = append(figs[a], name)
		return figures.Save(filepath.Join(dir, name), png)
	}
	if r.SFT != nil && r.Options.runs(AnalysisSFTEffect) {
		if err := writeTable(dir, SFTEffectFile, r.SFT.Rows); err != nil {
			return err
		}
		if err := writeTable(dir, SampleEffectFile, r.SFT.Samples); err != nil {
			return err
		}
		png, err := safe(r.sftFigure)
		if err := draw(AnalysisSFTEffect, "sft_effect.png", png, err); err != nil {
			return err
		}
	}
	if r.Ranking != nil {
		if err := writeTable(dir, RankingFile, r.Ranking.Rows); err != nil {
			return err
		}
		png, err := safe(r.rankingFigure)
		if err := draw(AnalysisRanking, "ranking.png", png, err); err != nil {
			return err
		}
	}
	var correct []CorrectSERow
	var growth []GrowthRow
	var kernel []KernelRow
	var positions []PositionRow
	for _, a := range r.Arms {
		correct, growth = append(correct, a.CorrectSE...), append(growth, a.Growth...)
		kernel, positions = append(kernel, a.Kernel...), append(positions, a.Positions...)
	}
	if len(correct) > 0 {
		if err := writeTable(dir, CorrectSEFile, correct); err != nil {
			return err
		}
		png, err := safe(r.correctFigure)
		if err := draw(AnalysisCorrectSE, "correct_se.png", png, err); err != nil {
			return err
		}
		r.noteFlat(figErr, AnalysisCorrectSE, "correct_se.png")
	}
	if len(growth) > 0 {
		if err := writeTable(dir, GrowthFile, growth); err != nil {
			return err
		}
		png, err := safe(r.growthFigure)
		if err := draw(AnalysisGrowth, "growth.png", png, err); err != nil {
			return err
		}
		r.noteFlat(figErr, AnalysisGrowth, "growth.png")
	}
	if len(kernel) > 0 {
		if err := writeTable(dir, KernelFile, kernel); err != nil {
			return err
		}
		png, err := safe(r.kernelFigure)
		if err := draw(AnalysisKernel, "kernel.png", png, err); err != nil {
			return err
		}
	}
	if len(positions) > 0 {
		if err := writeTable(dir, PositionsFile, positions); err != nil {
			return err
		}
		for _, a := range r.Arms {
			if len(a.Positions) == 0 {
				continue
			}
			for _, q := range []string{"kl", "argmax"} {
				png, err := safe(func() ([]byte, error) { return positionsFigure(a, q, r.Options.PositionBins) })
				if err := draw(AnalysisPositions, fmt.Sprintf("positions_%s_%s.png", q, a.Arm), png, err); err != nil {
					return err
				}
			}
		}
	}
	if err := dataio.WriteBytesAtomic(filepath.Join(dir, SummaryFile), []byte(r.markdown(figs, figErr))); err != nil {
		return err
	}
	return r.writeStamp(dir)
}

// noteFlat adds a line under analysis a's figure naming the arms it leaves out (flatArms).
func (r *Report) noteFlat(notes map[int][]string, a int, figure string) {
	if flat := r.flatArms(a); len(flat) > 0 {
		notes[a] = append(notes[a], fmt.Sprintf("%s leaves out %s: every value 0 (g = 0 at each checkpoint, or no correct rollout)",
			figure, strings.Join(flat, ", ")))
	}
}

// safe draws a figure, turning a panic of the plotting library into an error: a figure that
// cannot be drawn must not lose the analyses' tables.
func safe(draw func() ([]byte, error)) (png []byte, err error) {
	defer func() {
		if p := recover(); p != nil {
			png, err = nil, fmt.Errorf("plotting failed: %v", p)
		}
	}()
	return draw()
}

func writeTable[T any](dir, name string, rows []T) error {
	return dataio.Write(filepath.Join(dir, name), rows)
}

func (r *Report) sftFigure() ([]byte, error) {
	var x, y []float64
	var labels []string
	for _, row := range r.SFT.Rows {
		x, y = append(x, row.Predicted), append(y, row.Measured)
		labels = append(labels, row.Set)
	}
	return figures.Scatter(x, y, figures.ScatterOptions{Frame: figures.Frame{
		Title: fmt.Sprintf("Analysis 1: SFT from the %s model, %d step(s), η = %.3g", r.Options.From, r.Options.SFTSteps,
			r.SFT.LearningRate),
		XLabel: "predicted ΔAcc = η·steps·mean SE", YLabel: "measured ΔAcc (importance-sampled)"},
		Labels: labels, Identity: true})
}

func (r *Report) rankingFigure() ([]byte, error) {
	var x, y []float64
	var labels []string
	for _, row := range r.Ranking.Rows {
		x, y = append(x, row.MeanSE), append(y, row.SFTAccuracy)
		labels = append(labels, row.Set)
	}
	return figures.Scatter(x, y, figures.ScatterOptions{Frame: figures.Frame{
		Title: fmt.Sprintf("Analysis 2: mean SE at the %s model vs accuracy after SFT", r.Options.From), XLabel: "mean SE",
		YLabel: "greedy accuracy (RL step 0)"},
		Labels: labels})
}

// signal reports whether any value is finite and not 0: a curve of zeros (g = 0 at every
// checkpoint) says nothing a legend entry should take room for.
func signal(xs []float64) bool {
	return slices.ContainsFunc(xs, func(v float64) bool { return v != 0 && !math.IsNaN(v) && !math.IsInf(v, 0) })
}

// legendFor puts the legend of a figure with n series beside the plot once it would hide data.
func legendFor(n int) figures.Corner {
	if n > 4 {
		return figures.Outside
	}
	return figures.TopLeft
}

// flatArms names the arms whose rows of analysis a (3 or 4) have no signal: the figure leaves
// them out.
func (r *Report) flatArms(a int) []string {
	var out []string
	for _, arm := range r.Arms {
		var xs []float64
		if a == AnalysisCorrectSE {
			for _, row := range arm.CorrectSE {
				xs = append(xs, row.Mean)
			}
		} else {
			for _, row := range arm.Growth {
				xs = append(xs, row.Mean)
			}
		}
		if len(xs) > 0 && !signal(xs) {
			out = append(out, arm.Arm)
		}
	}
	return out
}

func (r *Report) correctFigure() ([]byte, error) {
	var series []figures.Series
	for _, a := range r.Arms {
		s := figures.Series{Name: a.Arm}
		for _, row := range a.CorrectSE {
			s.X, s.Y = append(s.X, float64(row.Step)), append(s.Y, row.Mean)
			s.Lo, s.Hi = append(s.Lo, row.Lo), append(s.Hi, row.Hi)
		}
		if signal(s.Y) {
			series = append(series, s)
		}
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("no checkpoint has a correct rollout with a non-zero SE")
	}
	return figures.Lines(series, figures.LinesOptions{Frame: figures.Frame{
		Title: "Analysis 3: SE of the policy's own correct rollouts", XLabel: "RL step", YLabel: "mean SE (95% CI)",
		Legend: legendFor(len(series))}, Markers: true})
}

func (r *Report) growthFigure() ([]byte, error) {
	var series []figures.Series
	for _, a := range r.Arms {
		for _, kind := range []string{GrowthRL, GrowthRLCorrect, GrowthSFT} {
			s := figures.Series{Name: a.Arm + " " + growthLabel(kind)}
			for _, row := range a.Growth {
				if row.Kind == kind {
					s.X, s.Y = append(s.X, float64(row.Step)), append(s.Y, row.Mean)
					s.Lo, s.Hi = append(s.Lo, row.Lo), append(s.Hi, row.Hi)
				}
			}
			if signal(s.Y) {
				series = append(series, s)
			}
		}
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("no growth rate has a non-zero value")
	}
	return figures.Lines(series, figures.LinesOptions{Frame: figures.Frame{
		Title: "Analysis 4: growth rate per sample (÷η)", XLabel: "RL step", YLabel: "mean (95% CI)",
		Legend: legendFor(len(series))}, Markers: true})
}

func growthLabel(kind string) string {
	switch kind {
	case GrowthRL:
		return "RL: advantage·SE per rollout"
	case GrowthRLCorrect:
		return "SFT on own correct rollouts"
	}
	return "SFT on its cold-start set"
}

func (r *Report) kernelFigure() ([]byte, error) {
	var series []figures.Series
	for _, a := range r.Arms {
		rel := figures.Series{Name: a.Arm + " ‖K−K₀‖/‖K₀‖"}
		cos := figures.Series{Name: a.Arm + " same, cosine kernels"}
		for _, row := range a.Kernel {
			rel.X, rel.Y = append(rel.X, float64(row.Step)), append(rel.Y, row.RelativeChange)
			cos.X, cos.Y = append(cos.X, float64(row.Step)), append(cos.Y, row.NormalizedChange)
		}
		if len(rel.X) > 0 {
			series = append(series, rel, cos)
		}
	}
	return figures.Lines(series, figures.LinesOptions{Frame: figures.Frame{
		Title: "Analysis 5: kernel change vs the initial policy", XLabel: "RL step", YLabel: "relative change",
		Legend: legendFor(len(series))}, Markers: true})
}

// klFloor is the per-token KL below which a value is rounding noise of the Float64 computation.
const klFloor = 1e-12

func positionsFigure(a *ArmResult, quantity string, bins int) ([]byte, error) {
	var z [][]float64
	var rows []string
	for _, p := range a.Positions {
		if p.Bin == 0 {
			z = append(z, make([]float64, 0, bins))
			rows = append(rows, fmt.Sprintf("step %d", p.Step))
		}
		v := p.KL
		if quantity == "argmax" {
			v = p.ArgmaxChange
		} else if math.Abs(v) < klFloor {
			v = 0 // rounding noise; a range of 1e-15 also trips gonum's colour map
		}
		z[len(z)-1] = append(z[len(z)-1], v)
	}
	cols := make([]string, bins)
	for b := range cols {
		cols[b] = fmt.Sprintf("%.0f%%", 100*float64(b)/float64(bins))
	}
	title, scale := "per-token KL to the initial policy", "KL (nats)"
	if quantity == "argmax" {
		title, scale = "share of greedy tokens changed", "rate"
	}
	return figures.Heatmap(z, figures.HeatmapOptions{Frame: figures.Frame{
		Title:  fmt.Sprintf("Analysis 6 (%s): %s", a.Arm, title),
		XLabel: "relative position in the response (bin start)", YLabel: "checkpoint"},
		RowLabels: rows, ColLabels: cols, ScaleLabel: scale})
}
