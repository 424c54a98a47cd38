// Package arith is ARITH, the toy stand-in for the MATH dataset in the paper
// "Towards Revealing the Effectiveness of Small-Scale Fine-tuning in R1-style
// Reinforcement Learning" (research/kk.md §10.1, research/paper.md §4.2).
//
// A problem is a random integer expression over + - * and exact /, graded in
// five levels like MATH, worded by a few question templates (and, at the low
// levels, a few short word problems). Its answer is one int64, so it can be
// checked exactly, with no symbolic math verifier. For each problem the package
// writes the two kinds of cold-start traces the paper contrasts:
//
//   - ShortCoT, the "human solution": one terse line per operation, then the
//     boxed answer;
//   - LongCoT, the "teacher" (the stand-in for DeepSeek-R1): a verbose trace
//     that restates the problem, plans, does column arithmetic, sometimes
//     makes a slip and corrects it, double-checks, and boxes the answer.
//
// Everything is deterministic: problems depend only on (seed, level) and the
// draw index, traces only on (seed, problem). Randomness comes from
// math/rand/v2's PCG source, whose output is specified, and from this
// package's own bounded-integer code, so data does not change across Go
// versions.
//
// The texts use a small closed vocabulary (Words) so that a word-level
// tokenizer can be built from the task grammar; numbers are meant to be
// tokenised digit by digit (SplitWords shows the splitting rule).
package arith
