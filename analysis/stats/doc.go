// Package stats holds the small statistics r1lab's analyses report: Pearson
// and Spearman correlation, simple linear regression, percentile bootstrap
// confidence intervals (of a mean, of any statistic, and paired for a
// correlation between two measurements of the same items) and the Wilson
// interval of an accuracy.
//
// # Inputs
//
// Every function rejects NaN and ±Inf inputs with an error rather than
// propagating them: a NaN in a result table means "not measured" (see
// gomlxmodels/runlog), and the caller must decide whether to drop it. Paired
// functions need slices of equal length.
//
// # Determinism
//
// The bootstrap is seeded: the generator is math/rand/v2's PCG seeded with
// (seed, 0), and resample i draws its len(xs) indices in order with IntN. The
// same inputs, resample count, seed and level give the same interval on every
// run and machine.
package stats
