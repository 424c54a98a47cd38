package dataio

import (
	"os"
	"path/filepath"
	"testing"
)

// benchRows is the dataset size of the benchmarks: about the size of a toy
// RL train split.
const benchRows = 10_000

func BenchmarkWriteRL(b *testing.B) {
	rows := rlRows(benchRows)
	path := filepath.Join(b.TempDir(), "train.parquet")
	for b.Loop() {
		if err := WriteRL(path, rows); err != nil {
			b.Fatal(err)
		}
	}
	reportFile(b, path)
}

func BenchmarkReadRL(b *testing.B) {
	path := filepath.Join(b.TempDir(), "train.parquet")
	if err := WriteRL(path, rlRows(benchRows)); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		rows, err := ReadRL(path)
		if err != nil || len(rows) != benchRows {
			b.Fatalf("read %d rows, %v", len(rows), err)
		}
	}
	reportFile(b, path)
}

// reportFile adds rows/s and the file size to the benchmark output.
func reportFile(b *testing.B, path string) {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(st.Size()), "file-bytes")
	b.ReportMetric(float64(benchRows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
