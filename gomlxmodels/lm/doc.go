// Package lm is r1lab's decoder-only language model, written with GoMLX core graph ops.
//
// # Architecture
//
// A Qwen2-style decoder: token embedding → Layers × [pre-norm RMSNorm → grouped-query causal
// self-attention with RoPE (rotate-half, per-row position ids) and bias on q/k/v only → residual
// → pre-norm RMSNorm → SwiGLU MLP → residual] → final RMSNorm → logits through the transposed
// token embedding (tied input/output embeddings). Sizes come from [Config], usually from
// [ConfigForSize] ("tiny" for CPU, "small"/"medium" for GPU).
//
// Every row of a batch carries its own position ids and a key-padding mask, so left-padded
// (sampling) and right-padded (training) batches both work and pad tokens never influence real
// ones. Weights are created on the host by [Init] from a seed, so they are identical on every
// backend.
//
// # Graph functions
//
// [Logits], [Hidden], [TokenLogProbs] and the losses [MaskedNLL], [SequenceNLL], [TokenMeanNLL]
// are meant to be composed inside model.Exec graph functions by the trainers; [Prefill] and
// [DecodeStep] drive the static KV cache used by package sample.
//
// # Why not GoMLX's ml/zoo/transformer
//
// The zoo transformer (v0.28) cannot express this model: it always creates a separate output
// head (no tied embeddings), its bias switch is all-or-nothing (Qwen2 has bias on q/k/v only),
// its "standard" block is post-norm and its Gemma blocks are sandwich-norm with √d embedding
// scaling (Qwen2/Llama are pre-norm only), and it takes one scalar start position per batch, so
// left-padded ragged prompts get wrong RoPE positions. Its KV cache uses DynamicUpdateSlice,
// which the pure-Go backend lacks, and its generator returns no log-probs. The model here is
// about 200 lines of core ops (layers.go, forward.go; research/gomlx.md §3).
package lm
