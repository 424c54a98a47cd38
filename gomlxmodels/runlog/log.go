package runlog

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// StepColumn is the name of the step column; no metric may use it.
const StepColumn = "step"

// Log is a run's metrics table in memory, bound to its file. Methods are not safe for
// concurrent use.
type Log struct {
	path string
	rows []Row             // ascending, unique steps
	fold map[string]string // lower-cased metric name → the name as first seen
}

// Row is one step of the table.
type Row struct {
	Step    int64
	Metrics map[string]float64 // only the metrics measured at this step
}

// Open returns the Log of the metrics file path: empty when the file does not exist yet (a new
// run), or holding the file's rows to continue a resumed run (see [Log.TruncateAfter]). A file
// that is not a metrics table (no INT64 "step" column, a non-DOUBLE metric column, steps out of
// order) is an error naming the file and the column or row.
func Open(path string) (*Log, error) {
	l := &Log{path: path, fold: map[string]string{}}
	steps, cols, err := Read(path)
	if errors.Is(err, fs.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return nil, err
	}
	names := slices.Sorted(maps.Keys(cols))
	for _, n := range names {
		if _, ok := l.fold[strings.ToLower(n)]; !ok {
			l.fold[strings.ToLower(n)] = n
		}
	}
	l.rows = make([]Row, len(steps))
	for i, s := range steps {
		m := map[string]float64{}
		for _, n := range names {
			if v := cols[n][i]; !math.IsNaN(v) {
				m[n] = v
			}
		}
		l.rows[i] = Row{Step: s, Metrics: m}
	}
	return l, nil
}

// Path returns the file the Log flushes to.
func (l *Log) Path() string { return l.path }

// Add records metrics for step. The rules:
//
//   - step must be ≥ 0 and not before the last logged step; to go back, as when resuming from an
//     older checkpoint, call TruncateAfter first.
//   - Adding to the last step again merges into its row: the new values replace those of the same
//     names and the others are kept. This is how validation metrics join a step's training
//     metrics, and how a resumed run re-logs the checkpoint's step.
//   - Values must be finite: NaN or ±Inf is an error naming the metric and the step.
//   - Names must be non-empty valid UTF-8 without control characters, must not be "step", and
//     must not differ only in letter case from another metric (DuckDB's column names are
//     case-insensitive).
//
// On error nothing is recorded.
func (l *Log) Add(step int, metrics map[string]float64) error {
	if step < 0 {
		return fmt.Errorf("runlog %s: negative step %d", l.path, step)
	}
	names := slices.Sorted(maps.Keys(metrics)) // deterministic error messages
	for _, n := range names {
		if err := l.checkName(n); err != nil {
			return fmt.Errorf("runlog %s: step %d: %w", l.path, step, err)
		}
		if v := metrics[n]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("runlog %s: step %d: metric %q is %v; non-finite values are rejected (the run should stop)", l.path, step, n, v)
		}
	}
	for _, n := range names {
		if _, ok := l.fold[strings.ToLower(n)]; !ok {
			l.fold[strings.ToLower(n)] = n
		}
	}
	if k := len(l.rows); k > 0 && l.rows[k-1].Step >= int64(step) {
		last := l.rows[k-1]
		if last.Step > int64(step) {
			return fmt.Errorf("runlog %s: step %d is before the last logged step %d (call TruncateAfter to resume from an earlier step)", l.path, step, last.Step)
		}
		maps.Copy(last.Metrics, metrics)
		return nil
	}
	l.rows = append(l.rows, Row{Step: int64(step), Metrics: maps.Clone(metrics)})
	if l.rows[len(l.rows)-1].Metrics == nil {
		l.rows[len(l.rows)-1].Metrics = map[string]float64{}
	}
	return nil
}

// checkName applies Add's naming rules.
func (l *Log) checkName(n string) error {
	switch {
	case n == "":
		return errors.New("empty metric name")
	case !utf8.ValidString(n):
		return fmt.Errorf("metric name %q is not valid UTF-8", n)
	case strings.IndexFunc(n, unicode.IsControl) >= 0:
		return fmt.Errorf("metric name %q contains a control character", n)
	case strings.EqualFold(n, StepColumn):
		return fmt.Errorf("metric name %q is reserved for the step column", n)
	}
	if prev, ok := l.fold[strings.ToLower(n)]; ok && prev != n {
		return fmt.Errorf("metric name %q differs from %q only in case (DuckDB could not tell the columns apart)", n, prev)
	}
	return nil
}

// TruncateAfter drops the rows of steps after step and returns how many were dropped. Resuming
// from the checkpoint of step k calls TruncateAfter(k), so the steps the crashed run logged after
// its last checkpoint are re-run and logged once. Columns left without any value disappear from
// the next Flush.
func (l *Log) TruncateAfter(step int) int {
	i := sort.Search(len(l.rows), func(i int) bool { return l.rows[i].Step > int64(step) })
	dropped := len(l.rows) - i
	clear(l.rows[i:]) // release the dropped maps
	l.rows = l.rows[:i]
	return dropped
}

// Len returns the number of rows (steps).
func (l *Log) Len() int { return len(l.rows) }

// LastStep returns the last logged step; ok is false for an empty Log.
func (l *Log) LastStep() (step int64, ok bool) {
	if len(l.rows) == 0 {
		return 0, false
	}
	return l.rows[len(l.rows)-1].Step, true
}

// Rows returns a copy of the table's rows, in step order.
func (l *Log) Rows() []Row {
	out := make([]Row, len(l.rows))
	for i, r := range l.rows {
		out[i] = Row{Step: r.Step, Metrics: maps.Clone(r.Metrics)}
	}
	return out
}

// Steps returns the logged steps in order.
func (l *Log) Steps() []int64 {
	out := make([]int64, len(l.rows))
	for i, r := range l.rows {
		out[i] = r.Step
	}
	return out
}

// Names returns the metric names present in the table (the union over rows), sorted: the
// columns after "step" that Flush writes.
func (l *Log) Names() []string {
	set := map[string]bool{}
	for _, r := range l.rows {
		for n := range r.Metrics {
			set[n] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// Column returns metric name's value at every row, NaN where it was not measured, or nil if no
// row has it.
func (l *Log) Column(name string) []float64 {
	out := make([]float64, len(l.rows))
	found := false
	for i, r := range l.rows {
		v, ok := r.Metrics[name]
		if !ok {
			v = math.NaN()
		}
		found = found || ok
		out[i] = v
	}
	if !found {
		return nil
	}
	return out
}

// Flush rewrites the file with the whole table, atomically (parent directories are created).
func (l *Log) Flush() error {
	if err := writeTable(l.path, l.rows, l.Names()); err != nil {
		return fmt.Errorf("runlog: %w", err)
	}
	return nil
}
