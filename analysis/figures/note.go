package figures

import (
	"image/color"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// noteGrey is the colour of a note's text and border: it must not read as
// data.
var noteGrey = color.Gray{Y: 90}

// Note draws a figure without data: the frame's title and, in the middle, the
// text, word-wrapped to the figure's width (a "\n" starts a new paragraph).
// It stands in for a figure whose inputs are missing (an analysis skipped on a
// run where nothing was learned, an arm that did not run), so that a notebook
// or report that promises the figure still shows one and the reader sees why
// there is nothing to plot, instead of a missing file or a failed cell. The
// axis labels of the frame are not drawn. It fails only on an invalid frame.
func Note(text string, opt Frame) ([]byte, error) {
	f, err := opt.check()
	if err != nil {
		return nil, err
	}
	title := draw.TextStyle{Color: color.Black, Font: font.From(sansFont, 12), XAlign: draw.XCenter, YAlign: draw.YTop,
		Handler: plot.DefaultTextHandler}
	body := draw.TextStyle{Color: noteGrey, Font: font.From(sansFont, 11), XAlign: draw.XCenter, YAlign: draw.YTop,
		Handler: plot.DefaultTextHandler}
	margin := vg.Points(18)
	return f.render(func(c draw.Canvas) {
		mid := (c.Min.X + c.Max.X) / 2
		top := c.Max.Y - margin
		if f.Title != "" {
			for _, l := range wrap(f.Title, title, c.Max.X-c.Min.X-2*margin) {
				c.FillText(title, vg.Point{X: mid, Y: top}, l)
				top -= title.Height(l) * 1.2
			}
		}
		border := vg.Rectangle{Min: vg.Point{X: c.Min.X + margin, Y: c.Min.Y + margin}, Max: vg.Point{X: c.Max.X - margin, Y: top - margin/2}}
		c.SetLineStyle(draw.LineStyle{Color: noteGrey, Width: vg.Points(0.5), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}})
		c.Stroke(border.Path())
		var lines []string
		for _, para := range strings.Split(text, "\n") {
			lines = append(lines, wrap(para, body, border.Size().X-2*margin)...)
		}
		step := body.Height("Mg") * 1.3
		y := (border.Min.Y+border.Max.Y)/2 + vg.Length(len(lines))*step/2
		for _, l := range lines {
			c.FillText(body, vg.Point{X: mid, Y: y}, l)
			y -= step
		}
	})
}

// wrap splits text into lines no wider than width in style sty, breaking at
// spaces (a word wider than width gets a line of its own).
func wrap(text string, sty draw.TextStyle, width vg.Length) []string {
	words := strings.Fields(text)
	if len(words) == 0 {
		return []string{""}
	}
	var lines []string
	line := words[0]
	for _, w := range words[1:] {
		if sty.Width(line+" "+w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		line += " " + w
	}
	return append(lines, line)
}
