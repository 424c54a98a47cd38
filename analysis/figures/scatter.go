package figures

import (
	"errors"
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/r1lab/r1lab/analysis/stats"
)

// ScatterOptions are the options of [Scatter].
type ScatterOptions struct {
	Frame
	// Labels, when not nil, names each point (one per point) next to it.
	Labels []string
	// NoFit leaves out the least-squares line (default: drawn).
	NoFit bool
	// Identity draws the line y = x, dashed grey: where predicted equals
	// measured.
	Identity bool
}

// Scatter draws the points (x[i], y[i]) with an ordinary-least-squares line
// and writes their Pearson r and Spearman ρ (and the fit) in the legend: e.g.
// predicted ΔAcc vs measured ΔAcc. Pairs with a NaN are skipped; the
// statistics and the fit use the rest and the legend says how many (n). A
// correlation or fit that is undefined (constant x or y) is written "n/a" and
// not drawn. It fails on fewer than 1 finite pair, lengths that do not match
// (x, y, Labels) or ±Inf.
func Scatter(x, y []float64, opt ScatterOptions) ([]byte, error) {
	f, err := opt.Frame.check()
	if err != nil {
		return nil, err
	}
	if err := checkLen("scatter y", y, len(x), false); err != nil {
		return nil, err
	}
	if opt.Labels != nil && len(opt.Labels) != len(x) {
		return nil, fmt.Errorf("figures: scatter labels has %d values, want %d", len(opt.Labels), len(x))
	}
	if err := errors.Join(checkNoInf("scatter x", x), checkNoInf("scatter y", y)); err != nil {
		return nil, err
	}
	var pts plotter.XYs
	var labels []string
	var xs, ys []float64
	for i := range x {
		if nan(x[i], y[i]) {
			continue
		}
		pts = append(pts, plotter.XY{X: x[i], Y: y[i]})
		xs, ys = append(xs, x[i]), append(ys, y[i])
		if opt.Labels != nil {
			labels = append(labels, opt.Labels[i])
		}
	}
	if len(pts) == 0 {
		return nil, fmt.Errorf("figures: scatter: no pair with finite x and y (of %d)", len(x))
	}
	p := f.newPlot()
	p.Add(plotter.NewGrid())
	// Reference lines first, so the points are drawn over them; legend
	// entries are added at the end, points first.
	type entry struct {
		name  string
		thumb plot.Thumbnailer // nil for a text-only entry
	}
	var entries []entry
	xmin, xmax := minMax(xs)
	if opt.Identity {
		ymin, ymax := minMax(ys)
		lo, hi := min(xmin, ymin), max(xmax, ymax)
		l, err := addSegment(p, lo, lo, hi, hi, color.Gray{Y: 140}, dashes[2])
		if err != nil {
			return nil, err
		}
		entries = append(entries, entry{"y = x", l})
	}
	if !opt.NoFit {
		if fit, err := stats.LinearRegression(xs, ys); err == nil {
			l, err := addSegment(p, xmin, fit.Predict(xmin), xmax, fit.Predict(xmax), SeriesColor(1), nil)
			if err != nil {
				return nil, err
			}
			entries = append(entries, entry{"OLS: " + fit.String(), l})
		} else {
			entries = append(entries, entry{"OLS: n/a", nil})
		}
	}
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, fmt.Errorf("figures: scatter: %w", err)
	}
	sc.GlyphStyle = glyphStyle(0)
	sc.GlyphStyle.Radius = vg.Points(3)
	p.Add(sc)
	entries = append([]entry{{correlationText(xs, ys), sc}}, entries...)
	for k, layer := range labelLayers(pts, labels) {
		lb, err := plotter.NewLabels(layer)
		if err != nil {
			return nil, fmt.Errorf("figures: scatter labels: %w", err)
		}
		for i := range lb.TextStyle {
			lb.TextStyle[i].Font = font.From(sansFont, 8)
		}
		// Each layer one line lower than the one before.
		lb.Offset = vg.Point{X: vg.Points(4), Y: vg.Points(2 - 10*float64(k))}
		p.Add(lb)
	}
	if f.Legend != NoLegend {
		for _, e := range entries {
			if e.thumb == nil {
				p.Legend.Add(e.name)
			} else {
				p.Legend.Add(e.name, e.thumb)
			}
		}
	}
	return f.renderPlot(p)
}

// labelLayers spreads the labels of points that (nearly) coincide over
// layers, drawn one text line apart: layer k holds each point's label whose
// point is the (k+1)-th within 2% of the data's x and y ranges of an
// earlier labelled one. Without it, the names of points with the same
// coordinates (datasets with equal accuracy and effect, say) print over
// each other.
func labelLayers(pts plotter.XYs, labels []string) []plotter.XYLabels {
	if labels == nil {
		return nil
	}
	xs, ys := make([]float64, len(pts)), make([]float64, len(pts))
	for i, p := range pts {
		xs[i], ys[i] = p.X, p.Y
	}
	xlo, xhi := minMax(xs)
	ylo, yhi := minMax(ys)
	near := func(a, b, lo, hi float64) bool { return math.Abs(a-b) <= 0.02*(hi-lo) }
	var layers []plotter.XYLabels
	for i, p := range pts {
		k := 0
		for j := range i {
			if near(p.X, pts[j].X, xlo, xhi) && near(p.Y, pts[j].Y, ylo, yhi) {
				k++
			}
		}
		for len(layers) <= k {
			layers = append(layers, plotter.XYLabels{})
		}
		layers[k].XYs = append(layers[k].XYs, p)
		layers[k].Labels = append(layers[k].Labels, labels[i])
	}
	return layers
}

// correlationText is the legend entry of the points: their count and both
// correlations. Two points correlate at ±1 whatever they are, so below three
// the correlations are "n/a".
func correlationText(xs, ys []float64) string {
	if len(xs) < 3 {
		return fmt.Sprintf("n = %d, Pearson r = n/a, Spearman ρ = n/a", len(xs))
	}
	show := func(r float64, err error) string {
		if err != nil {
			return "n/a"
		}
		return fmt.Sprintf("%.3f", r)
	}
	r, errR := stats.Pearson(xs, ys)
	rho, errRho := stats.Spearman(xs, ys)
	return fmt.Sprintf("n = %d, Pearson r = %s, Spearman ρ = %s", len(xs), show(r, errR), show(rho, errRho))
}

// addSegment draws the line from (x0, y0) to (x1, y1).
func addSegment(p *plot.Plot, x0, y0, x1, y1 float64, c color.Color, dash []vg.Length) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x0, Y: y0}, {X: x1, Y: y1}})
	if err != nil {
		return nil, fmt.Errorf("figures: scatter line: %w", err)
	}
	l.LineStyle.Color, l.LineStyle.Width, l.LineStyle.Dashes = c, vg.Points(1.5), dash
	p.Add(l)
	return l, nil
}

// minMax returns the extremes of a non-empty slice.
func minMax(xs []float64) (lo, hi float64) {
	lo, hi = xs[0], xs[0]
	for _, v := range xs[1:] {
		lo, hi = min(lo, v), max(hi, v)
	}
	return lo, hi
}
