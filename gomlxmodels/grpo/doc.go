// Package grpo is the GRPO core of r1lab: group-relative advantages, the clipped policy-gradient
// loss with its TRL/verl variants, and one compiled AdamW policy update.
//
// By default it does what the paper's verl code does (research/paper.md §6.1): rewards are
// z-scored within each group of 8 samples of a prompt (unbiased N−1 std, + 1e-6), the advantage
// is broadcast to every response token, the loss is the token mean over the batch of
// max(−A·ratio, −A·clip(ratio, 0.8, 1.2)) with log-probs of the logits divided by the sampling
// temperature, there is no KL and no entropy bonus, and one AdamW step (β = (0.5, 0.999), weight
// decay 0.01, global grad-norm clip 1.0) is taken per batch. Because the old log-probs come from
// the same weights, the ratio is 1 and clipping never fires: it is on-policy policy gradient.
// Every departure (TRL's loss types and reward scaling, KL to a reference, an entropy bonus, PPO
// epochs and mini-batches) is an option of [Config].
//
// The pieces, in the order a rollout loop uses them:
//
//   - [Advantages] (host): per-sample advantages from rewards and group ids.
//   - [NewBatch] (host): pads prompts+responses, old log-probs and advantages into a [Batch].
//   - [LogProber]: per-token log-probs of a Batch under any model (e.g. the reference policy,
//     whose log-probs go into Batch.RefLogProbs).
//   - [Loss] (graph): the loss and its metrics, for use inside any model.Exec.
//   - [Updater]: compiles the AdamW step on [Loss]; [Updater.Step] returns the verl-named
//     [Metrics].
package grpo
