// Package experiment reads the directory that `r1lab reproduce` writes, for
// the report (`r1lab report`) and the notebooks alike:
//
//   - stages.json, through [Open]: the preset, task and seed, every stage in
//     order, and a [StageRecord] per finished stage (its r1lab command line,
//     wall time, and why it was skipped, if it was);
//   - each RL arm's run, through [Experiment.Arms]: runs/<arm>/metrics.parquet
//     (verl's metric names, see gomlxmodels/runlog), its config.json and its
//     cold start's, and its validation responses
//     (eval/step_NNNNN.parquet): the prompts per level, and for K&K what
//     the answers get right ([Parts]: naming the puzzle's people, then their
//     roles, against guessing); an arm that did not run says why in
//     [ArmResult.Skipped];
//   - results.parquet, the report's long table of validation metrics
//     ([ResultRow]: arm, cold_start, step, level, metric, value), written with
//     [WriteResults] and read back with [ReadResults];
//   - a re-distilled set's summary, runs/<stage>/data/redistill.json, through
//     [Experiment.RedistillSet].
//
// Accuracies are fractions in [0, 1]; [Wilson] gives their 95% Wilson
// intervals over the validation prompts, [ArmResult.AccuracySeries] a curve
// with its band in percent, ready for analysis/figures.
//
// The package reads files only: it imports no trainer, so notebooks and
// tools can use it without building models.
package experiment
