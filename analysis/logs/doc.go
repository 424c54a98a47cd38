// Package logs reads the per-response logs of RL runs into one table type,
// [Sample], whichever tool wrote them:
//
//   - r1lab (ours): a run directory's rollouts/step_NNNNN.parquet (the replay
//     buffer, gomlxmodels/rl.Rollout rows) and eval/*.parquet (greedy
//     validation responses, gomlxmodels/evaluate.Row rows), plus its
//     metrics.parquet through [ReadMetrics].
//   - the paper's code (deep-reasoning, on verl): a directory of replay-buffer
//     files step_<k>.jsonl and val_step_<k>.jsonl, one JSON object per
//     response (research/paper.md §7).
//   - TRL's GRPOTrainer with log_completions: completions_NNNNN.parquet
//     files (columns step, prompt, completion, one column per reward
//     function, advantage; newer versions add mode and extra columns), in
//     output_dir/completions/ or its train/ and eval/ sub-directories.
//
// [ReadRun] detects which layout a path holds and reads it whole; the
// per-layout readers take a directory or one file.
//
// # What a log lacks
//
// Not every tool logs every field. Integer fields a log does not have are
// -1 (Index, Sample, Level, Length); HasAdvantage and HasLogProb say whether
// Advantage and the log-probabilities were logged; each reader's doc lists
// what it derives (the paper's Reward from its correctness, TRL's Correct
// from the reward).
//
// # Errors
//
// Malformed input fails the whole read with an error that names the file and
// the place: "logs: <file> line <n>: ..." for JSONL (1-based lines),
// "logs: <file> row <n> column <c>: ..." for Parquet (0-based rows): a
// missing field or column, a wrong type, a null, bad JSON. Nothing is
// silently skipped except blank JSONL lines.
package logs
