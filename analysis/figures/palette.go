package figures

import (
	"image/color"

	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Palette is the series colours, in the order series use them: the
// Okabe–Ito colour-blind-safe palette (Okabe & Ito 2008), ordered so the
// first colours are the most distinct on white; yellow, the weakest on white,
// comes last but one.
var Palette = []color.RGBA{
	{0x00, 0x72, 0xB2, 0xFF}, // blue
	{0xD5, 0x5E, 0x00, 0xFF}, // vermillion
	{0x00, 0x9E, 0x73, 0xFF}, // bluish green
	{0xCC, 0x79, 0xA7, 0xFF}, // reddish purple
	{0xE6, 0x9F, 0x00, 0xFF}, // orange
	{0x56, 0xB4, 0xE9, 0xFF}, // sky blue
	{0xF0, 0xE4, 0x42, 0xFF}, // yellow
	{0x00, 0x00, 0x00, 0xFF}, // black
}

// SeriesColor returns series i's colour, cycling through Palette.
func SeriesColor(i int) color.RGBA { return Palette[i%len(Palette)] }

// viridisControls are matplotlib's viridis at 0, 0.1, …, 1.
var viridisControls = []color.Color{
	color.RGBA{0x44, 0x01, 0x54, 0xFF}, color.RGBA{0x48, 0x24, 0x75, 0xFF}, color.RGBA{0x41, 0x44, 0x87, 0xFF},
	color.RGBA{0x35, 0x5f, 0x8d, 0xFF}, color.RGBA{0x2a, 0x78, 0x8e, 0xFF}, color.RGBA{0x21, 0x91, 0x8c, 0xFF},
	color.RGBA{0x22, 0xa8, 0x84, 0xFF}, color.RGBA{0x44, 0xbf, 0x70, 0xFF}, color.RGBA{0x7a, 0xd1, 0x51, 0xFF},
	color.RGBA{0xbd, 0xdf, 0x26, 0xFF}, color.RGBA{0xfd, 0xe7, 0x25, 0xFF},
}

// Viridis returns a new viridis colour map (dark purple → blue → green →
// yellow), rebuilt with moreland.NewLuminance from matplotlib's control
// colours so that luminance grows linearly with the value: sequential,
// colour-blind-safe, and neither end is white or black, so it stays apart
// from the background and from the grey of NaN cells. It is Heatmap's
// default for unsigned data. Each call returns a fresh map (maps carry
// their range).
func Viridis() palette.ColorMap {
	cm, err := moreland.NewLuminance(viridisControls)
	if err != nil {
		panic(err) // the controls are constant; TestViridis covers them
	}
	return cm
}

// translucent returns c at the given opacity (premultiplied, as color.RGBA
// requires).
func translucent(c color.RGBA, alpha float64) color.RGBA {
	m := func(v uint8) uint8 { return uint8(float64(v)*alpha + 0.5) }
	return color.RGBA{m(c.R), m(c.G), m(c.B), m(255)}
}

// dashes and shapes tell series apart without colour; they cycle like
// Palette.
var (
	dashes = [][]vg.Length{
		nil,
		{vg.Points(6), vg.Points(2)},
		{vg.Points(2), vg.Points(2)},
		{vg.Points(6), vg.Points(2), vg.Points(1), vg.Points(2)},
	}
	shapes = []draw.GlyphDrawer{
		draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{},
		draw.RingGlyph{}, draw.BoxGlyph{}, draw.CrossGlyph{}, draw.PlusGlyph{},
	}
)

// lineStyle is series i's line.
func lineStyle(i int) draw.LineStyle {
	return draw.LineStyle{Color: SeriesColor(i), Width: vg.Points(1.5), Dashes: dashes[styleIndex(i)%len(dashes)]}
}

// glyphStyle is series i's marker.
func glyphStyle(i int) draw.GlyphStyle {
	return draw.GlyphStyle{Color: SeriesColor(i), Radius: vg.Points(2.5), Shape: shapes[styleIndex(i)%len(shapes)]}
}

// styleIndex picks series i's dash and marker: i, shifted by one for each time the colours
// have cycled, so that series i and i+len(Palette), which share a colour, differ in both.
func styleIndex(i int) int { return i + i/len(Palette) }
