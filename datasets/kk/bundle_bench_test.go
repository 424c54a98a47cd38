package kk

import "testing"

// BenchmarkPaperData builds the paper-size K&K data in memory: 10,000 RL
// training puzzles (3–7 people), 500 test puzzles (4–8), and the 1,000-puzzle
// SFT pool with short and long chains of thought (issue target: < 30 s on 2 cores).
func BenchmarkPaperData(b *testing.B) {
	for b.Loop() {
		bundle, err := BuildBundle(DefaultData(), nil)
		if err != nil {
			b.Fatal(err)
		}
		if len(bundle.RLTrain) != 10000 || len(bundle.RLTest) != 500 {
			b.Fatalf("got %d train, %d test rows", len(bundle.RLTrain), len(bundle.RLTest))
		}
	}
}
