// Package dataio holds the Parquet row types of r1lab's datasets and the
// file I/O used for every artefact a run writes.
//
// The row types follow the layouts of the original training stacks, so the
// same files can feed verl, TRL or DuckDB without conversion:
//
//   - [RLRow]: verl's RL train/test layout (prompt as a list of chat messages,
//     reward_model, extra_info with the GRPO group index and the level).
//   - [SFTRow]: deep-reasoning's SFT layout (plain prompt/response strings),
//     plus level and data_source.
//   - [EvalRow]: deep-reasoning's offline-eval layout (plain prompt string).
//
// [Write] and [Read] are generic over any such struct. Writes are atomic (see
// [WriteAtomic]): a killed process never leaves a half-written file behind
// under the final name. Reads check the file's schema against the Go type
// first, so a file from another tool, or a stale layout, fails with an error
// that names the file and the offending column instead of silently decoding
// zeros.
package dataio
