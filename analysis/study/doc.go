// Package study runs the paper's sample-effect analyses (DESIGN.md §5, research/paper.md §1.2
// and §9) on an experiment: the base model, the SFT sets and the RL runs that `r1lab
// reproduce` writes. Each analysis is a function on in-memory inputs (models, sets, rollouts),
// so notebooks can call them on anything; Run does them all on an experiment directory
// (OpenExperiment) and Report.Write saves one Parquet table and PNG figure(s) per analysis and
// a Markdown summary, effect.md.
//
// Notation as in package effect: g(θ) is the gradient of the expected test reward at
// Options.Temperature, estimated by REINFORCE over test rollouts sampled from the policy
// (Samples/TestGroup prompts × TestGroup responses, leave-one-out baseline: unbiased);
// s(z) = ∇θ (1/|y|)·log π(y|x) is a pair's SFT direction; SE(z) = ⟨g, s(z)⟩.
//
// # The analyses
//
//  1. SFTEffect: predicted vs measured ΔAcc. From the base, each SFT set's mean SE is
//     ⟨g, s̄⟩ with s̄ = mean_z s(z) computed exactly in one batched backward pass (and per sample
//     by the fast estimator, for sample_effect.parquet). Then SFTSteps steps of plain gradient
//     descent on the set's per-sequence-mean SFT loss, θ ← θ + η·s̄(θ), for which first-order
//     theory predicts ΔAcc ≈ η·steps·mean SE. Plain gradient descent, not the SFT trainer's
//     AdamW: the prediction is about the gradient step (Adam's first step is ≈ η·sign(s̄), whose
//     effect is ⟨g, sign(s̄)⟩, not the SE). η is the same for every set; by default (at
//     temperature 1) it is chosen so that the steps change the log-probabilities of the measuring rollouts
//     by StepLogRatio (0.1) in root mean square, to first order, on the set that moves them
//     most, so the importance weights below stay near 1.
//     Measured ΔAcc is the change of the expected test reward, estimated by importance sampling
//     on a second, independent draw of test rollouts from the base: per prompt the mean of
//     (r_i − b_{−i})·(π_θ'(y_i)/π_θ(y_i) − 1). It is unbiased for E_θ'[r] − E_θ[r] to every
//     order and, because the same responses score both policies, far less noisy than two
//     separate accuracy estimates (whose difference, for a change of 10⁻², would need tens of
//     thousands of samples); greedy accuracy on a few dozen prompts moves in steps of 1/n and
//     not at all for steps this small. Its noise is independent of g's, so agreement is not
//     built in. Both numbers get a bootstrap interval over the test prompts: the prediction's,
//     from the per-prompt split of g (⟨g_x, s̄⟩ = Σ_{i∈x} w_i·⟨∇log π(y_i), s̄⟩, by directional
//     derivatives), is the REINFORCE noise of g, which dominates at toy scale — a whole
//     response's score ∇log π(y) is long and noisy, and a weak policy is rewarded rarely.
//  2. RankSets: Spearman's ρ between the sets' mean SE (analysis 1) and the accuracy each
//     set produced: the greedy validation at step 0 of the RL arm that starts from its SFT model
//     (and, second, after that arm's RL), with paired-bootstrap intervals.
//  3. Trajectory (CorrectSERow): at every checkpoint of an RL run, g at that checkpoint (fresh
//     test rollouts from it) and the mean SE of the correct rollouts the checkpoint's policy
//     sampled (its replay buffer: step k+1's file for the checkpoint of step k). The paper's
//     claim: RL raises the SE of its own correct outputs.
//  4. Trajectory (GrowthRow): at the same parameters, RL's growth rate per rollout,
//     mean_i A_i·SE_i over the replay buffer with its logged advantages, against SFT's per
//     sample: the SE of the arm's cold-start SFT samples and of the policy's own correct
//     rollouts (SFT on those is re-distillation; the paper's "hypothetical analysis").
//  5. Trajectory (KernelRow): the kernel K(z, z') = ⟨s(z), s(z')⟩ on a fixed set (half the
//     arm's SFT samples, half its step-0 greedy validation responses) at each checkpoint,
//     compared with the initial policy's by effect.CompareKernels. A kernel that stays put
//     is what the linearised theory assumes.
//  6. Trajectory (PositionRow): per-token KL(π_k ‖ π_0) and the rate of changed greedy tokens
//     along the step-0 greedy validation responses, pooled in bins of relative position
//     (BinPositions): does RL change the tail of the response first?
//
// # Cost and defaults
//
// Everything is sized by Options.Samples (default 64): SFT samples per set, replay-buffer
// rollouts per checkpoint, and test rollouts per target gradient. Analysis 1 costs two samplings
// of Samples test responses and, per set, one batched backward pass over its samples, two
// forward passes over them, four over the test rollouts (two draws) and one more per SFT step
// (plus a backward pass per extra step). Analyses 3–6 cost, per checkpoint, one sampling of
// Samples test responses, one backward pass over them, two forward passes over the replay
// buffer and the SFT set, KernelPairs single-pair backward passes and one forward pass over
// PositionPairs responses. Measured with the "tiny" model on the quick preset (responses up to
// 256 tokens; 2 cores shared with other jobs, hence CPU time): about 1.5–2 CPU-minutes per SFT
// set and 1.3 per checkpoint at Samples 64, so about 7 CPU-minutes for two sets and three
// checkpoints (the wall time is that over the free cores); cost is linear in Samples. Only the
// rl-long arm is followed by default. Everything random (subsets, sampled responses, bootstrap)
// is a function of Options.Seed, so a run is deterministic on a deterministic backend (the
// command's test runs analysis 1 twice and compares).
//
// # Missing inputs
//
// Run skips what lacks its inputs (an arm that was skipped or has not finished, an arm without
// checkpoints on disk, an empty set, fewer than three sets for the ranking) and says why in
// Report.Skipped and effect.md. RL runs keep only their newest rl.Config.Keep checkpoints, so
// analyses 3–6 see step 0 (the initial model) and those: set Keep ≥ Steps/CheckpointEvery to
// follow the whole run.
package study
