package figures

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// HeatmapOptions are the options of [Heatmap].
type HeatmapOptions struct {
	Frame
	// RowLabels and ColLabels name the rows (top to bottom) and columns
	// (left to right); nil numbers them from 0. When there are more than
	// MaxTickLabels, every k-th is shown.
	RowLabels, ColLabels []string
	// ColorMap maps values to colours; nil means Viridis() (sequential), or
	// moreland.SmoothBlueRed() with Diverging. Heatmap sets its range
	// (SetMin, SetMax).
	ColorMap palette.ColorMap
	// Diverging centres the scale at 0 (the range becomes [−m, m] with m
	// the largest |value|), for signed data such as correlations or
	// changes.
	Diverging bool
	// Range fixes the scale to [lo, hi] when lo < hi; values outside are
	// drawn in the end colours. Otherwise the scale spans the finite values.
	Range [2]float64
	// ScaleLabel names the colour bar's axis, e.g. "KL (nats)".
	ScaleLabel string
}

// Heatmap layout constants.
const (
	// MaxTickLabels is the most row or column labels a heatmap shows: 25.
	MaxTickLabels = 25
	// colorBarWidth is the strip right of the heatmap that holds the colour
	// bar and its tick labels.
	colorBarWidth = vg.Length(0.9 * float64(vg.Inch))
	// colorBarLabelWidth is added to colorBarWidth when the bar has a label.
	colorBarLabelWidth = vg.Length(0.25 * float64(vg.Inch))
	// paletteColors is how many colours the value range is cut into.
	paletteColors = 256
)

// nanColor fills cells whose value is NaN.
var nanColor = color.Gray{Y: 210}

// Heatmap draws the matrix z (z[r][c]: row r from the top, column c from the
// left) as coloured cells with a colour bar on the right: e.g. kernel
// stability across steps, or per-position KL (columns) over steps (rows).
// NaN cells are drawn light grey, outside the scale. A constant matrix gets a
// scale of ±0.5 around its value, and so does one whose values differ by no more
// than rounding noise (1e-9 of max(1, |value|)), which would otherwise be
// stretched over the whole colour bar. It fails on an empty or ragged matrix, a
// matrix without a finite value, label counts that do not match, or ±Inf.
func Heatmap(z [][]float64, opt HeatmapOptions) ([]byte, error) {
	f, err := opt.Frame.check()
	if err != nil {
		return nil, err
	}
	g, err := newGrid(z)
	if err != nil {
		return nil, err
	}
	if opt.RowLabels != nil && len(opt.RowLabels) != g.rows {
		return nil, fmt.Errorf("figures: heatmap: %d row labels for %d rows", len(opt.RowLabels), g.rows)
	}
	if opt.ColLabels != nil && len(opt.ColLabels) != g.cols {
		return nil, fmt.Errorf("figures: heatmap: %d column labels for %d columns", len(opt.ColLabels), g.cols)
	}
	lo, hi := scaleRange(g, opt)
	cm := opt.ColorMap
	if cm == nil {
		cm = Viridis()
		if opt.Diverging {
			cm = moreland.SmoothBlueRed()
		}
	}
	cm.SetMin(lo)
	cm.SetMax(hi)
	pal := cm.Palette(paletteColors)
	colors := pal.Colors()

	p := f.newPlot()
	h := plotter.NewHeatMap(g, pal)
	h.Min, h.Max = lo, hi
	h.NaN = nanColor
	h.Underflow, h.Overflow = colors[0], colors[len(colors)-1]
	p.Add(h)
	p.X.Padding, p.Y.Padding = 0, 0
	p.X.Tick.Marker = indexTicks(g.cols, opt.ColLabels, false)
	p.Y.Tick.Marker = indexTicks(g.rows, opt.RowLabels, true)

	bar := plot.New()
	bar.Add(&plotter.ColorBar{ColorMap: cm, Vertical: true})
	bar.HideX()
	bar.X.Padding, bar.Y.Padding = 0, 0
	bar.Y.Tick.Label.Font = p.Y.Tick.Label.Font
	bar.Y.Label.Text = opt.ScaleLabel
	bar.Y.Label.TextStyle.Font = p.Y.Tick.Label.Font
	bar.BackgroundColor = nil

	stripWidth := colorBarWidth
	if opt.ScaleLabel != "" {
		stripWidth += colorBarLabelWidth
	}
	f.fixRanges(p)
	return f.render(func(c draw.Canvas) {
		main := draw.Crop(c, 0, -stripWidth, 0, 0)
		p.Draw(main)
		// The bar spans the heatmap's data area vertically.
		data := p.DataCanvas(main)
		strip := draw.Crop(c, c.Max.X-c.Min.X-stripWidth, -vg.Points(12), data.Min.Y-c.Min.Y, data.Max.Y-c.Max.Y)
		bar.Draw(strip)
	})
}

// grid adapts a row-major matrix to plotter.GridXYZ with row 0 at the top:
// grid row j (counted from the bottom, as gonum does) is matrix row
// rows−1−j.
type grid struct {
	z          [][]float64
	rows, cols int
}

// newGrid checks z: non-empty, rectangular, no ±Inf, one finite value at least.
func newGrid(z [][]float64) (*grid, error) {
	if len(z) == 0 || len(z[0]) == 0 {
		return nil, fmt.Errorf("figures: heatmap: empty matrix")
	}
	g := &grid{z: z, rows: len(z), cols: len(z[0])}
	finite := false
	for r, row := range z {
		name := fmt.Sprintf("heatmap row %d", r)
		if err := checkLen(name, row, g.cols, false); err != nil {
			return nil, err
		}
		if err := checkNoInf(name, row); err != nil {
			return nil, err
		}
		for _, v := range row {
			finite = finite || !nan(v)
		}
	}
	if !finite {
		return nil, fmt.Errorf("figures: heatmap: every value is NaN")
	}
	return g, nil
}

func (g *grid) Dims() (c, r int)   { return g.cols, g.rows }
func (g *grid) Z(c, r int) float64 { return g.z[g.rows-1-r][c] }
func (g *grid) X(c int) float64    { return float64(c) }
func (g *grid) Y(r int) float64    { return float64(r) }
func (g *grid) extremes() (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range g.z {
		for _, v := range row {
			if !nan(v) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
	}
	return lo, hi
}

// scaleRange is the value range the colours span (see HeatmapOptions).
func scaleRange(g *grid, opt HeatmapOptions) (lo, hi float64) {
	if opt.Range[0] < opt.Range[1] {
		return opt.Range[0], opt.Range[1]
	}
	lo, hi = g.extremes()
	if opt.Diverging {
		m := max(math.Abs(lo), math.Abs(hi))
		lo, hi = -m, m
	}
	if hi-lo <= 1e-9*max(1, math.Abs(lo), math.Abs(hi)) {
		mid := lo + (hi-lo)/2
		lo, hi = mid-0.5, mid+0.5
	}
	return lo, hi
}

// indexTicks labels cell positions 0 … n−1 with labels (or their index
// when nil), at most MaxTickLabels of them; reversed puts label 0 at the
// top (position n−1), as grid rows are.
func indexTicks(n int, labels []string, reversed bool) plot.ConstantTicks {
	step := (n + MaxTickLabels - 1) / MaxTickLabels
	var ticks plot.ConstantTicks
	for i := 0; i < n; i += step {
		label := strconv.Itoa(i)
		if labels != nil {
			label = labels[i]
		}
		pos := float64(i)
		if reversed {
			pos = float64(n - 1 - i)
		}
		ticks = append(ticks, plot.Tick{Value: pos, Label: label})
	}
	return ticks
}
