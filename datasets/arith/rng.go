package arith

import (
	"hash/fnv"
	"math/bits"
	"math/rand/v2"
)

// Stream tags keep the random streams of different uses apart even when they
// share a user seed.
const (
	tagGenerate uint64 = 0x6172697468_0100 // "arith", problems of one level
	tagLongCoT  uint64 = 0x6172697468_0200 // "arith", teacher traces
)

// mix64 is SplitMix64's finaliser. Seeds are mixed before they become PCG
// state because PCG states that differ in a few low bits (seed 1 vs seed 2)
// would otherwise sit at related positions of the same LCG cycle.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rng draws from a PCG source with this package's own reductions to ranges.
// math/rand/v2 specifies the PCG output but not how Rand maps it to ranges,
// so doing that here keeps the data identical across Go versions.
type rng struct{ src *rand.PCG }

// newRNG returns a generator for the stream (seed, stream).
func newRNG(seed, stream uint64) *rng {
	return &rng{src: rand.NewPCG(mix64(seed), mix64(stream^0x5851f42d4c957f2d))}
}

// hashString is FNV-1a of s, used to derive a per-problem stream.
func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// uint64n returns a uniform value in [0, n), n > 0 (Lemire's method with
// rejection, so the result is exactly uniform).
func (r *rng) uint64n(n uint64) uint64 {
	hi, lo := bits.Mul64(r.src.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.src.Uint64(), n)
		}
	}
	return hi
}

// intn returns a uniform int in [0, n), n > 0.
func (r *rng) intn(n int) int { return int(r.uint64n(uint64(n))) }

// between returns a uniform int64 in [lo, hi], lo ≤ hi.
func (r *rng) between(lo, hi int64) int64 { return lo + int64(r.uint64n(uint64(hi-lo+1))) }

// chance returns true with probability p.
func (r *rng) chance(p float64) bool {
	return float64(r.src.Uint64()>>11)/(1<<53) < p
}

// weighted returns index i with probability w[i]/sum(w).
func (r *rng) weighted(w []int) int {
	total := 0
	for _, x := range w {
		total += x
	}
	k := r.intn(total)
	for i, x := range w {
		if k < x {
			return i
		}
		k -= x
	}
	return len(w) - 1
}
