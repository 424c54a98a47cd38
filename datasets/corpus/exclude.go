package corpus

import (
	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/splits"
)

// Exclusion lists the puzzles and problems the corpus must not use: those of
// the real test, RL-train and SFT splits. The zero value excludes nothing
// and is ready to use.
type Exclusion struct {
	// KK holds the keys (Puzzle.StatementsRepr) of excluded K&K puzzles. A
	// puzzle is excluded by its statements whatever its names, so a split's
	// puzzle never comes back under other names.
	KK map[string]bool
	// Arith holds the expressions (Problem.Expr) of excluded ARITH problems,
	// whatever their wording.
	Arith map[string]bool
}

// NewExclusion returns the exclusion of every puzzle and problem of the
// given splits; either may be nil.
func NewExclusion(kkSplits *splits.Splits[kk.Puzzle], arithSplits *splits.Splits[arith.Problem]) Exclusion {
	var e Exclusion
	e.AddKKSplits(kkSplits)
	e.AddArithSplits(arithSplits)
	return e
}

// AddKK excludes puzzles.
func (e *Exclusion) AddKK(ps ...kk.Puzzle) {
	if e.KK == nil {
		e.KK = map[string]bool{}
	}
	for _, p := range ps {
		e.KK[p.StatementsRepr()] = true
	}
}

// AddArith excludes problems.
func (e *Exclusion) AddArith(ps ...arith.Problem) {
	if e.Arith == nil {
		e.Arith = map[string]bool{}
	}
	for _, p := range ps {
		e.Arith[p.Expr] = true
	}
}

// AddKKSplits excludes every puzzle of s (test, RL train, SFT train and
// validation); s may be nil.
func (e *Exclusion) AddKKSplits(s *splits.Splits[kk.Puzzle]) {
	if s != nil {
		e.AddKK(s.All()...)
	}
}

// AddArithSplits excludes every problem of s; s may be nil.
func (e *Exclusion) AddArithSplits(s *splits.Splits[arith.Problem]) {
	if s != nil {
		e.AddArith(s.All()...)
	}
}

// ExcludesKK tells whether a puzzle with these statements is excluded.
func (e Exclusion) ExcludesKK(stmts []kk.Statement) bool { return e.KK[kk.ReprAll(stmts)] }

// ExcludesArith tells whether a problem with this expression is excluded.
func (e Exclusion) ExcludesArith(expr string) bool { return e.Arith[expr] }
