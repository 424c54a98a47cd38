package logs

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/r1lab/r1lab/gomlxmodels/runlog"
)

// MetricsFile is the name of a run's per-step metrics table.
const MetricsFile = "metrics.parquet"

// Metrics is a run's per-step metrics table (metrics.parquet, see
// gomlxmodels/runlog): one row per step, one column per metric, verl's names
// ("critic/score/mean", "val/test_score/kk", …), NaN where a step has no
// value.
type Metrics struct {
	Source string
	Steps  []int64
	Cols   map[string][]float64
}

// ReadMetrics reads runDir/metrics.parquet with runlog.Read.
func ReadMetrics(runDir string) (*Metrics, error) {
	path := filepath.Join(runDir, MetricsFile)
	steps, cols, err := runlog.Read(path)
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	return &Metrics{Source: path, Steps: steps, Cols: cols}, nil
}

// Names returns the metric names, sorted.
func (m *Metrics) Names() []string {
	names := make([]string, 0, len(m.Cols))
	for n := range m.Cols {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// Series returns the steps at which metric name has a value and the values,
// as float64 ready for plotting (figures.Series takes X and Y). Steps without
// a value (NaN: validation runs every few steps) are left out; an unknown
// name gives empty slices.
func (m *Metrics) Series(name string) (steps, values []float64) {
	col := m.Cols[name]
	for i, v := range col {
		if !math.IsNaN(v) {
			steps = append(steps, float64(m.Steps[i]))
			values = append(values, v)
		}
	}
	return steps, values
}
