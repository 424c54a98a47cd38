// Package kk generates and renders Knights & Knaves puzzles exactly as
// mem-kk-logic does (Xie et al. 2024), the data the paper "Towards Revealing
// the Effectiveness of Small-Scale Fine-tuning in R1-style Reinforcement
// Learning" trains and tests on.
//
// Generation is byte-compatible with the public data: a port of numpy's
// default_rng drives the statement sampler (one RNG per seed and people
// count) and the formatter (seeded 1234+index), so the rows at indices
// 100–1099 for 3–7 people equal the public files field by field. On top of the
// generator the package builds the template ("short") chain of thought from
// the solver's search tape, a verbose "long" teacher trace that reasons aloud,
// the paper's prompts and its dataset splits.
package kk
