// Package rl is r1lab's GRPO training loop (research/paper.md §6.1): each step takes the next
// PromptsPerStep training prompts, samples a group of GroupSize responses per prompt at
// temperature 0.7, scores them with the task's rule reward, turns the rewards into group-relative
// advantages and takes one AdamW policy-gradient step ([grpo.Updater]); every ValEvery steps
// (and before training, at step 0) it measures greedy accuracy on the test prompts (or mean@n
// and pass@n over ValSamples sampled responses per prompt).
//
// A run directory holds what DESIGN.md §6 lists:
//
//	metrics.parquet             one row per step, verl's metric names (see [Run])
//	rollouts/step_00001.parquet the replay buffer: every sampled response of the step ([Rollout])
//	eval/step_00000.parquet     the validation responses (evaluate.Row)
//	checkpoints/step_000025/    weights, AdamW state and the run state, for exact resume
//	model/                      the final policy (modeldir), when the run is done
//
// Everything random is a function of the seed and a position: step k's prompts come from the
// seeded shuffle of its epoch, sample j of prompt i from sample.SeedFor(Seed, k, i, j). A run
// stopped at any checkpoint and resumed therefore reproduces the uninterrupted run exactly on the
// pure-Go backend (tested), and two runs with the same seed sample the same rollouts.
package rl
