package kk

// Generate runs one sampler over seed and people and formats its first count
// valid puzzles, as mem-kk-logic's data_gen_kk.py does for one level: puzzle
// i has Index i and formatter seed seed+i, so Generate(1234, n, N) holds
// mem-kk's rows 0..N-1 (test first, then train). Fewer than count puzzles
// come back when the sampler gives some up (only 399 exist for 2 people).
// It panics if CheckPeople(people) fails.
func Generate(seed uint64, people, count int) []Puzzle { return GeneratePool(seed, people, count, 0) }

// GeneratePool is Generate with names from the first pool CommonNames (see
// FormatPool; 0: all).
func GeneratePool(seed uint64, people, count, pool int) []Puzzle {
	s := NewSampler(seed, people)
	all := s.SampleValid(count)
	out := make([]Puzzle, len(all))
	for i, stmts := range all {
		out[i] = format(i, seed+uint64(i), stmts, Solve(stmts)[0], pool)
	}
	return out
}
