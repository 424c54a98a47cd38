package corpus

import (
	"fmt"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
)

// arithChunk is how many problems one ARITH pool refill generates. Any size
// works; this one keeps refills rare and cheap.
const arithChunk = 256

// maxEmptyChunks is how many refills in a row may bring no new problem
// before a level counts as used up (only tiny levels can get there).
const maxEmptyChunks = 4

// kkPool hands out the corpus's puzzles of one size: fresh ones from the
// corpus's own sampler while it finds any that are not excluded, then old
// ones again under new names.
type kkPool struct {
	people    int
	sampler   *kk.Sampler
	stmts     [][]kk.Statement // every puzzle handed out, in order
	exhausted bool
}

// next returns the statements of the next puzzle.
func (p *kkPool) next(r *rng, ex Exclusion) ([]kk.Statement, error) {
	for !p.exhausted {
		got := p.sampler.SampleValid(1)
		if len(got) == 0 {
			// MaxRetry samples found no new valid puzzle: the level is (about)
			// used up, as 2 people is after 399 puzzles.
			p.exhausted = true
			break
		}
		if ex.ExcludesKK(got[0]) {
			continue
		}
		p.stmts = append(p.stmts, got[0])
		return got[0], nil
	}
	if len(p.stmts) == 0 {
		return nil, fmt.Errorf("corpus: every %d-person puzzle is excluded", p.people)
	}
	return p.stmts[r.intn(len(p.stmts))], nil
}

// arithPool hands out the corpus's problems of one level: fresh ones from
// chunks of the corpus's own problem streams (each chunk one arith.Generate
// call with its own seed), skipping excluded and already used expressions,
// then old ones again.
type arithPool struct {
	level     int
	seed      uint64
	chunks    uint64          // chunks generated so far
	queue     []arith.Problem // fresh problems not yet handed out
	used      []arith.Problem // every problem handed out
	seen      map[string]bool // expressions queued or handed out
	exhausted bool
}

func (p *arithPool) next(r *rng, ex Exclusion) (arith.Problem, error) {
	for empty := 0; len(p.queue) == 0 && !p.exhausted; {
		ps, err := arith.Generate(kk.SubSeed(p.seed, p.chunks), p.level, arithChunk)
		if err != nil {
			return arith.Problem{}, fmt.Errorf("corpus: %w", err)
		}
		p.chunks++
		for _, q := range ps {
			if !p.seen[q.Expr] && !ex.ExcludesArith(q.Expr) {
				p.seen[q.Expr] = true
				p.queue = append(p.queue, q)
			}
		}
		if len(p.queue) == 0 {
			if empty++; empty >= maxEmptyChunks {
				p.exhausted = true
			}
		}
	}
	if len(p.queue) > 0 {
		q := p.queue[0]
		p.queue = p.queue[1:]
		p.used = append(p.used, q)
		return q, nil
	}
	if len(p.used) == 0 {
		return arith.Problem{}, fmt.Errorf("corpus: every level-%d ARITH problem is excluded", p.level)
	}
	return p.used[r.intn(len(p.used))], nil
}
