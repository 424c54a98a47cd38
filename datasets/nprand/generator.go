package nprand

import (
	"fmt"
	"math"
	"math/bits"
)

// floydMaxPop is the largest population for which numpy's Generator.choice
// without replacement always uses Floyd's algorithm; above it numpy uses Floyd
// only for samples of at most pop/50 and otherwise a partial permutation,
// which this port does not implement.
const floydMaxPop = 10000

// Generator is numpy's Generator over a PCG64 bit generator
// (numpy.random.default_rng). Its methods consume random bits exactly as
// numpy's do, so a sequence of calls gives numpy's results. A Generator is
// not safe for concurrent use.
type Generator struct {
	bg *PCG64
}

// New returns numpy.random.default_rng(seed): a Generator over
// PCG64(SeedSequence(seed)).
func New(seed uint64) *Generator {
	return &Generator{bg: NewPCG64(NewSeedSequence(seed))}
}

// BitGenerator returns the underlying PCG64.
func (g *Generator) BitGenerator() *PCG64 { return g.bg }

// Next64 returns 64 random bits (numpy's next_uint64).
func (g *Generator) Next64() uint64 { return g.bg.Next64() }

// Next32 returns 32 random bits (numpy's next_uint32, which serves the two
// halves of one 64-bit draw, low half first).
func (g *Generator) Next32() uint32 { return g.bg.Next32() }

// bounded returns a uniform integer in [0, rng] (inclusive) the way numpy's
// random_bounded_uint64 does without masking: no draw for rng == 0, 32-bit
// Lemire rejection for ranges that fit in 32 bits, 64-bit Lemire above.
func (g *Generator) bounded(rng uint64) uint64 {
	switch {
	case rng == 0:
		return 0
	case rng == math.MaxUint32:
		return uint64(g.bg.Next32())
	case rng < math.MaxUint32:
		return uint64(g.lemire32(uint32(rng)))
	case rng == math.MaxUint64:
		return g.bg.Next64()
	default:
		return g.lemire64(rng)
	}
}

// lemire32 is numpy's bounded_lemire_uint32: a uniform value in [0, rng]
// from 32-bit draws, rejecting only the few products that would bias it.
func (g *Generator) lemire32(rng uint32) uint32 {
	excl := rng + 1
	m := uint64(g.bg.Next32()) * uint64(excl)
	left := uint32(m)
	if left < excl {
		t := (math.MaxUint32 - rng) % excl
		for left < t {
			m = uint64(g.bg.Next32()) * uint64(excl)
			left = uint32(m)
		}
	}
	return uint32(m >> 32)
}

// lemire64 is numpy's bounded_lemire_uint64 for ranges wider than 32 bits.
func (g *Generator) lemire64(rng uint64) uint64 {
	excl := rng + 1
	x := g.bg.Next64()
	hi, left := bits.Mul64(x, excl)
	if left < excl {
		t := (math.MaxUint64 - rng) % excl
		for left < t {
			x = g.bg.Next64()
			hi, left = bits.Mul64(x, excl)
		}
	}
	return hi
}

// Integers returns rng.integers(low, high): a uniform int64 in [low, high).
// A range of one value returns low without drawing, as numpy does. It panics
// if high <= low (numpy raises ValueError).
func (g *Generator) Integers(low, high int64) int64 {
	if high <= low {
		panic(fmt.Sprintf("nprand: Integers(%d, %d): high must be greater than low", low, high))
	}
	return low + int64(g.bounded(uint64(high)-uint64(low)-1))
}

// Choice returns the index rng.choice(a) picks from a sequence of length n
// (no size, with replacement, uniform): integers(0, n). It panics if n <= 0.
func (g *Generator) Choice(n int) int {
	if n <= 0 {
		panic(fmt.Sprintf("nprand: Choice(%d): population must be non-empty", n))
	}
	return int(g.Integers(0, int64(n)))
}

// ChoiceNoReplace returns the indices rng.choice(a, size=k, replace=False)
// picks from a sequence of length pop: Floyd's algorithm over an open
// addressing hash set, then numpy's shuffle of the k results. It panics if
// k < 0 or k > pop, and when pop > 10000 and k > pop/50, where numpy takes a
// partial-permutation path that is not ported.
func (g *Generator) ChoiceNoReplace(pop, k int) []int {
	if k < 0 || k > pop {
		panic(fmt.Sprintf("nprand: ChoiceNoReplace(%d, %d): need 0 <= k <= pop", pop, k))
	}
	if pop > floydMaxPop && k > pop/50 {
		panic(fmt.Sprintf("nprand: ChoiceNoReplace(%d, %d): populations over %d are not supported", pop, k, floydMaxPop))
	}
	out := make([]int, k)
	if k == 0 {
		return out
	}
	// The hash set has the smallest power-of-two size above 1.2*k; numpy
	// computes the product in floating point and truncates it.
	mask := smearRight(uint64(1.2 * float64(k)))
	const empty = math.MaxUint64
	set := make([]uint64, mask+1)
	for i := range set {
		set[i] = empty
	}
	for j := pop - k; j < pop; j++ {
		val := g.bounded(uint64(j))
		loc := val & mask
		for set[loc] != empty && set[loc] != val {
			loc = (loc + 1) & mask
		}
		if set[loc] == empty { // val not drawn before: take it
			set[loc] = val
			out[j-pop+k] = int(val)
			continue
		}
		// val already taken: take j instead, which cannot be in the set yet.
		loc = uint64(j) & mask
		for set[loc] != empty {
			loc = (loc + 1) & mask
		}
		set[loc] = uint64(j)
		out[j-pop+k] = j
	}
	// numpy's _shuffle_int(k, 1, ...): Fisher–Yates with Lemire draws.
	for i := k - 1; i >= 1; i-- {
		t := g.bounded(uint64(i))
		out[i], out[t] = out[t], out[i]
	}
	return out
}

// Shuffle permutes a sequence of length n in place as numpy's
// Generator.shuffle does, calling swap(i, j) for each exchange. Unlike
// ChoiceNoReplace it draws with numpy's random_interval (masked rejection).
func (g *Generator) Shuffle(n int, swap func(i, j int)) {
	for i := n - 1; i >= 1; i-- {
		swap(i, int(g.interval(uint64(i))))
	}
}

// interval is numpy's random_interval: a uniform value in [0, max] drawn by
// masking to the smallest all-ones bit pattern covering max and rejecting
// values above max.
func (g *Generator) interval(max uint64) uint64 {
	if max == 0 {
		return 0
	}
	mask := smearRight(max)
	if max <= math.MaxUint32 {
		for {
			if v := uint64(g.bg.Next32()) & mask; v <= max {
				return v
			}
		}
	}
	for {
		if v := g.bg.Next64() & mask; v <= max {
			return v
		}
	}
}

// smearRight returns the smallest all-ones bit pattern >= x (numpy's _gen_mask).
func smearRight(x uint64) uint64 {
	x |= x >> 1
	x |= x >> 2
	x |= x >> 4
	x |= x >> 8
	x |= x >> 16
	x |= x >> 32
	return x
}
