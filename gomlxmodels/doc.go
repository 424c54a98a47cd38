// Package gomlxmodels is the root of r1lab's modelling code, written with GoMLX. It holds no
// code itself; the sub-packages are:
//
//   - tokenizer: the closed word-level vocabulary built from the task grammars, with exact
//     encode/decode round trips and errors that name unknown words.
//   - backend: picks and starts the compute backend (pure Go by default, XLA with -tags xla),
//     honouring GOMLX_BACKEND, with clear errors instead of hangs.
//   - lm: the Qwen2-style decoder (config and size presets, host-side seeded init, graph
//     functions for logits, token log-probs and the SFT losses, KV-cache prefill/step).
//   - sample: batched generation with a static KV cache, ragged prompts, exact top-p, per-token
//     log-probs, per-row EOS and per-row seeds.
//   - trainer: the supervised loop shared by pre-training and SFT (AdamW, clipping, schedule,
//     validation loss, metrics, checkpoints, exact resume).
//   - pretrain, sft: the data side of the two supervised stages (packing the corpus; response-only
//     SFT examples) and their default settings.
//   - evaluate: greedy evaluation with the paper's reward, per-level accuracy and clip ratio.
//   - checkpoint: safetensors files and atomic checkpoint directories; runlog: metrics.parquet.
//   - modeldir: the model directory (config, tokenizer, weights) every command reads and writes.
//   - bench: throughput measurements and the PyTorch CPU peer.
//   - grpo: GRPO's advantages, losses (token-mean, grpo, dr_grpo, dapo; PPO clipping; KL to a
//     reference; entropy) and the policy-update step.
//   - rl: the GRPO loop: rollouts per prompt group, rewards, advantages, updates, greedy
//     validation every few steps, the replay buffer per step, checkpoints and exact resume.
package gomlxmodels
