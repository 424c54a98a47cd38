// Package sample generates responses from an lm.Model in batches, with a static KV cache.
//
// Prompts of different lengths are left-padded into one batch; each row has its own RoPE
// positions and key mask, so padding changes nothing. Per step, the model returns logits and the
// host picks tokens (exact temperature and top-p, greedy at temperature 0), records per-token
// log-probabilities, and stops each row at its own EOS; the loop ends as soon as every row has.
//
// Only two graphs run per shape bucket: a prefill over the padded prompts and a one-token decode
// step that writes the cache with Where(iota == slot, …) (the Go backend has no
// DynamicUpdateSlice; the old cache buffers are donated, so the write reuses them). Prompt and
// cache lengths are rounded up to a multiple of the length bucket so that batches of similar
// lengths reuse compiled graphs.
//
// Randomness is per row: row r of a call draws only from a PCG generator seeded with seeds[r]
// (see [SeedFor] for deriving seeds from run/step/prompt/sample indices), consuming one uniform
// per generated token. A row's output therefore does not depend on the other rows of the batch or
// on their order, up to float rounding differences from padding (which would need a sampled
// uniform to fall within ~1e-7 of a token boundary to matter).
package sample
