package study

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"

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
// figures per analysis that ran, and the summary effect.md. Every file is written atomically.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("study: %w", err)
	}
	figs := map[int][]string{} // analysis → figure files
	figErr := map[int][]string{}
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
	}
	if len(growth) > 0 {
		if err := writeTable(dir, GrowthFile, growth); err != nil {
			return err
		}
		png, err := safe(r.growthFigure)
		if err := draw(AnalysisGrowth, "growth.png", png, err); err != nil {
			return err
		}
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
	return dataio.WriteBytesAtomic(filepath.Join(dir, SummaryFile), []byte(r.markdown(figs, figErr)))
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
		Title:  fmt.Sprintf("Analysis 1: SFT from the base, %d step(s), η = %.3g", r.Options.SFTSteps, r.SFT.LearningRate),
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
		Title: "Analysis 2: mean SE at the base vs accuracy after SFT", XLabel: "mean SE", YLabel: "greedy accuracy (RL step 0)"},
		Labels: labels})
}

// finite reports whether any value is finite.
func finite(xs []float64) bool {
	return slices.ContainsFunc(xs, func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) })
}

func (r *Report) correctFigure() ([]byte, error) {
	var series []figures.Series
	for _, a := range r.Arms {
		s := figures.Series{Name: a.Arm}
		for _, row := range a.CorrectSE {
			s.X, s.Y = append(s.X, float64(row.Step)), append(s.Y, row.Mean)
			s.Lo, s.Hi = append(s.Lo, row.Lo), append(s.Hi, row.Hi)
		}
		if finite(s.Y) {
			series = append(series, s)
		}
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("no checkpoint has a correct rollout")
	}
	return figures.Lines(series, figures.LinesOptions{Frame: figures.Frame{
		Title: "Analysis 3: SE of the policy's own correct rollouts", XLabel: "RL step", YLabel: "mean SE (95% CI)"}, Markers: true})
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
			if finite(s.Y) {
				series = append(series, s)
			}
		}
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("no growth rate has a value")
	}
	return figures.Lines(series, figures.LinesOptions{Frame: figures.Frame{
		Title: "Analysis 4: growth rate per sample (÷η)", XLabel: "RL step", YLabel: "mean (95% CI)"}, Markers: true})
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
		Title: "Analysis 5: kernel change vs the initial policy", XLabel: "RL step", YLabel: "relative change"}, Markers: true})
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
