package figures

import (
	"fmt"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// BarSeries is one series of a grouped [Bars] figure: one bar per group.
type BarSeries struct {
	// Name labels the series in the legend; an empty name leaves it out.
	Name string
	// Values are the bar heights, one per group; NaN is an error.
	Values []float64
	// Lo and Hi, when not nil, are error bounds (absolute, e.g. a Wilson
	// interval), one per group; a NaN bound draws no error bar there.
	Lo, Hi []float64
}

// BarsOptions are the options of [Bars].
type BarsOptions struct {
	Frame
	// GroupWidth is the fraction of the space between two groups that a
	// group's bars fill, in (0, 1]; zero means DefaultGroupWidth.
	GroupWidth float64
}

// DefaultGroupWidth is the fraction of a group's slot its bars fill: 0.8.
const DefaultGroupWidth = 0.8

// Bars draws grouped bars: along x one group per name in groups (e.g. the
// puzzle level), within each group one bar per series (e.g. the arm), with
// optional error bars. It fails on no groups or series, a series whose
// lengths differ from len(groups), a NaN height, or ±Inf.
func Bars(groups []string, series []BarSeries, opt BarsOptions) ([]byte, error) {
	f, err := opt.Frame.check()
	if err != nil {
		return nil, err
	}
	if len(groups) == 0 || len(series) == 0 {
		return nil, fmt.Errorf("figures: bars: %d groups and %d series; need at least one of each", len(groups), len(series))
	}
	gw := opt.GroupWidth
	if gw == 0 {
		gw = DefaultGroupWidth
	}
	if !(gw > 0 && gw <= 1) {
		return nil, fmt.Errorf("figures: bars: group width %v not in (0, 1]", gw)
	}
	p := f.newPlot()
	p.Add(plotter.NewGrid())
	// The data area is about an inch narrower than the figure (axis and
	// labels); bars are sized in points, so estimate a group's slot from it.
	slot := (f.Width - vg.Inch) / vg.Length(len(groups))
	w := slot * vg.Length(gw) / vg.Length(len(series))
	for i, s := range series {
		name := fmt.Sprintf("series %d (%q)", i, s.Name)
		if err := checkBarSeries(name, s, len(groups)); err != nil {
			return nil, err
		}
		bc, err := plotter.NewBarChart(plotter.Values(s.Values), w)
		if err != nil {
			return nil, fmt.Errorf("figures: %s: %w", name, err)
		}
		bc.Color = SeriesColor(i)
		bc.LineStyle.Width = 0
		bc.Offset = w * (vg.Length(i) - vg.Length(len(series)-1)/2)
		p.Add(bc)
		if s.Lo != nil {
			p.Add(&errorBars{lo: s.Lo, hi: s.Hi, offset: bc.Offset})
		}
		if f.Legend != NoLegend && s.Name != "" {
			p.Legend.Add(s.Name, bc)
		}
	}
	p.NominalX(groups...)
	// Bars are offset in points around their group; give each group its
	// whole slot so the outer bars are not cut at the axis ends.
	p.X.Min, p.X.Max = -0.5, float64(len(groups))-0.5
	return f.renderPlot(p)
}

// checkBarSeries validates one series against the group count n.
func checkBarSeries(name string, s BarSeries, n int) error {
	if (s.Lo == nil) != (s.Hi == nil) {
		return fmt.Errorf("figures: %s: set both Lo and Hi, or neither", name)
	}
	if err := checkColumns(name, n, column{"Values", s.Values, false},
		column{"Lo", s.Lo, true}, column{"Hi", s.Hi, true}); err != nil {
		return err
	}
	for k, v := range s.Values {
		if nan(v) {
			return fmt.Errorf("figures: %s Values[%d] is NaN; a missing bar would read as 0: drop the group or the series", name, k)
		}
	}
	return nil
}

// errorBars draws vertical error bars with caps at x = 0, 1, … (the groups),
// shifted by offset points to sit on their series' bars. gonum's YErrorBars
// cannot be offset in points, as grouped bars are.
type errorBars struct {
	lo, hi []float64
	offset vg.Length
}

// capWidth is the width of an error bar's caps.
const capWidth = vg.Length(5)

// Plot implements plot.Plotter.
func (e *errorBars) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := draw.LineStyle{Color: Palette[len(Palette)-1], Width: vg.Points(1)}
	for i := range e.lo {
		if nan(e.lo[i], e.hi[i]) {
			continue
		}
		x := trX(float64(i)) + e.offset
		ylo, yhi := trY(e.lo[i]), trY(e.hi[i])
		c.StrokeLine2(sty, x, ylo, x, yhi)
		c.StrokeLine2(sty, x-capWidth/2, ylo, x+capWidth/2, ylo)
		c.StrokeLine2(sty, x-capWidth/2, yhi, x+capWidth/2, yhi)
	}
}

// DataRange implements plot.DataRanger, so the axis fits the bounds.
func (e *errorBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = 0, float64(len(e.lo)-1)
	ymin, ymax = 0, 0
	for i := range e.lo {
		if !nan(e.lo[i], e.hi[i]) {
			ymin, ymax = min(ymin, e.lo[i], e.hi[i]), max(ymax, e.lo[i], e.hi[i])
		}
	}
	return xmin, xmax, ymin, ymax
}
