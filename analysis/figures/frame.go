package figures

import (
	"bytes"
	"fmt"
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Format is the encoding of a figure.
type Format string

// The formats figures can be written in.
const (
	PNG Format = "png" // raster, at Frame.DPI
	SVG Format = "svg" // vector; fonts are referenced by name, not embedded
)

// Default sizes of a figure: 6 × 4 inches (432 × 288 points), rendered as PNG
// at 150 dots per inch (900 × 600 pixels).
const (
	DefaultWidth  = 6 * vg.Inch
	DefaultHeight = 4 * vg.Inch
	DefaultDPI    = 150
)

// Corner is where a legend is drawn inside the plotting area.
type Corner int

// Legend positions. The zero value, TopLeft, suits rising curves such as
// accuracy over training steps.
const (
	TopLeft Corner = iota
	TopRight
	BottomLeft
	BottomRight
	NoLegend // draw no legend
	// Outside draws the legend to the right of the plotting area, which keeps its size (the
	// figure widens by the legend's width): for many series, whose legend would hide the data.
	Outside
)

// Frame holds the options every figure shares. The zero value is a
// 6 × 4 inch PNG without title or axis labels and with the legend top left.
type Frame struct {
	Title, XLabel, YLabel string
	// Format is PNG (the default, for "") or SVG.
	Format Format
	// Width and Height are the figure's size in points (vg.Inch = 72
	// points); zero means DefaultWidth and DefaultHeight.
	Width, Height vg.Length
	// DPI is the resolution of PNG output; zero means DefaultDPI.
	DPI int
	// Legend is where the legend goes (default TopLeft).
	Legend Corner
	// XRange and YRange fix an axis to [lo, hi] when lo < hi (e.g. [0, 1]
	// for accuracies); otherwise the axis fits the data.
	XRange, YRange [2]float64
}

// Fonts: Liberation Sans, bundled with gonum/plot (its default is the serif).
var (
	sansFont = font.Font{Typeface: "Liberation", Variant: "Sans"}
	gridGrey = color.Gray{Y: 225}
)

// check validates the frame and fills in the defaults.
func (f Frame) check() (Frame, error) {
	switch f.Format {
	case "":
		f.Format = PNG
	case PNG, SVG:
	default:
		return f, fmt.Errorf("figures: format %q: want %q or %q", f.Format, PNG, SVG)
	}
	if f.Width == 0 {
		f.Width = DefaultWidth
	}
	if f.Height == 0 {
		f.Height = DefaultHeight
	}
	if f.DPI == 0 {
		f.DPI = DefaultDPI
	}
	if f.Width < 0 || f.Height < 0 || f.DPI < 0 {
		return f, fmt.Errorf("figures: negative size %v × %v at %d dpi", f.Width, f.Height, f.DPI)
	}
	if f.Legend < TopLeft || f.Legend > Outside {
		return f, fmt.Errorf("figures: unknown legend corner %d", f.Legend)
	}
	return f, nil
}

// newPlot returns a plot styled after f: sans-serif text, title and labels,
// fixed ranges and the legend corner.
func (f Frame) newPlot() *plot.Plot {
	p := plot.New()
	p.Title.Text = f.Title
	p.Title.TextStyle.Font = font.From(sansFont, 12)
	p.Title.Padding = vg.Points(6)
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = font.From(sansFont, 11)
		ax.Tick.Label.Font = font.From(sansFont, 9)
	}
	p.X.Label.Text, p.Y.Label.Text = f.XLabel, f.YLabel
	p.Legend.TextStyle.Font = font.From(sansFont, 9)
	p.Legend.Top = f.Legend == TopLeft || f.Legend == TopRight
	p.Legend.Left = f.Legend == TopLeft || f.Legend == BottomLeft
	p.Legend.ThumbnailWidth = vg.Points(20)
	p.Legend.Padding = vg.Points(3)
	// Keep the legend a little off the axes, towards the plot's inside.
	p.Legend.XOffs, p.Legend.YOffs = vg.Points(4), -vg.Points(4)
	if !p.Legend.Left {
		p.Legend.XOffs = -p.Legend.XOffs
	}
	if !p.Legend.Top {
		p.Legend.YOffs = -p.Legend.YOffs
	}
	return p
}

// fixRanges applies XRange and YRange; call it after adding the plotters,
// whose data ranges plot.Add merges into the axes.
func (f Frame) fixRanges(p *plot.Plot) {
	if f.XRange[0] < f.XRange[1] {
		p.X.Min, p.X.Max = f.XRange[0], f.XRange[1]
	}
	if f.YRange[0] < f.YRange[1] {
		p.Y.Min, p.Y.Max = f.YRange[0], f.YRange[1]
	}
}

// render draws a figure of f's size and format with paint and returns the
// encoded bytes. gonum/plot reports some problems by panicking (a palette
// that cannot map a value, a degenerate range); those come back as errors.
func (f Frame) render(paint func(c draw.Canvas)) (out []byte, err error) {
	var cw vg.CanvasWriterTo
	switch f.Format {
	case SVG:
		cw = vgsvg.New(f.Width, f.Height)
	default:
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(f.DPI))}
	}
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("figures: drawing failed: %v", r)
		}
	}()
	dc := draw.New(cw)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	paint(dc)
	var buf bytes.Buffer
	if _, err := cw.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("figures: encoding %s: %w", f.Format, err)
	}
	return buf.Bytes(), nil
}

// renderPlot renders a single plot filling the figure, its legend beside it when f.Legend is
// Outside.
func (f Frame) renderPlot(p *plot.Plot) ([]byte, error) {
	f.fixRanges(p)
	if f.Legend != Outside {
		return f.render(p.Draw)
	}
	legend := p.Legend
	legend.Top, legend.Left, legend.XOffs, legend.YOffs = true, true, 0, 0
	p.Legend = plot.NewLegend() // no entries: the plot draws none inside
	r := legend.Rectangle(draw.Canvas{})
	gap := vg.Points(8)
	strip := r.Max.X - r.Min.X + 2*gap
	plotWidth := f.Width
	f.Width += strip
	return f.render(func(c draw.Canvas) {
		p.Draw(draw.Crop(c, 0, -strip, 0, 0))
		// Level with the top of the plotting area, below the title.
		top := p.Title.TextStyle.Rectangle(p.Title.Text).Max.Y + 2*p.Title.Padding
		legend.Draw(draw.Crop(c, plotWidth+gap, 0, 0, -top))
	})
}
