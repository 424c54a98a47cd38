package experiment

import (
	"fmt"
	"math"
	"path/filepath"

	"github.com/r1lab/r1lab/datasets/dataio"
)

// ResultsFile is the name of the report's results table, in the experiment directory.
const ResultsFile = "results.parquet"

// ResultRow is one row of results.parquet: a validation metric of an arm at
// one RL step, for one level (0: all levels).
type ResultRow struct {
	Arm       string  `parquet:"arm"`        // RL run, e.g. "rl-long"
	ColdStart string  `parquet:"cold_start"` // the model it started from, e.g. "sft-long"
	Step      int64   `parquet:"step"`       // RL step (0: before RL)
	Level     int64   `parquet:"level"`      // 0 for all levels
	Metric    string  `parquet:"metric"`     // correctness, clip_ratio, response_length, or (K&K) named, role_accuracy, knight_share and true_knight_share (see Parts)
	Value     float64 `parquet:"value"`
}

// ResultRows returns the arm's rows of results.parquet: at each validation
// step its accuracy, clip ratio and response length over all levels, then
// its accuracy per level (levels in order), then for K&K the share of
// answers naming the puzzle's people, their role accuracy and the share of
// knights among the roles they give and in the truth (Parts), all levels first. Missing values have no row; an
// arm that did not run has none.
func (a ArmResult) ResultRows() []ResultRow {
	var rows []ResultRow
	add := func(step, level int64, metric string, v float64) {
		if !math.IsNaN(v) {
			rows = append(rows, ResultRow{Arm: a.Name, ColdStart: a.ColdStart, Step: step, Level: level, Metric: metric, Value: v})
		}
	}
	levels := a.levels()
	for i, s := range a.Steps {
		add(s, 0, "correctness", a.Acc[i])
		add(s, 0, "clip_ratio", a.Clip[i])
		add(s, 0, "response_length", a.Length[i])
		for _, l := range levels {
			add(s, l, "correctness", a.Levels[l][i])
		}
		if i < len(a.Parts) {
			for _, p := range a.Parts[i] {
				add(s, p.Level, "named", p.NamedRate())
				add(s, p.Level, "role_accuracy", p.RoleAccuracy())
				add(s, p.Level, "knight_share", p.KnightShare())
				add(s, p.Level, "true_knight_share", p.TrueKnightShare())
			}
		}
	}
	return rows
}

// ResultRows returns the rows of results.parquet for every arm of RLArms, in
// order: what `r1lab report` writes.
func (e *Experiment) ResultRows() ([]ResultRow, error) {
	arms, err := e.Arms()
	if err != nil {
		return nil, err
	}
	var rows []ResultRow
	for _, a := range arms {
		rows = append(rows, a.ResultRows()...)
	}
	return rows, nil
}

// WriteResults writes rows to dir/results.parquet, atomically.
func WriteResults(dir string, rows []ResultRow) error {
	return dataio.Write(filepath.Join(dir, ResultsFile), rows)
}

// ReadResults reads dir/results.parquet.
func ReadResults(dir string) ([]ResultRow, error) {
	rows, err := dataio.Read[ResultRow](filepath.Join(dir, ResultsFile))
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	return rows, nil
}
