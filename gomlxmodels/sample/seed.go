package sample

import "math/rand/v2"

// SeedFor derives the seed of one sampled response from the run's seed and the response's
// coordinates: the training step (or evaluation round), the prompt's index in the dataset, and
// the sample's index among the responses drawn for that prompt (e.g. 0..7 for a GRPO group).
//
// Mixing: h = sm(runSeed); h = sm(h ⊕ step); h = sm(h ⊕ prompt); h = sm(h ⊕ sample), where sm is
// the SplitMix64 step (add 0x9E3779B97F4A7C15, then Stafford's "Mix13" finaliser). Every input
// passes through a bijective mix before the next is folded in, so the order of the arguments
// matters and nearby coordinates give unrelated seeds.
func SeedFor(runSeed, step, prompt, sample uint64) uint64 {
	h := splitMix64(runSeed)
	h = splitMix64(h ^ step)
	h = splitMix64(h ^ prompt)
	return splitMix64(h ^ sample)
}

func splitMix64(x uint64) uint64 {
	x += 0x9E3779B97F4A7C15
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9
	x = (x ^ (x >> 27)) * 0x94D049BB133111EB
	return x ^ (x >> 31)
}

// rowStream is the PCG stream ("increment") used for every row: the row's randomness is
// rand.NewPCG(seed, rowStream), and its i-th generated token consumes the i-th Float64 of it.
const rowStream = 0x7231_6c61_625f_7331 // "r1lab_s1"

func newRowRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, rowStream)) }
