package corpus

import (
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/nprand"
)

// Stream tags keep the corpus's random streams apart although they share
// Config.Seed.
const (
	tagDocs  uint64 = 0xc0_0001 // document plan and rendering
	tagKK    uint64 = 0xc0_0100 // + people: a level's K&K sampler
	tagArith uint64 = 0xc0_0200 // + level: a level's ARITH problem chunks
	tagNames uint64 = 1 << 40   // + document index: a puzzle's formatter (above every other tag)
)

// rng is the corpus's random source: numpy's generator (package nprand), so
// draws are specified and identical on every platform and Go version.
type rng struct{ g *nprand.Generator }

func newRNG(seed, tag uint64) *rng { return &rng{g: nprand.New(kk.SubSeed(seed, tag))} }

// intn returns a uniform int in [0, n), n > 0.
func (r *rng) intn(n int) int { return r.g.Choice(n) }

// between returns a uniform int in [lo, hi], lo ≤ hi.
func (r *rng) between(lo, hi int) int { return lo + r.g.Choice(hi-lo+1) }

// chance returns true with probability p (never for p = 0, always for p = 1).
func (r *rng) chance(p float64) bool { return float64(r.g.Next64()>>11)/(1<<53) < p }

// weighted returns index i with probability w[i]/sum(w); weights are ≥ 0
// with a positive sum.
func (r *rng) weighted(w []float64) int {
	total := 0.0
	for _, x := range w {
		total += x
	}
	u := float64(r.g.Next64()>>11) / (1 << 53) * total
	last := 0
	for i, x := range w {
		if x <= 0 {
			continue
		}
		if u < x {
			return i
		}
		u -= x
		last = i
	}
	return last // rounding left u ≥ the last weight
}
