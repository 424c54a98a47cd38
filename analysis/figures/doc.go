// Package figures draws r1lab's figures with gonum/plot and returns them as
// PNG or SVG bytes, so a notebook can display them and a command can write
// them (with [Save], atomically) without either knowing about plotting.
//
// There is one function per figure family, each taking its data and an
// options struct that embeds [Frame] (title, axis labels, format, size):
//
//   - [Lines]: named series of (x, y) with optional confidence bands, e.g.
//     accuracy vs RL step per arm.
//   - [Scatter]: points with optional labels, the OLS line and Pearson and
//     Spearman correlations in the legend, e.g. predicted vs measured ΔAcc.
//   - [Bars]: grouped bars with optional error bars, e.g. per-level accuracy
//     per arm.
//   - [Heatmap]: a matrix with row and column labels and a colour bar, e.g.
//     kernel stability or per-position KL over steps.
//   - [Note]: no data, only a message in the frame: it stands in for a
//     figure whose inputs are missing, saying why.
//
// # Colours
//
// Series take their colours in order from [Palette], the Okabe–Ito palette,
// which stays distinguishable under the common forms of colour blindness;
// lines also differ by dash pattern and markers by shape, so figures survive
// greyscale printing. Heatmaps use Moreland's perceptually uniform maps.
//
// # Missing values
//
// NaN marks "not measured" throughout r1lab (a metric logged only every few
// steps, a level an arm has no test prompts for), and each figure treats it
// the way its reader expects:
//
//   - Lines skips a point whose x or y is NaN (the line joins its
//     neighbours, so a metric validated every 5 steps plots as a line through
//     its validation steps); a NaN in a band bound drops the band there.
//   - Scatter skips a pair with a NaN; correlations and the fit use the
//     remaining pairs, and the legend gives their count.
//   - Bars rejects a NaN bar height (a missing bar would read as zero); a NaN
//     error bound draws no error bar for that bar.
//   - Heatmap draws a NaN cell in light grey, outside the colour scale.
//
// ±Inf is an error everywhere, as are empty inputs and slices whose lengths
// do not match; errors name the series and the index.
//
// # Determinism
//
// The same inputs and options give the same bytes: nothing depends on time,
// map order or randomness (tested for both formats).
package figures
