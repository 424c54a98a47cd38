package kk

import (
	"fmt"

	"github.com/r1lab/r1lab/datasets/nprand"
)

// Sampler limits and mem-kk-logic's fixed sampler settings.
const (
	// MinPeople is the smallest puzzle the sampler can make: with one person
	// an "and" of two distinct leaves cannot be drawn (mem-kk loops forever).
	MinPeople = 2
	// MaxPeople bounds the puzzle size: solving is brute force over 2^n
	// assignments per attempt, and the formatter needs n distinct names out
	// of the 51 in CommonNames. The paper's data goes up to 10.
	MaxPeople = 16
	// MaxRetry is how many samples SampleValid draws for one puzzle before it
	// silently gives that puzzle up (mem-kk's max_retry, default 1000).
	MaxRetry = 1000

	// depthConstraint is mem-kk's depth_constraint (2): an operator over
	// leaves at most. The formatter cannot render deeper trees.
	depthConstraint = 2
	// widthConstraint is mem-kk's width_constraint (2): and/or take exactly
	// two operands, and drawing that count consumes no randomness.
	widthConstraint = 2
)

// Sampler draws random statement sets exactly as mem-kk-logic's
// KKProblemSampler(seed, n, depth_constraint=2, width_constraint=2) does:
// one numpy-compatible RNG shared by all its calls in call order, so a run
// reproduces the public data puzzle for puzzle. A Sampler is not safe for
// concurrent use.
type Sampler struct {
	rng    *nprand.Generator
	people int
	// accepted holds the keys of every puzzle SampleValid has accepted in this
	// run: mem-kk skips exact repeats within a run.
	accepted map[string]struct{}
	key      []byte // scratch for puzzle keys
}

// CheckPeople returns an error unless people is a puzzle size the sampler
// supports (MinPeople..MaxPeople). Callers taking the size from user input
// check it first; NewSampler and Generate panic on an invalid size.
func CheckPeople(people int) error {
	if people < MinPeople || people > MaxPeople {
		return fmt.Errorf("kk: %d people is not supported: need %d..%d", people, MinPeople, MaxPeople)
	}
	return nil
}

// NewSampler returns mem-kk-logic's KKProblemSampler(seed, people). It panics
// if CheckPeople(people) fails.
func NewSampler(seed uint64, people int) *Sampler {
	if err := CheckPeople(people); err != nil {
		panic(err)
	}
	return &Sampler{rng: nprand.New(seed), people: people, accepted: map[string]struct{}{}}
}

// People returns the number of people in the sampler's puzzles.
func (s *Sampler) People() int { return s.people }

// Sample draws one puzzle's statements, person 0 first (mem-kk's sample()).
// The result may have zero or several solutions.
func (s *Sampler) Sample() []Statement {
	stmts := make([]Statement, s.people)
	for i := range stmts {
		stmts[i] = s.statement(i, depthConstraint)
	}
	return stmts
}

// statement is mem-kk's _sample_statement(pid, depth). The draw order is the
// contract: the dice is always drawn, even when depth 1 forces a leaf.
func (s *Sampler) statement(pid, depth int) Statement {
	dice := s.rng.Integers(0, 6)
	if depth == 1 || dice == 0 {
		for {
			lying := s.rng.Choice(2) == 1 // choice(['telling-truth', 'lying'])
			p := int(s.rng.Integers(0, int64(s.people)))
			// "I am a knave" is never drawn: it is a paradox on its own.
			if !(lying && p == pid) {
				if lying {
					return Statement{Op: Lying, Person: p}
				}
				return Statement{Op: TellingTruth, Person: p}
			}
		}
	}
	switch dice {
	case 1:
		return Statement{Op: Not, Args: []Statement{s.statement(pid, depth-1)}}
	case 2, 3:
		op := [...]Op{And, Or}[dice-2]
		// integers(2, width+1): with width 2 this returns 2 without a draw.
		k := int(s.rng.Integers(2, widthConstraint+1))
		return Statement{Op: op, Args: s.substatements(pid, depth, k)}
	default: // 4, 5
		op := [...]Op{Implies, Iff}[dice-4]
		return Statement{Op: op, Args: s.substatements(pid, depth, 2)}
	}
}

// substatements is mem-kk's _sample_substatements with dedup: it redraws
// operands equal to one already drawn for this operator, so operands are
// distinct but ordered.
func (s *Sampler) substatements(pid, depth, k int) []Statement {
	args := make([]Statement, 0, k)
	for len(args) < k {
		st := s.statement(pid, depth-1)
		dup := false
		for _, a := range args {
			if a.Equal(st) {
				dup = true
				break
			}
		}
		if !dup {
			args = append(args, st)
		}
	}
	return args
}

// SampleValid draws up to count uniquely solvable puzzles, as mem-kk's
// sample_valid_problems(count, max_retry=1000). For each puzzle it samples up
// to MaxRetry times, skipping puzzles already accepted in this run and those
// without exactly one solution; if all retries fail the puzzle is silently
// dropped (mem-kk's error check never fires), so fewer than count may come
// back — at 2 people only 399 distinct valid puzzles exist.
func (s *Sampler) SampleValid(count int) [][]Statement {
	out := make([][]Statement, 0, count)
	for range count {
		for range MaxRetry {
			stmts := s.Sample()
			s.key = appendKey(s.key[:0], stmts)
			if _, dup := s.accepted[string(s.key)]; dup {
				continue
			}
			if CountSolutions(stmts, 1) != 1 {
				continue
			}
			s.accepted[string(s.key)] = struct{}{}
			out = append(out, stmts)
			break
		}
	}
	return out
}

// opCode numbers the operators for puzzle keys.
var opCode = map[Op]byte{TellingTruth: 1, Lying: 2, Not: 3, And: 4, Or: 5, Implies: 6, Iff: 7}

// appendKey appends a compact encoding of the statements that is equal for
// two puzzles exactly when their trees are (the dedup set's key).
func appendKey(dst []byte, stmts []Statement) []byte {
	for _, st := range stmts {
		dst = appendStmtKey(dst, st)
	}
	return dst
}

func appendStmtKey(dst []byte, st Statement) []byte {
	if st.IsLeaf() {
		return append(dst, opCode[st.Op], byte(st.Person))
	}
	dst = append(dst, opCode[st.Op], byte(len(st.Args)))
	for _, a := range st.Args {
		dst = appendStmtKey(dst, a)
	}
	return dst
}
