package study

import (
	"math"

	"github.com/r1lab/r1lab/analysis/effect"
)

// PositionBin summarises per-position comparisons over the response tokens whose relative
// position j/|y| (j = 0 for the first response token) lies in [From, To).
type PositionBin struct {
	From, To     float64
	Tokens       int     // response tokens in the bin, over every response
	KL           float64 // mean per-token KL(π ‖ π_ref); NaN for an empty bin
	ArgmaxChange float64 // share of those tokens where the greedy tokens differ; NaN when empty
}

// BinPositions pools per-position differences (effect.ComparePerPosition) into bins of equal
// relative width: token j of a response of length L goes to bin ⌊j·bins/L⌋, so every response
// spreads over the bins in proportion to its length whatever that is, and each bin averages the
// tokens that fall in it.
func BinPositions(diffs []effect.PositionDiff, bins int) []PositionBin {
	out := make([]PositionBin, bins)
	kl := make([]float64, bins)
	changed := make([]int, bins)
	for _, d := range diffs {
		n := len(d.KL)
		moved := d.ArgmaxChanged()
		for j := range n {
			b := j * bins / n
			out[b].Tokens++
			kl[b] += max(0, d.KL[j]) // KL ≥ 0: a negative value is rounding
			if moved[j] {
				changed[b]++
			}
		}
	}
	for b := range out {
		out[b].From, out[b].To = float64(b)/float64(bins), float64(b+1)/float64(bins)
		out[b].KL, out[b].ArgmaxChange = math.NaN(), math.NaN()
		if t := out[b].Tokens; t > 0 {
			out[b].KL = kl[b] / float64(t)
			out[b].ArgmaxChange = float64(changed[b]) / float64(t)
		}
	}
	return out
}
