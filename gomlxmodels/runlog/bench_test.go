package runlog

import (
	"fmt"
	"path/filepath"
	"testing"
)

// benchLog is a long run's table: 5,000 steps × 40 training metrics, plus 10 validation metrics
// every 5th step (50 columns, 210,000 values).
func benchLog(b *testing.B) *Log {
	b.Helper()
	l, err := Open(filepath.Join(b.TempDir(), "metrics.parquet"))
	if err != nil {
		b.Fatal(err)
	}
	for s := 1; s <= 5000; s++ {
		m := make(map[string]float64, 50)
		for i := range 40 {
			m[fmt.Sprintf("actor/metric_%02d", i)] = float64(s*i) / 7
		}
		if s%5 == 0 {
			for i := range 10 {
				m[fmt.Sprintf("val/metric_%02d", i)] = float64(s+i) / 3
			}
		}
		if err := l.Add(s, m); err != nil {
			b.Fatal(err)
		}
	}
	return l
}

// BenchmarkFlush: the atomic rewrite of the whole table that a trainer does after each step.
func BenchmarkFlush(b *testing.B) {
	l := benchLog(b)
	for b.Loop() {
		if err := l.Flush(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen: reading the table back when a run resumes.
func BenchmarkOpen(b *testing.B) {
	l := benchLog(b)
	if err := l.Flush(); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Open(l.Path()); err != nil {
			b.Fatal(err)
		}
	}
}
