// Package checkpoint saves and restores the complete training state of a GoMLX model.Store, so
// a run can stop at any step and resume bit-for-bit, and ships trained weights as plain
// safetensors files that PyTorch and the `safetensors` Python package can open.
//
// # Checkpoint directories
//
// [Save] writes one directory per checkpoint, named step_NNNNNN (at least six digits, see
// [StepName]) inside a run's checkpoint directory:
//
//	<dir>/step_000120/model.safetensors   every variable of the Store: weights, optimizer moments,
//	                                      step counters, learning rate (non-trainable flags kept)
//	<dir>/step_000120/state.json          the caller's JSON state (step, data cursor, seeds, config)
//
// The directory is built under a hidden temporary name (".step_000120.tmp-*") in the same
// parent, every file is fsynced, and only then is it renamed into place, so a crash never leaves a
// step_* directory that [Latest] would pick up half-written. [Prune] keeps the newest N and sweeps
// leftovers of crashed saves. One process writes a checkpoint directory at a time.
//
// # File format
//
// model.safetensors follows the safetensors format (https://github.com/huggingface/safetensors):
// an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets"} plus a "__metadata__" object of strings, padded with spaces to
// a multiple of 8 bytes, then the raw little-endian tensor data, contiguous and in the Store's
// variable-creation order (so a restored Store iterates its variables in the original order).
// Tensor names are the variables' absolute GoMLX paths, e.g. "/lm/layer_0/qkv_weights".
// Supported dtypes: F64, F32, F16, BF16, I64, I32, I16, I8, U64, U32, U16, U8 and BOOL.
//
// Metadata keys starting with "r1lab." are reserved: "r1lab.format" ("checkpoint" or "weights"),
// "r1lab.step", "r1lab.prefix", "r1lab.non_trainable" (a JSON array of the paths of non-trainable
// variables) and "r1lab.crc32c" (CRC-32C of the whole data section, in hex). The checksum is
// verified on read when present, so a flipped bit in the data is reported instead of resumed
// from; files written by other tools, without it, are read as they are.
//
// # Shipping a model
//
// [SaveWeights] writes only the trainable variables under a scope prefix (e.g. "/lm"), with names
// relative to it ("embed", "layer_0/qkv_weights") and caller metadata (e.g. the model config);
// [LoadWeights] loads them under any prefix, for example a frozen reference policy at "/ref".
package checkpoint
