package nprand

// Constants of numpy's SeedSequence hash (bit_generator.pyx); all arithmetic
// on them is modulo 2^32.
const (
	initA    uint32 = 0x43b0d7e5
	multA    uint32 = 0x931e8875
	initB    uint32 = 0x8b51f9dd
	multB    uint32 = 0x58f38ded
	mixMultL uint32 = 0xca01f9dd
	mixMultR uint32 = 0x4973f715
	xshift          = 16
)

// poolSize is SeedSequence's default pool size in 32-bit words.
const poolSize = 4

// SeedSequence is numpy's SeedSequence(entropy) for a non-negative integer
// entropy and no spawn key: a 128-bit pool mixed from the seed that
// GenerateState stretches into as many words as a bit generator needs.
type SeedSequence struct {
	pool [poolSize]uint32
}

// seedWords splits seed into little-endian 32-bit words the way numpy's
// _coerce_to_uint32_array does for a Python int: 0 is one zero word, and no
// high zero words are kept.
func seedWords(seed uint64) []uint32 {
	if seed>>32 == 0 {
		return []uint32{uint32(seed)}
	}
	return []uint32{uint32(seed), uint32(seed >> 32)}
}

// hashmix is SeedSequence's hashmix; hc is the running hash constant, which
// persists between calls.
func hashmix(v uint32, hc *uint32) uint32 {
	v ^= *hc
	*hc *= multA
	v *= *hc
	v ^= v >> xshift
	return v
}

// mix combines two pool words.
func mix(x, y uint32) uint32 {
	r := mixMultL*x - mixMultR*y
	r ^= r >> xshift
	return r
}

// NewSeedSequence returns numpy.random.SeedSequence(seed).
func NewSeedSequence(seed uint64) *SeedSequence {
	entropy := seedWords(seed)
	ss := &SeedSequence{}
	hc := initA
	for i := range ss.pool {
		var e uint32 // a pool bigger than the entropy keeps hashing zeros
		if i < len(entropy) {
			e = entropy[i]
		}
		ss.pool[i] = hashmix(e, &hc)
	}
	// Mix all words together so late entropy words affect early ones.
	for src := range ss.pool {
		for dst := range ss.pool {
			if src != dst {
				ss.pool[dst] = mix(ss.pool[dst], hashmix(ss.pool[src], &hc))
			}
		}
	}
	// A uint64 seed has at most 2 words, so there is never entropy beyond the
	// pool to mix in (numpy's third loop).
	return ss
}

// GenerateState returns SeedSequence.generate_state(n, np.uint64): n 64-bit
// words, each the little-endian pair of two consecutive 32-bit output words.
func (ss *SeedSequence) GenerateState(n int) []uint64 {
	out := make([]uint64, n)
	hc := initB
	for i := 0; i < 2*n; i++ {
		v := ss.pool[i%poolSize]
		v ^= hc
		hc *= multB
		v *= hc
		v ^= v >> xshift
		out[i/2] |= uint64(v) << (32 * uint(i%2))
	}
	return out
}
