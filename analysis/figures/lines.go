package figures

import (
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// Series is one named curve of a [Lines] figure.
type Series struct {
	// Name labels the series in the legend; an empty name leaves it out.
	Name string
	// X and Y are the points, in drawing order (usually increasing x).
	X, Y []float64
	// Lo and Hi, when not nil, are a band around the curve (e.g. a 95%
	// interval), as absolute bounds, one per point, drawn as a translucent
	// area in the series' colour.
	Lo, Hi []float64
}

// LinesOptions are the options of [Lines].
type LinesOptions struct {
	Frame
	// Markers draws a marker at every point, in a shape that differs per
	// series (default: lines only).
	Markers bool
	// BandOpacity is the opacity of confidence bands, in (0, 1]; zero means
	// DefaultBandOpacity.
	BandOpacity float64
}

// DefaultBandOpacity is the opacity of a [Lines] confidence band: 0.2, light
// enough for two overlapping bands to stay readable.
const DefaultBandOpacity = 0.2

// Lines draws named series of (x, y) as lines, each with an optional
// confidence band (Series.Lo, Series.Hi), with a legend: e.g. accuracy vs RL
// step per arm. Series are coloured in Palette order and dashed differently.
// A point whose x or y is NaN is skipped; a NaN band bound drops the band at
// that point (it splits in two). It fails on no series, a series without any
// finite point, lengths that do not match, or ±Inf.
func Lines(series []Series, opt LinesOptions) ([]byte, error) {
	f, err := opt.Frame.check()
	if err != nil {
		return nil, err
	}
	if len(series) == 0 {
		return nil, fmt.Errorf("figures: lines: no series")
	}
	alpha := opt.BandOpacity
	if alpha == 0 {
		alpha = DefaultBandOpacity
	}
	if !(alpha > 0 && alpha <= 1) {
		return nil, fmt.Errorf("figures: lines: band opacity %v not in (0, 1]", alpha)
	}
	p := f.newPlot()
	p.Add(plotter.NewGrid())
	for i, s := range series {
		if err := addSeries(p, i, s, opt.Markers, alpha, f.Legend != NoLegend); err != nil {
			return nil, err
		}
	}
	return f.renderPlot(p)
}

// addSeries adds series i (its band, line and markers) to p.
func addSeries(p *plot.Plot, i int, s Series, markers bool, alpha float64, legend bool) error {
	name := fmt.Sprintf("series %d (%q)", i, s.Name)
	n := len(s.X)
	if (s.Lo == nil) != (s.Hi == nil) {
		return fmt.Errorf("figures: %s: set both Lo and Hi, or neither", name)
	}
	if err := checkColumns(name, n, column{"X", s.X, false}, column{"Y", s.Y, false},
		column{"Lo", s.Lo, true}, column{"Hi", s.Hi, true}); err != nil {
		return err
	}
	var pts plotter.XYs
	var bands []plotter.XYer // one polygon ring per run of points with a band
	var run plotter.XYs      // the current run's lower edge; upper edge below
	var upper plotter.XYs
	flush := func() {
		if len(run) >= 2 {
			ring := append(plotter.XYs(nil), run...)
			for k := len(upper) - 1; k >= 0; k-- {
				ring = append(ring, upper[k])
			}
			bands = append(bands, ring)
		}
		run, upper = run[:0], upper[:0]
	}
	for k := 0; k < n; k++ {
		if nan(s.X[k], s.Y[k]) {
			continue
		}
		pts = append(pts, plotter.XY{X: s.X[k], Y: s.Y[k]})
		if s.Lo == nil {
			continue
		}
		if nan(s.Lo[k], s.Hi[k]) {
			flush()
			continue
		}
		run = append(run, plotter.XY{X: s.X[k], Y: s.Lo[k]})
		upper = append(upper, plotter.XY{X: s.X[k], Y: s.Hi[k]})
	}
	flush()
	if len(pts) == 0 {
		return fmt.Errorf("figures: %s has no point with finite x and y", name)
	}
	c := SeriesColor(i)
	for _, ring := range bands {
		poly, err := plotter.NewPolygon(ring)
		if err != nil {
			return fmt.Errorf("figures: %s band: %w", name, err)
		}
		poly.Color = translucent(c, alpha)
		poly.LineStyle.Color = color.Transparent
		p.Add(poly)
	}
	line, err := plotter.NewLine(pts)
	if err != nil {
		return fmt.Errorf("figures: %s: %w", name, err)
	}
	line.LineStyle = lineStyle(i)
	p.Add(line)
	thumbs := []plot.Thumbnailer{line}
	if markers || len(pts) == 1 { // a lone point has no line to show it
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return fmt.Errorf("figures: %s: %w", name, err)
		}
		sc.GlyphStyle = glyphStyle(i)
		p.Add(sc)
		thumbs = append(thumbs, sc)
	}
	if legend && s.Name != "" {
		p.Legend.Add(s.Name, thumbs...)
	}
	return nil
}
