package runlog

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/r1lab/r1lab/datasets/dataio"
)

// trainMetrics is a realistic subset of what verl logs every step.
func trainMetrics(step int) map[string]float64 {
	s := float64(step)
	return map[string]float64{
		"critic/score/mean":          s / 10,
		"response_length/mean":       100 + s,
		"response_length/clip_ratio": 0.01 * s,
		"actor/grad_norm":            1 / (1 + s),
		"timing_s/gen":               0.5,
		"train/loss":                 2 - s/100,
	}
}

// valMetrics is what verl logs every 5 steps.
func valMetrics(step int) map[string]float64 {
	return map[string]float64{
		"val/test_correctness/kk":             float64(step) / 100,
		"val_level_correctness/4_correctness": float64(step) / 200,
		"val/loss":                            1.5,
	}
}

// logSteps adds steps [from, to]: training metrics each step, validation every 5 steps, merged
// into the same row by a second Add.
func logSteps(t *testing.T, l *Log, from, to int) {
	t.Helper()
	for s := from; s <= to; s++ {
		if err := l.Add(s, trainMetrics(s)); err != nil {
			t.Fatal(err)
		}
		if s%5 == 0 {
			if err := l.Add(s, valMetrics(s)); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func mustOpen(t *testing.T, path string) *Log {
	t.Helper()
	l, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestRoundTrip: metrics that appear late (validation) and mid-run (a new metric) come back
// with nulls as NaN, names verbatim, and the file's columns are "step" then the names sorted.
func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run", "metrics.parquet")
	l := mustOpen(t, path)
	logSteps(t, l, 1, 12)
	if err := l.Add(12, map[string]float64{"actor/entropy_loss": -0.25}); err != nil {
		t.Fatal(err)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	steps, cols, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; !slices.Equal(steps, want) {
		t.Fatalf("steps %v, want %v", steps, want)
	}
	wantNames := []string{"actor/entropy_loss", "actor/grad_norm", "critic/score/mean", "response_length/clip_ratio",
		"response_length/mean", "timing_s/gen", "train/loss", "val/loss", "val/test_correctness/kk",
		"val_level_correctness/4_correctness"}
	if got := l.Names(); !slices.Equal(got, wantNames) {
		t.Errorf("Names() = %v, want %v", got, wantNames)
	}
	for _, n := range wantNames {
		col, ok := cols[n]
		if !ok || len(col) != len(steps) {
			t.Fatalf("column %q: %d values, present %v", n, len(col), ok)
		}
		for i, s := range steps {
			want, measured := trainMetrics(int(s))[n]
			if v, ok := valMetrics(int(s))[n]; ok && s%5 == 0 {
				want, measured = v, true
			}
			if n == "actor/entropy_loss" {
				want, measured = -0.25, s == 12
			}
			got := col[i]
			if measured && got != want || !measured && !math.IsNaN(got) {
				t.Errorf("%s at step %d = %v, want %v (measured %v)", n, s, got, want, measured)
			}
		}
		if got := l.Column(n); !slices.EqualFunc(got, col, func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }) {
			t.Errorf("Column(%q) = %v, file has %v", n, got, col)
		}
	}
	if l.Column("no/such") != nil {
		t.Errorf("Column of an unknown name is not nil")
	}

	// The physical layout other readers see.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	fields := pf.Schema().Fields()
	if fields[0].Name() != "step" || !fields[0].Required() || fields[0].Type().Kind() != parquet.Int64 {
		t.Errorf("first column %s (required %v, %s), want required INT64 step", fields[0].Name(), fields[0].Required(), fields[0].Type().Kind())
	}
	for i, f := range fields[1:] {
		if f.Name() != wantNames[i] || !f.Optional() || f.Type().Kind() != parquet.Double {
			t.Errorf("column %d: %s (optional %v, %s), want optional DOUBLE %s", i+1, f.Name(), f.Optional(), f.Type().Kind(), wantNames[i])
		}
	}

	// Reopened, the Log holds the same rows, each with only its measured metrics.
	again := mustOpen(t, path)
	if got, want := again.Rows(), l.Rows(); len(got) != len(want) || got[4].Step != 5 || len(got[4].Metrics) != 9 || len(got[3].Metrics) != 6 {
		t.Errorf("reopened rows differ: %d rows, step 5 has %d metrics, step 4 has %d", len(got), len(got[4].Metrics), len(got[3].Metrics))
	}
}

// TestResume: a run logged steps 1–13 but its last checkpoint is step 10. The resumed run
// truncates after 10, re-logs 11.. and the table has every step once.
func TestResume(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.parquet")
	crashed := mustOpen(t, path)
	logSteps(t, crashed, 1, 13)
	if err := crashed.Flush(); err != nil {
		t.Fatal(err)
	}

	resumed := mustOpen(t, path)
	if last, ok := resumed.LastStep(); !ok || last != 13 {
		t.Fatalf("LastStep = %d, %v; want 13", last, ok)
	}
	if err := resumed.Add(11, trainMetrics(11)); err == nil || !strings.Contains(err.Error(), "TruncateAfter") {
		t.Errorf("Add(11) after 13: %v, want an error pointing to TruncateAfter", err)
	}
	if n := resumed.TruncateAfter(10); n != 3 {
		t.Errorf("TruncateAfter(10) dropped %d rows, want 3", n)
	}
	// verl validates at the resume step: that merges into step 10's row.
	if err := resumed.Add(10, map[string]float64{"val/test_correctness/kk": 0.5}); err != nil {
		t.Fatal(err)
	}
	for s := 11; s <= 16; s++ {
		if err := resumed.Add(s, map[string]float64{"train/loss": -float64(s)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := resumed.Flush(); err != nil {
		t.Fatal(err)
	}
	steps, cols, err := Read(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}; !slices.Equal(steps, want) {
		t.Fatalf("steps %v, want %v", steps, want)
	}
	if got := cols["val/test_correctness/kk"][9]; got != 0.5 {
		t.Errorf("step 10 validation = %v, want the re-logged 0.5", got)
	}
	if got := cols["train/loss"][9]; got != trainMetrics(10)["train/loss"] {
		t.Errorf("step 10 train/loss = %v, want the original %v (merge keeps other metrics)", got, trainMetrics(10)["train/loss"])
	}
	if got := cols["train/loss"][12]; got != -13 {
		t.Errorf("step 13 train/loss = %v, want the resumed run's -13", got)
	}
	if got := cols["critic/score/mean"][12]; !math.IsNaN(got) {
		t.Errorf("step 13 critic/score/mean = %v, want null: the crashed run's row must be gone", got)
	}

	// Truncating before every row leaves an empty table with only the step column.
	if resumed.TruncateAfter(-1); resumed.Len() != 0 || len(resumed.Names()) != 0 {
		t.Errorf("TruncateAfter(-1) left %d rows, names %v", resumed.Len(), resumed.Names())
	}
	if err := resumed.Flush(); err != nil {
		t.Fatal(err)
	}
	if steps, cols, err := Read(path); err != nil || len(steps) != 0 || len(cols) != 0 {
		t.Errorf("empty table reads as %v, %v, %v", steps, cols, err)
	}
}

func TestAddErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		step    int
		metrics map[string]float64
		want    string
	}{
		{"nan", 3, map[string]float64{"train/loss": math.NaN()}, `step 3: metric "train/loss" is NaN`},
		{"+inf", 3, map[string]float64{"actor/grad_norm": math.Inf(1)}, `metric "actor/grad_norm" is +Inf`},
		{"-inf", 3, map[string]float64{"a": 1, "actor/kl": math.Inf(-1)}, `metric "actor/kl" is -Inf`},
		{"negative step", -1, map[string]float64{"a": 1}, "negative step -1"},
		{"before last", 1, map[string]float64{"a": 1}, "step 1 is before the last logged step 2"},
		{"empty name", 3, map[string]float64{"": 1}, "empty metric name"},
		{"step name", 3, map[string]float64{"step": 1}, `"step" is reserved`},
		{"step name, other case", 3, map[string]float64{"Step": 1}, `"Step" is reserved`},
		{"case clash", 3, map[string]float64{"Train/Loss": 1}, `"Train/Loss" differs from "train/loss" only in case`},
		{"control char", 3, map[string]float64{"train/\nloss": 1}, "control character"},
		{"invalid utf-8", 3, map[string]float64{"train/\xffloss": 1}, "not valid UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "metrics.parquet")
			l := mustOpen(t, path)
			if err := l.Add(2, map[string]float64{"train/loss": 1}); err != nil {
				t.Fatal(err)
			}
			err := l.Add(tc.step, tc.metrics)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tc.want)
			}
			if l.Len() != 1 || len(l.Names()) != 1 {
				t.Errorf("a rejected Add changed the log: %d rows, names %v", l.Len(), l.Names())
			}
		})
	}
}

// Layouts of Parquet files that are, or are not, metrics tables.
type (
	noStep struct {
		Loss float64 `parquet:"train/loss"`
	}
	textStep struct {
		Step string `parquet:"step"`
	}
	intMetric struct {
		Step int64 `parquet:"step"`
		N    int64 `parquet:"n"`
	}
	listMetric struct {
		Step int64     `parquet:"step"`
		L    []float64 `parquet:"l,list"`
	}
	nullableStep struct {
		Step *int64   `parquet:"step,optional"`
		Loss *float32 `parquet:"train/loss,optional"`
	}
)

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	one, two := int64(1), int64(2)
	for _, tc := range []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"not parquet", func(p string) error { return os.WriteFile(p, []byte("step,loss\n1,2\n"), 0o644) }, "not a readable Parquet file"},
		{"no step column", func(p string) error { return dataio.Write(p, []noStep{{1}}) }, `no "step" column`},
		{"text step", func(p string) error { return dataio.Write(p, []textStep{{"1"}}) }, `column "step" is BYTE_ARRAY`},
		{"integer metric", func(p string) error { return dataio.Write(p, []intMetric{{1, 2}}) }, `metric column "n" is INT64, want DOUBLE`},
		{"list metric", func(p string) error { return dataio.Write(p, []listMetric{{1, []float64{1}}}) }, `column "l" is a group`},
		{"steps out of order", func(p string) error {
			return dataio.Write(p, []nullableStep{{&two, nil}, {&one, nil}})
		}, "row 1: step 1 after step 2"},
		{"repeated step", func(p string) error {
			return dataio.Write(p, []nullableStep{{&one, nil}, {&one, nil}})
		}, "row 1: step 1 after step 1"},
		{"null step", func(p string) error { return dataio.Write(p, []nullableStep{{nil, nil}}) }, `row 0: null "step"`},
		{"truncated", func(p string) error {
			if err := dataio.Write(p, []nullableStep{{&one, nil}}); err != nil {
				return err
			}
			st, _ := os.Stat(p)
			return os.Truncate(p, st.Size()-10)
		}, "truncated"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".parquet")
			if err := tc.write(path); err != nil {
				t.Fatal(err)
			}
			_, err := Open(path)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tc.want)
			}
		})
	}
}

// TestOpenForeign: a table as DuckDB or pandas write it (nullable step, FLOAT metrics) is read.
func TestOpenForeign(t *testing.T) {
	path := filepath.Join(t.TempDir(), "metrics.parquet")
	s1, s2, loss := int64(1), int64(4), float32(0.5)
	if err := dataio.Write(path, []nullableStep{{&s1, &loss}, {&s2, nil}}); err != nil {
		t.Fatal(err)
	}
	l := mustOpen(t, path)
	if got := l.Steps(); !slices.Equal(got, []int64{1, 4}) {
		t.Errorf("steps %v, want [1 4]", got)
	}
	if got := l.Column("train/loss"); len(got) != 2 || got[0] != 0.5 || !math.IsNaN(got[1]) {
		t.Errorf("train/loss %v, want [0.5 NaN]", got)
	}
	if err := l.Add(4, map[string]float64{"train/loss": 0.25}); err != nil {
		t.Fatal(err)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, cols, err := Read(path); err != nil || cols["train/loss"][1] != 0.25 {
		t.Errorf("after rewrite: %v, %v", cols, err)
	}
}

func TestOpenMissingAndFlushEmpty(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "metrics.parquet")
	l := mustOpen(t, path)
	if l.Len() != 0 || l.Path() != path {
		t.Fatalf("new log: %d rows, path %s", l.Len(), l.Path())
	}
	if _, ok := l.LastStep(); ok {
		t.Errorf("LastStep of an empty log is ok")
	}
	if err := l.Add(0, nil); err != nil { // a row with only its step is allowed
		t.Fatal(err)
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
	if steps, cols, err := Read(path); err != nil || !slices.Equal(steps, []int64{0}) || len(cols) != 0 {
		t.Errorf("read back %v, %v, %v", steps, cols, err)
	}
}
