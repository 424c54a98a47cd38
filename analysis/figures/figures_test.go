package figures

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"image/png"
	"io"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/plot/plotter"
)

// sample figures, one per function, used by the format and determinism
// tests.
var sampleFigures = map[string]func(Frame) ([]byte, error){
	"lines": func(f Frame) ([]byte, error) {
		return Lines([]Series{
			{Name: "base", X: []float64{0, 5, 10, 15}, Y: []float64{0.02, 0.05, 0.1, 0.12},
				Lo: []float64{0, 0.02, 0.06, 0.08}, Hi: []float64{0.05, 0.09, 0.15, 0.17}},
			{Name: "long-CoT", X: []float64{0, 5, 10, 15}, Y: []float64{0.1, math.NaN(), 0.35, 0.5}},
			{Name: "short-CoT", X: []float64{0, 5, 10, 15}, Y: []float64{0.08, 0.2, 0.3, 0.32},
				Lo: []float64{0.05, math.NaN(), 0.25, 0.27}, Hi: []float64{0.11, math.NaN(), 0.35, 0.37}},
		}, LinesOptions{Frame: f, Markers: true})
	},
	"scatter": func(f Frame) ([]byte, error) {
		return Scatter([]float64{0.01, 0.03, 0.02, 0.05, math.NaN(), 0.04}, []float64{0.012, 0.025, 0.03, 0.06, 1, 0.035},
			ScatterOptions{Frame: f, Labels: []string{"a", "b", "c", "d", "e", "f"}, Identity: true})
	},
	"bars": func(f Frame) ([]byte, error) {
		return Bars([]string{"4", "5", "6", "7", "8"}, []BarSeries{
			{Name: "base", Values: []float64{0.3, 0.2, 0.1, 0.05, 0.01}},
			{Name: "long-CoT", Values: []float64{0.6, 0.5, 0.35, 0.2, 0.1},
				Lo: []float64{0.5, 0.4, 0.25, math.NaN(), 0.05}, Hi: []float64{0.7, 0.6, 0.45, math.NaN(), 0.16}},
		}, BarsOptions{Frame: f})
	},
	"heatmap": func(f Frame) ([]byte, error) {
		return Heatmap([][]float64{{0, 0.1, 0.2}, {0.3, math.NaN(), 0.5}, {0.6, 0.7, 0.9}, {1, 1.1, 1.2}},
			HeatmapOptions{Frame: f, RowLabels: []string{"step 0", "step 5", "step 10", "step 15"}, ScaleLabel: "KL"})
	},
	"note": func(f Frame) ([]byte, error) {
		return Note("Not drawn: no checkpoint has a correct rollout.\nEvery reward was 0.", f)
	},
}

func TestFormats(t *testing.T) {
	for name, draw := range sampleFigures {
		t.Run(name, func(t *testing.T) {
			frame := Frame{Title: name + " — title", XLabel: "x", YLabel: "y", Width: 300, Height: 200, DPI: 72}
			b, err := draw(frame)
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("PNG does not decode: %v", err)
			}
			if s := img.Bounds().Size(); s.X != 300 || s.Y != 200 {
				t.Errorf("PNG is %v, want 300×200 (points at 72 dpi)", s)
			}
			frame.Format = SVG
			b, err = draw(frame)
			if err != nil {
				t.Fatal(err)
			}
			checkSVG(t, b)
			if !bytes.Contains(b, []byte(name+" — title")) {
				t.Error("SVG lacks the title text")
			}
		})
	}
}

// checkSVG fails unless b is well-formed XML whose root is <svg>.
func checkSVG(t *testing.T, b []byte) {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("<?xml")) && !bytes.HasPrefix(b, []byte("<svg")) {
		t.Fatalf("SVG starts with %q", b[:min(len(b), 20)])
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("SVG is not well-formed XML: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && root == "" {
			root = se.Name.Local
		}
	}
	if root != "svg" {
		t.Errorf("SVG root element is %q", root)
	}
}

func TestDefaultSize(t *testing.T) {
	b, err := sampleFigures["lines"](Frame{})
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width != 900 || cfg.Height != 600 {
		t.Errorf("default PNG is %d×%d (%v), want 900×600", cfg.Width, cfg.Height, err)
	}
}

func TestDeterministic(t *testing.T) {
	for name, draw := range sampleFigures {
		for _, format := range []Format{PNG, SVG} {
			f := Frame{Format: format, Width: 200, Height: 150, DPI: 72, Title: "t"}
			a, err := draw(f)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := draw(f)
			if !bytes.Equal(a, b) {
				t.Errorf("%s %s: two renderings differ", name, format)
			}
		}
	}
}

func TestErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name string
		draw func() ([]byte, error)
		want string
	}{
		{"lines none", func() ([]byte, error) { return Lines(nil, LinesOptions{}) }, "no series"},
		{"lines length", func() ([]byte, error) {
			return Lines([]Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1}}}, LinesOptions{})
		}, `series 0 ("a") Y has 1 values, want 2`},
		{"lines band length", func() ([]byte, error) {
			return Lines([]Series{{X: []float64{1, 2}, Y: []float64{1, 2}, Lo: []float64{1}, Hi: []float64{1, 2}}}, LinesOptions{})
		}, "Lo has 1 values, want 2"},
		{"lines half band", func() ([]byte, error) {
			return Lines([]Series{{X: []float64{1}, Y: []float64{1}, Lo: []float64{1}}}, LinesOptions{})
		}, "both Lo and Hi"},
		{"lines all nan", func() ([]byte, error) {
			return Lines([]Series{{Name: "a", X: []float64{1, 2}, Y: []float64{nan, nan}}}, LinesOptions{})
		}, "no point with finite x and y"},
		{"lines inf", func() ([]byte, error) {
			return Lines([]Series{{X: []float64{1, inf}, Y: []float64{1, 2}}}, LinesOptions{})
		}, "X[1] is +Inf"},
		{"lines empty", func() ([]byte, error) { return Lines([]Series{{Name: "a"}}, LinesOptions{}) }, "no point"},
		{"lines opacity", func() ([]byte, error) {
			return Lines([]Series{{X: []float64{1}, Y: []float64{1}}}, LinesOptions{BandOpacity: 2})
		}, "opacity"},
		{"format", func() ([]byte, error) {
			return Lines([]Series{{X: []float64{1}, Y: []float64{1}}}, LinesOptions{Frame: Frame{Format: "gif"}})
		}, `format "gif"`},
		{"size", func() ([]byte, error) {
			return Lines([]Series{{X: []float64{1}, Y: []float64{1}}}, LinesOptions{Frame: Frame{Width: -1}})
		}, "negative size"},
		{"scatter empty", func() ([]byte, error) { return Scatter(nil, nil, ScatterOptions{}) }, "no pair"},
		{"scatter all nan", func() ([]byte, error) { return Scatter([]float64{nan}, []float64{1}, ScatterOptions{}) }, "no pair"},
		{"scatter length", func() ([]byte, error) { return Scatter([]float64{1, 2}, []float64{1}, ScatterOptions{}) }, "scatter y has 1 values, want 2"},
		{"scatter labels", func() ([]byte, error) {
			return Scatter([]float64{1, 2}, []float64{1, 2}, ScatterOptions{Labels: []string{"a"}})
		}, "labels has 1 values"},
		{"scatter inf", func() ([]byte, error) { return Scatter([]float64{1}, []float64{-inf}, ScatterOptions{}) }, "y[0] is -Inf"},
		{"bars none", func() ([]byte, error) { return Bars(nil, nil, BarsOptions{}) }, "0 groups and 0 series"},
		{"bars length", func() ([]byte, error) {
			return Bars([]string{"a", "b"}, []BarSeries{{Name: "s", Values: []float64{1}}}, BarsOptions{})
		}, `series 0 ("s") Values has 1 values, want 2`},
		{"bars nan", func() ([]byte, error) {
			return Bars([]string{"a", "b"}, []BarSeries{{Values: []float64{1, nan}}}, BarsOptions{})
		}, "Values[1] is NaN"},
		{"bars err length", func() ([]byte, error) {
			return Bars([]string{"a"}, []BarSeries{{Values: []float64{1}, Lo: []float64{1, 2}, Hi: []float64{1}}}, BarsOptions{})
		}, "Lo has 2 values, want 1"},
		{"bars width", func() ([]byte, error) {
			return Bars([]string{"a"}, []BarSeries{{Values: []float64{1}}}, BarsOptions{GroupWidth: 1.5})
		}, "group width"},
		{"heatmap empty", func() ([]byte, error) { return Heatmap(nil, HeatmapOptions{}) }, "empty matrix"},
		{"heatmap ragged", func() ([]byte, error) { return Heatmap([][]float64{{1, 2}, {3}}, HeatmapOptions{}) }, "row 1 has 1 values, want 2"},
		{"heatmap all nan", func() ([]byte, error) { return Heatmap([][]float64{{nan}}, HeatmapOptions{}) }, "every value is NaN"},
		{"heatmap inf", func() ([]byte, error) { return Heatmap([][]float64{{1, inf}}, HeatmapOptions{}) }, "row 0[1] is +Inf"},
		{"heatmap labels", func() ([]byte, error) {
			return Heatmap([][]float64{{1, 2}}, HeatmapOptions{ColLabels: []string{"a"}})
		}, "1 column labels for 2 columns"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := tc.draw()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to contain %q", err, tc.want)
			}
			if b != nil {
				t.Error("bytes returned with an error")
			}
		})
	}
}

// TestEdgeCases draws inputs at the limits of what each figure accepts.
func TestEdgeCases(t *testing.T) {
	cases := map[string]func() ([]byte, error){
		"lines one point": func() ([]byte, error) {
			return Lines([]Series{{Name: "a", X: []float64{3}, Y: []float64{0.5}}}, LinesOptions{Frame: Frame{YRange: [2]float64{0, 1}}})
		},
		"lines no legend": func() ([]byte, error) {
			return Lines([]Series{{Name: "a", X: []float64{1, 2}, Y: []float64{1, 2}}}, LinesOptions{Frame: Frame{Legend: NoLegend}})
		},
		"many series": func() ([]byte, error) {
			var ss []Series
			for i := range 12 {
				ss = append(ss, Series{Name: string(rune('a' + i)), X: []float64{0, 1}, Y: []float64{float64(i), float64(i + 1)}})
			}
			return Lines(ss, LinesOptions{Frame: Frame{Legend: BottomRight}})
		},
		"scatter constant x": func() ([]byte, error) {
			return Scatter([]float64{1, 1, 1}, []float64{1, 2, 3}, ScatterOptions{})
		},
		"scatter one point": func() ([]byte, error) { return Scatter([]float64{1}, []float64{2}, ScatterOptions{}) },
		"heatmap constant":  func() ([]byte, error) { return Heatmap([][]float64{{2, 2}, {2, 2}}, HeatmapOptions{}) },
		"heatmap diverging": func() ([]byte, error) {
			return Heatmap([][]float64{{-1, 0.5}, {0.2, 0.3}}, HeatmapOptions{Diverging: true})
		},
		"heatmap range": func() ([]byte, error) {
			return Heatmap([][]float64{{-1, 0.5}, {0.2, 3}}, HeatmapOptions{Range: [2]float64{0, 1}})
		},
		"heatmap many columns": func() ([]byte, error) {
			z := [][]float64{make([]float64, 200), make([]float64, 200)}
			for i := range z[0] {
				z[0][i], z[1][i] = float64(i), float64(-i)
			}
			return Heatmap(z, HeatmapOptions{Frame: Frame{Format: SVG}})
		},
	}
	for name, draw := range cases {
		t.Run(name, func(t *testing.T) {
			b, err := draw()
			if err != nil {
				t.Fatal(err)
			}
			if len(b) == 0 {
				t.Fatal("no bytes")
			}
		})
	}
}

func TestIndexTicks(t *testing.T) {
	ticks := indexTicks(3, []string{"a", "b", "c"}, true)
	if len(ticks) != 3 || ticks[0].Value != 2 || ticks[0].Label != "a" || ticks[2].Value != 0 {
		t.Errorf("reversed ticks = %v", ticks)
	}
	ticks = indexTicks(200, nil, false)
	if len(ticks) > MaxTickLabels || ticks[1].Label != "8" {
		t.Errorf("200 columns: %d ticks, second %v", len(ticks), ticks[1])
	}
}

func TestSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "figures", "a.png")
	b, err := sampleFigures["bars"](Frame{Width: 100, Height: 100, DPI: 72})
	if err != nil {
		t.Fatal(err)
	}
	if err := Save(path, b); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, b) {
		t.Fatalf("read back %d bytes (%v), want %d", len(got), err, len(b))
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries, want just the figure (no temp file)", len(entries))
	}
	if err := Save(filepath.Join(dir, "b.png"), nil); err == nil {
		t.Error("Save of no data: no error")
	}
	// A directory in the way: the error names the path.
	if err := Save(dir, b); err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("Save over a directory: err = %v", err)
	}
}

func TestViridis(t *testing.T) {
	cm := Viridis()
	cm.SetMin(0)
	cm.SetMax(1)
	lo, err := cm.At(0)
	if err != nil {
		t.Fatal(err)
	}
	hi, _ := cm.At(1)
	r, g, b, _ := lo.RGBA()
	if r>>8 != 0x44 || g>>8 > 0x02 || b>>8 != 0x54 {
		t.Errorf("Viridis(0) = %v, want about #440154", lo)
	}
	r, g, b, _ = hi.RGBA()
	if r>>8 < 0xfb || g>>8 < 0xe5 || b>>8 > 0x27 {
		t.Errorf("Viridis(1) = %v, want about #fde725", hi)
	}
}

// TestNote checks that a note carries its text, wrapped to the figure's width,
// and that an invalid frame is still an error.
func TestNote(t *testing.T) {
	long := strings.Repeat("every reward was zero ", 12)
	b, err := Note("first paragraph\n"+long, Frame{Format: SVG, Title: "Analysis 3", Width: 300, Height: 200})
	if err != nil {
		t.Fatal(err)
	}
	checkSVG(t, b)
	for _, want := range []string{"Analysis 3", "first paragraph", "every reward was zero"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if bytes.Contains(b, []byte(strings.TrimSpace(long))) {
		t.Error("a paragraph wider than the figure was not wrapped")
	}
	if _, err := Note("x", Frame{Format: "gif"}); err == nil {
		t.Error("invalid format accepted")
	}
}

// TestCorrelationText checks the scatter legend: two points always correlate
// at ±1, so the legend must not print a correlation below three.
func TestCorrelationText(t *testing.T) {
	for _, c := range []struct {
		xs, ys []float64
		want   string
	}{
		{[]float64{1, 2}, []float64{5, 3}, "n = 2, Pearson r = n/a, Spearman ρ = n/a"},
		{[]float64{1, 2, 3}, []float64{3, 2, 1}, "n = 3, Pearson r = -1.000, Spearman ρ = -1.000"},
		{[]float64{1, 2, 3}, []float64{1, 3, 2}, "n = 3, Pearson r = 0.500, Spearman ρ = 0.500"},
	} {
		if got := correlationText(c.xs, c.ys); got != c.want {
			t.Errorf("correlationText(%v, %v) = %q, want %q", c.xs, c.ys, got, c.want)
		}
	}
}

// TestHeatmapScaleRange: the colour scale spans the data, symmetric when diverging, except for a
// constant matrix or one that differs only by rounding noise, which get ±0.5 around their middle.
func TestHeatmapScaleRange(t *testing.T) {
	tests := []struct {
		name      string
		z         [][]float64
		diverging bool
		lo, hi    float64
	}{
		{"data range", [][]float64{{0.1, 0.4}, {0.3, 0.2}}, false, 0.1, 0.4},
		{"diverging is symmetric", [][]float64{{-0.1, 0.4}}, true, -0.4, 0.4},
		{"constant", [][]float64{{2, 2}}, false, 1.5, 2.5},
		{"rounding noise near 0", [][]float64{{0, 1e-12}, {3e-13, 0}}, false, -0.5 + 5e-13, 0.5 + 5e-13},
		{"rounding noise near 1e6", [][]float64{{1e6, 1e6 + 1e-4}}, false, 1e6 - 0.5 + 5e-5, 1e6 + 0.5 + 5e-5},
		{"small but real", [][]float64{{0, 1e-6}}, false, 0, 1e-6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := newGrid(tc.z)
			if err != nil {
				t.Fatal(err)
			}
			lo, hi := scaleRange(g, HeatmapOptions{Diverging: tc.diverging})
			if math.Abs(lo-tc.lo) > 1e-9 || math.Abs(hi-tc.hi) > 1e-9 {
				t.Errorf("scale [%g, %g], want [%g, %g]", lo, hi, tc.lo, tc.hi)
			}
		})
	}
}

// TestLabelLayers checks that labels of coinciding points go to separate
// layers (drawn a line apart) and that distinct points stay in the first.
func TestLabelLayers(t *testing.T) {
	pts := plotter.XYs{{X: 0, Y: 0}, {X: 1, Y: 1}, {X: 0, Y: 0}, {X: 0.001, Y: 0.001}, {X: 0.5, Y: 0}}
	layers := labelLayers(pts, []string{"a", "b", "c", "d", "e"})
	var got [][]string
	for _, l := range layers {
		if len(l.XYs) != len(l.Labels) {
			t.Fatalf("layer has %d points and %d labels", len(l.XYs), len(l.Labels))
		}
		got = append(got, l.Labels)
	}
	want := [][]string{{"a", "b", "e"}, {"c"}, {"d"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("layers %v, want %v", got, want)
	}
	if labelLayers(pts, nil) != nil {
		t.Error("no labels: want no layers")
	}
}

// TestLegendOutside checks that an Outside legend widens the figure by a strip that holds it
// (coloured line thumbnails right of the plotting area) and leaves the height alone.
func TestLegendOutside(t *testing.T) {
	var ss []Series
	for i := range 8 {
		ss = append(ss, Series{Name: fmt.Sprintf("arm %d: a long legend entry", i), X: []float64{0, 1}, Y: []float64{float64(i), float64(i + 1)}})
	}
	b, err := Lines(ss, LinesOptions{Frame: Frame{Legend: Outside, Title: "t"}})
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	w, h := img.Bounds().Dx(), img.Bounds().Dy()
	if w <= 900 || h != 600 {
		t.Fatalf("figure is %d×%d, want wider than 900 and 600 high", w, h)
	}
	coloured := 0
	for y := range h {
		for x := 900; x < w; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if max(r, g, bl)-min(r, g, bl) > 0x2000 { // a palette colour, not grey text
				coloured++
			}
		}
	}
	if coloured == 0 {
		t.Error("no coloured legend thumbnail right of the plotting area")
	}
}

// TestSeriesStylesDistinct: within 24 series no two share colour, dash and marker.
func TestSeriesStylesDistinct(t *testing.T) {
	seen := map[string]int{}
	for i := range 24 {
		l, g := lineStyle(i), glyphStyle(i)
		key := fmt.Sprintf("%v %v %T", l.Color, l.Dashes, g.Shape)
		if j, ok := seen[key]; ok {
			t.Errorf("series %d and %d look the same: %s", j, i, key)
		}
		seen[key] = i
	}
}
