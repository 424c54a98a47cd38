// Package redistill builds the SFT sets of the paper's re-distillation
// experiments (research/paper.md §5): a small SFT set whose responses come
// from an RL-trained policy, used to fine-tune the *base* model, which then
// matches the RL policy with a fraction of the compute.
//
//   - A ("re-distill-sft", FromPolicy): the RL policy's greedy answers to the
//     long-CoT SFT prompts, kept when correct.
//   - B ("re-distill-rl", FromBuffer): correct rollouts from the replay
//     buffer of the RL run's last steps, one per prompt (the first
//     occurrence), shuffled with a seed, the first N kept.
//   - control (Control): the same prompts as a B set with the teacher's
//     responses, which isolates the effect of the responses themselves.
//
// Every set is written in the SFT layout of datasets/dataio (prompt ending
// with the assistant header, response starting with its newline and ending
// with end-of-text), so `r1lab sft` trains on it like any other set.
package redistill

import "errors"

// ErrEmpty reports a re-distilled set with no sample: the policy answered no
// prompt correctly, or the replay buffer holds no correct rollout. At toy
// scale that is an outcome, not a bug; pipelines skip the arm and say so.
var ErrEmpty = errors.New("re-distilled set is empty")
