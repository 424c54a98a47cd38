package nprand

import "math/bits"

// The 128-bit LCG multiplier of PCG64 (PCG_DEFAULT_MULTIPLIER_128).
const (
	pcgMultHi uint64 = 0x2360ED051FC65DA4
	pcgMultLo uint64 = 0x4385DF649FCCF645
)

// PCG64 is numpy's PCG64 bit generator: a 128-bit LCG with the XSL-RR output
// function, plus numpy's one-word buffer that serves 32-bit draws in halves.
type PCG64 struct {
	stateHi, stateLo uint64 // the 128-bit LCG state
	incHi, incLo     uint64 // the odd 128-bit increment
	hasHalf          bool   // a buffered upper half of the last 64-bit draw is waiting
	half             uint32 // the buffered half
}

// NewPCG64 seeds a PCG64 from a SeedSequence exactly as numpy's
// PCG64(seed_seq) does: four state words give initstate = w0<<64|w1 and
// initseq = w2<<64|w3.
func NewPCG64(ss *SeedSequence) *PCG64 {
	w := ss.GenerateState(4)
	g := &PCG64{}
	// pcg_setseq_128_srandom_r: inc = initseq<<1 | 1; state = 0; step;
	// state += initstate; step.
	g.incHi = w[2]<<1 | w[3]>>63
	g.incLo = w[3]<<1 | 1
	g.step()
	var c uint64
	g.stateLo, c = bits.Add64(g.stateLo, w[1], 0)
	g.stateHi, _ = bits.Add64(g.stateHi, w[0], c)
	g.step()
	return g
}

// step advances the LCG: state = state*M + inc mod 2^128.
func (g *PCG64) step() {
	hi, lo := bits.Mul64(g.stateLo, pcgMultLo)
	hi += g.stateHi*pcgMultLo + g.stateLo*pcgMultHi
	var c uint64
	lo, c = bits.Add64(lo, g.incLo, 0)
	hi, _ = bits.Add64(hi, g.incHi, c)
	g.stateHi, g.stateLo = hi, lo
}

// State returns the 128-bit LCG state and increment as (hi, lo) pairs, for
// comparison with numpy's bit_generator.state.
func (g *PCG64) State() (stateHi, stateLo, incHi, incLo uint64) {
	return g.stateHi, g.stateLo, g.incHi, g.incLo
}

// Next64 steps the LCG and returns the XSL-RR output of the new state.
func (g *PCG64) Next64() uint64 {
	g.step()
	return bits.RotateLeft64(g.stateHi^g.stateLo, -int(g.stateHi>>58))
}

// Next32 returns 32 random bits the way numpy's PCG64 next_uint32 does: the
// low half of a fresh 64-bit draw, keeping the high half for the next call.
func (g *PCG64) Next32() uint32 {
	if g.hasHalf {
		g.hasHalf = false
		return g.half
	}
	x := g.Next64()
	g.hasHalf, g.half = true, uint32(x>>32)
	return uint32(x)
}
