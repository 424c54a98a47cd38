// Package nprand is a bit-exact port of the parts of numpy's random number
// generation that the Knights & Knaves generator of mem-kk-logic uses:
// numpy.random.default_rng(seed) — a SeedSequence feeding a PCG64 bit
// generator — and the Generator methods integers, choice (with and without
// replacement) and shuffle.
//
// Reproducing numpy draw for draw is what lets r1lab regenerate the public
// K&K data byte for byte, so every function here mirrors numpy's C code
// (numpy/random/src/distributions, _generator.pyx, bit_generator.pyx) down to
// which calls consume randomness and which do not. It is not a general
// purpose RNG library: use math/rand/v2 when compatibility with numpy does not
// matter.
package nprand
