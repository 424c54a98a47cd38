package experiment

import (
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
)

// reportRow is results.parquet's schema as cmd/r1lab/report.go first wrote it: the
// names and types notebooks and DuckDB queries rely on.
type reportRow struct {
	Arm       string  `parquet:"arm"`
	ColdStart string  `parquet:"cold_start"`
	Step      int64   `parquet:"step"`
	Level     int64   `parquet:"level"`
	Metric    string  `parquet:"metric"`
	Value     float64 `parquet:"value"`
}

func TestResultRows(t *testing.T) {
	dir := fixture(t)
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := e.ResultRows()
	if err != nil {
		t.Fatal(err)
	}
	r := func(arm, cold string, step, level int64, metric string, v float64) ResultRow {
		return ResultRow{arm, cold, step, level, metric, v}
	}
	want := []ResultRow{
		r("rl-base", "base", 0, 0, "correctness", 0.25),
		r("rl-base", "base", 0, 0, "clip_ratio", 0.5),
		r("rl-base", "base", 0, 0, "response_length", 100),
		r("rl-base", "base", 0, 3, "correctness", 1.0/3),
		r("rl-base", "base", 0, 4, "correctness", 0.2),
		r("rl-base", "base", 0, 0, "named", 0.5), // fixtureParts
		r("rl-base", "base", 0, 0, "role_accuracy", 10.0/14),
		r("rl-base", "base", 0, 0, "knight_share", 10.0/14),
		r("rl-base", "base", 0, 0, "true_knight_share", 1),
		r("rl-base", "base", 0, 3, "named", 2.0/3),
		r("rl-base", "base", 0, 3, "role_accuracy", 4.0/6),
		r("rl-base", "base", 0, 3, "knight_share", 4.0/6),
		r("rl-base", "base", 0, 3, "true_knight_share", 1),
		r("rl-base", "base", 0, 4, "named", 2.0/5),
		r("rl-base", "base", 0, 4, "role_accuracy", 6.0/8),
		r("rl-base", "base", 0, 4, "knight_share", 6.0/8),
		r("rl-base", "base", 0, 4, "true_knight_share", 1),
		r("rl-base", "base", 2, 0, "correctness", 0.5),
		r("rl-base", "base", 2, 0, "clip_ratio", 0.25),
		r("rl-base", "base", 2, 0, "response_length", 70),
		r("rl-base", "base", 2, 3, "correctness", 2.0/3), // level 4 was not measured at step 2, nor were responses kept: no row
	}
	if len(rows) != len(want)+3*5 {
		t.Fatalf("%d rows, want %d (rl-base, then rl-short's 3 steps × 5)", len(rows), len(want)+15)
	}
	if !slices.Equal(rows[:len(want)], want) {
		t.Errorf("rl-base rows:\n%v\nwant\n%v", rows[:len(want)], want)
	}
	for _, row := range rows[len(want):] {
		if row.Arm != "rl-short" || row.ColdStart != "sft-short" || math.IsNaN(row.Value) {
			t.Errorf("row %+v", row)
		}
	}

	if err := WriteResults(dir, rows); err != nil {
		t.Fatal(err)
	}
	back, err := ReadResults(dir)
	if err != nil || !slices.Equal(back, rows) {
		t.Errorf("ReadResults: %v (%d rows of %d)", err, len(back), len(rows))
	}
	// The schema is checked column by column (names, physical and logical types).
	old, err := dataio.Read[reportRow](filepath.Join(dir, ResultsFile))
	if err != nil || len(old) != len(rows) || old[3] != reportRow(want[3]) {
		t.Errorf("results.parquet read with the report's schema: %v", err)
	}
	if _, err := ReadResults(t.TempDir()); err == nil {
		t.Error("ReadResults of a directory without results.parquet: no error")
	}
}
