package corpus

import (
	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
)

// trace records what the generator built each document from, so tests can
// check the texts against an independent oracle. Generate never fills it.
type trace struct {
	puzzles  []kk.Puzzle     // every puzzle used, in order
	problems []arith.Problem // every problem used, in order
	kkEps    []kkEpisodeInfo
	arEps    []arithEpisodeInfo
}

// kkEpisodeInfo describes one K&K episode.
type kkEpisodeInfo struct {
	doc     int
	p       kk.Puzzle
	correct bool
	steps   []stepInfo
}

// stepInfo is one shown template-CoT step: the index of the tape step it
// tells, whether it was told wrongly, and its text.
type stepInfo struct {
	tape  int
	wrong bool
	text  string
}

// arithEpisodeInfo describes one ARITH episode.
type arithEpisodeInfo struct {
	doc     int
	p       arith.Problem
	correct bool
}
