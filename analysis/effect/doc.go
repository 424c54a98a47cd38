// Package effect measures the paper's sample effect (DESIGN.md §5, research/paper.md §1.2): how
// much one SFT sample moves the expected test reward, to first order.
//
// # Definitions
//
// For a pair z = (x, y) (a prompt and a response, token ids; see [Pair]) and weights θ:
//
//   - target direction g(θ) = ∇θ E_{x~test, y~π_θ(·|x)}[r(x, y)], the gradient of the expected
//     test reward of the policy at Options.Temperature;
//   - sample direction s(z) = ∇θ f_z(θ) with f_z(θ) = (1/|y|)·Σ_t log π_θ(y_t | x, y_<t), the
//     gradient of the length-normalised response log-likelihood (the negative per-sequence SFT
//     loss, lm.SequenceNLL; response tokens only, temperature 1);
//   - sample effect SE(z) = ⟨g, s(z)⟩: one SGD step of size η on z changes the expected reward
//     by η·SE(z) + O(η²). A dataset's SE is the mean of its samples' (stats.Mean).
//
// In kernel form SE(z) = E_{z'~test,π}[(r(z') − b)·K(z', z)] with the empirical NTK
// K(z', z) = ⟨∇log π(z'), ∇log π(z)⟩; "linearisation" is the assumption that K stays constant
// while fine-tuning, which [Estimator.Kernel] and [CompareKernels] let one check across
// checkpoints.
//
// All vectors (g, s(z), directions, θ) are flat []float64 over the model's trainable weights in
// the order of [Layout] (lm's parameter order, each tensor row-major; [Layout.Of] slices one
// tensor out). An [Estimator] copies a model's weights at creation, converted to Options.DType
// (Float64 by default: on the pure-Go backend it costs 1.0–1.4× the time of Float32), and
// analyses that θ.
//
// # Target direction
//
// [Estimator.TargetREINFORCE] estimates g from test rollouts sampled at Options.Temperature:
// g ≈ mean_x (1/n_x)·Σ_i (r_i − b(x_i))·∇θ log π(y_i|x_i) with a per-prompt baseline
// ([Baseline]: the prompt's mean reward by default, which estimates (1 − 1/n)·g; leave-one-out
// is unbiased and exactly n/(n−1) times it; none). log π(y|x) is the whole response's
// log-probability; the sum over rollouts is one weighted loss, differentiated in batched
// backward passes. [Estimator.TargetExact] computes g exactly where the responses with a
// non-zero reward can be listed: g = mean_x Σ_y π(y|x)·r(x,y)·∇θ log π(y|x). Tests check the
// REINFORCE weights and gradient against hand computations, the enumeration against a finite
// difference of the expected reward, and REINFORCE against the enumeration on one-token
// responses (whole response space enumerable), with the Monte-Carlo error the exact variance
// predicts (≈3% of ‖g‖ at N = 8000 there).
//
// # Exact estimator
//
// [Estimator.ExactSE] computes s(z) by reverse-mode autodiff, one pair per backward pass
// (GoMLX has no vmap; the pure-Go backend gains little from batching anyway), and keeps
// ⟨g, s(z)⟩. [Estimator.SampleGradients] returns the vectors themselves (D floats each);
// [Estimator.ProjectedSampleGradients] projects them in chunks with a seeded [Projector]
// P ∈ R^{k×D} (Rademacher ±1/√k or Gaussian/√k entries, regenerated block by block from the seed
// and never stored), whose inner products approximate the exact ones with error about
// √2·‖a‖‖b‖/√k. Its only error is floating-point rounding: s(z) matches a central difference of
// f_z along random directions to 2e-9 relative in Float64 (the FD's own truncation error).
//
// # Fast estimator
//
// [Estimator.FastSE] gets every sample's SE at once from batched forward passes, as the
// directional derivative SE(z) = d/dε f_z(θ + ε·g) at ε = 0. GoMLX v0.28.8 has reverse mode only
// (core/graph/rev_autodiff.go: "TODO: Define a Jacobian"; no JVP, no forward mode), so two
// methods are offered ([FastMethod]):
//
//   - CentralDifference (default): SE ≈ ‖g‖·(f(θ + h·ĝ) − f(θ − h·ĝ))/(2h), ĝ = g/‖g‖,
//     h = Epsilon·‖θ‖, both evaluations in one graph. Error: truncation ∝ h² against rounding
//     ∝ u/h. Measured against the exact estimator (TestFastStepSweep, max |fast − exact| over
//     max |exact|): in Float64 the error falls as h² from 0.11 (Epsilon 1e-2) to 1e-9 (1e-6) on
//     the "tiny" preset and to 5e-9 on the more curved test model, then rounding takes over
//     below 1e-7, so the default Epsilon is 1e-6; in Float32 the best steps are 1e-4…1e-3 with
//     errors 2e-4…3e-3 (default 1e-4). On 200 random pairs of the test model, Float64
//     central differences agree with the exact estimator to 2.1e-8 relative (Pearson
//     1 − 1e-12), Float32 to 1.9e-4 (Pearson 0.99999998).
//   - DoubleBackward: the exact Jacobian-vector product by the double-VJP trick (GoMLX does
//     differentiate through its own gradient graphs): agrees with the exact estimator to 3e-15,
//     but costs 3–6 forward passes (measured under load) instead of ≈2.
//
// Cost on the "tiny" preset with ~200-token prompts and ~150-token responses (pure-Go backend,
// 2 cores shared with other jobs, so every figure is a range over runs; BenchmarkFastVsForward
// and BenchmarkExactSE with 16–64 samples per run): one batched Float32 forward pass takes
// ≈0.08–0.11 s per sample in the least disturbed runs, the default fast estimator (Float64
// central differences) 2.0–2.5× that (Float32: 2.0–2.2×), double backward 3–6×, and the exact
// estimator 0.4–0.5 s per sample (one backward pass of a batch of one). At the target workload,
// 1,000 samples (-effect.bench_samples 1000, batches capped at Options.MaxBatchTokens = 4,096,
// so 11 rows of ~352 tokens, an otherwise idle machine): 70.4 s for the forward pass and
// 117.1 s for the fast estimator, 1.66×. The Go backend is op-overhead bound and gains little
// from batching, so per sample the exact estimator is only ≈2–4× slower than the fast one here;
// the fast one keeps nothing per sample and batches well on accelerators.
//
// # Per-position analysis
//
// [Estimator.TokenStats] returns per-response-token log-probs, greedy (argmax) tokens and
// entropies; [Estimator.ComparePerPosition] compares two policies along the same responses
// (exact per-position KL over the vocabulary, both policies' log-probs and argmax), for the
// question of where in the response RL changes the policy.
package effect
