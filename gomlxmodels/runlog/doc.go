// Package runlog keeps the per-step metrics table of a run, metrics.parquet (DESIGN.md §6).
//
// # The table
//
// One row per training step: a required INT64 column "step", then one nullable DOUBLE column per
// metric name, sorted by name. Names are verl's, kept verbatim as column names, slashes and all
// ("critic/score/mean", "response_length/clip_ratio", "actor/grad_norm",
// "val/test_correctness/kk", "val_level_correctness/4_correctness", "timing_s/gen",
// "train/loss"), so the same notebooks and DuckDB queries work on r1lab and verl runs. Metrics
// appear over time (validation only every few steps), so the schema is the union of the names
// seen; a step without a value for a metric has a null there. In the Go API a missing value is
// NaN.
//
// # Writing and resuming
//
// A [Log] holds the table in memory. [Log.Add] appends or extends a step's row; [Log.Flush]
// rewrites the whole file atomically (temp file, fsync, rename: see dataio.WriteAtomic), so a
// killed run leaves the previous complete table. Rewriting is cheap at this scale (thousands of
// rows; see BenchmarkFlush). To resume from a checkpoint of step k, [Open] the file and call
// [Log.TruncateAfter](k): rows logged after the checkpoint are dropped, so the resumed run
// neither duplicates nor skips steps.
//
// # Values
//
// NaN and ±Inf are rejected by Add with an error naming the metric and the step: a non-finite
// loss or score means the run is broken and should stop upstream, and a NaN stored in the table
// could not be told apart from "not measured". Reading a file written elsewhere, a stored NaN is
// treated as missing.
package runlog
