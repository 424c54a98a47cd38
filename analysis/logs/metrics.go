package logs

import "github.com/r1lab/r1lab/analysis/experiment"

// MetricsFile is the name of a run's per-step metrics table.
const MetricsFile = experiment.MetricsFile

// Metrics is a run's per-step metrics table (metrics.parquet): one row per
// step, one column per metric under verl's names, NaN where a step has no
// value. It is analysis/experiment's type, shared so that the report,
// the notebooks and foreign-log readers see one table.
type Metrics = experiment.Metrics

// ReadMetrics reads runDir/metrics.parquet (experiment.ReadMetrics).
func ReadMetrics(runDir string) (*Metrics, error) { return experiment.ReadMetrics(runDir) }
