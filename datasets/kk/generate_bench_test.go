package kk

import "testing"

// BenchmarkGenerate times one mem-kk-sized run at 7 people: sampling,
// solving, formatting and the template chain of thought for 1100 puzzles.
func BenchmarkGenerate(b *testing.B) {
	const count = 1100
	for b.Loop() {
		if ps := Generate(1234, 7, count); len(ps) != count {
			b.Fatalf("%d puzzles", len(ps))
		}
	}
	b.ReportMetric(float64(count)*float64(b.N)/b.Elapsed().Seconds(), "puzzles/s")
}
