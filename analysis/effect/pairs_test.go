package effect

import (
	"math/rand/v2"
	"testing"
)

// TestBatchPairs checks the batching every estimator uses: each pair lands in exactly one row
// holding its tokens, every batch has the fixed row count of its padded length (rows × slots
// within MaxBatchTokens unless a single row is longer), and padding stays within a bucket.
func TestBatchPairs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	var pairs []Pair
	for i := range 200 {
		p, r := 1+rng.IntN(40), 1+rng.IntN(600)
		if i%50 == 0 {
			r = 1500 // longer than the token cap on its own
		}
		pair := Pair{Prompt: make([]int32, p), Response: make([]int32, r)}
		for j := range pair.Prompt {
			pair.Prompt[j] = int32(1 + rng.IntN(9))
		}
		for j := range pair.Response {
			pair.Response[j] = int32(1 + rng.IntN(9))
		}
		pairs = append(pairs, pair)
	}
	for _, tc := range []struct {
		name                    string
		size, maxTokens, bucket int
	}{
		{"rows only", 16, 0, 16},
		{"token cap", 16, 4096, 16},
		{"tight cap", 8, 512, 32},
		{"one row", 1, 0, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := make([]int, len(pairs))
			shapes := map[int]int{} // slots → rows
			for bi, b := range batchPairs(pairs, tc.size, tc.maxTokens, tc.bucket) {
				rows, slots := len(b.tokens), len(b.tokens[0])
				if slots%tc.bucket != 0 {
					t.Errorf("batch %d: %d slots, not a multiple of %d", bi, slots, tc.bucket)
				}
				if rows > tc.size || len(b.index) > rows || len(b.index) == 0 {
					t.Errorf("batch %d: %d rows holding %d pairs (size %d)", bi, rows, len(b.index), tc.size)
				}
				if tc.maxTokens > 0 && rows > 1 && rows*slots > tc.maxTokens {
					t.Errorf("batch %d: %d rows × %d slots > %d tokens", bi, rows, slots, tc.maxTokens)
				}
				if want, ok := shapes[slots]; ok && want != rows {
					t.Errorf("batch %d: %d rows at %d slots, another batch has %d", bi, rows, slots, want)
				}
				shapes[slots] = rows
				longest := 0
				for r, i := range b.index {
					seen[i]++
					p := pairs[i]
					n := len(p.Prompt) + len(p.Response)
					longest = max(longest, n)
					for k := range slots {
						var want int32
						if k < len(p.Prompt) {
							want = p.Prompt[k]
						} else if k < n {
							want = p.Response[k-len(p.Prompt)]
						}
						if b.tokens[r][k] != want || b.mask[r][k] != (k < n) {
							t.Fatalf("batch %d row %d slot %d: token %d mask %t, want %d %t", bi, r, k, b.tokens[r][k], b.mask[r][k], want, k < n)
						}
					}
				}
				if slots-longest >= tc.bucket {
					t.Errorf("batch %d: %d slots for a longest row of %d (bucket %d)", bi, slots, longest, tc.bucket)
				}
				for r := len(b.index); r < rows; r++ {
					for k := range slots {
						if b.mask[r][k] || b.lossMask[r][k] {
							t.Fatalf("batch %d: dummy row %d has a real slot %d", bi, r, k)
						}
					}
				}
			}
			for i, n := range seen {
				if n != 1 {
					t.Fatalf("pair %d is in %d rows", i, n)
				}
			}
		})
	}
}
