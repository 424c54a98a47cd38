// Package splits cuts a task's generated items into the paper's splits —
// test, RL train and an SFT pool divided into train and validation — the
// same way for every task.
//
// Each level is one deterministic generator run whose items are distinct and
// whose shorter runs are prefixes of longer ones. The run's index range is
// cut in a fixed order: test first, then RL train, then the SFT pool. So no
// item is in two splits, and growing a later split never changes an earlier
// one. Items of different levels can still coincide (a short ARITH
// expression can come up at two levels), so Cut also removes, by each
// item's key, any item already placed in an earlier split (in the order
// test, train, SFT pool) and counts it in Splits.Duplicates.
package splits

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/r1lab/r1lab/datasets/nprand"
)

// Sizes sets how many items per level each split holds and how the RL train
// rows and the SFT pool are shuffled.
type Sizes struct {
	// Test is the number of test items per level.
	Test map[int]int
	// Train is the number of RL training items per level.
	Train map[int]int
	// SFT is the number of SFT-pool items per level.
	SFT map[int]int
	// SFTValFraction is the share of the shuffled SFT pool held out for
	// validation (the paper's 900/100 is 0.1).
	SFTValFraction float64
	// ShuffleSeed seeds the shuffles of the RL training rows and of the SFT
	// pool (r1lab's numpy-compatible RNG, so the order is the same on every
	// platform). The paper used Python's random.seed(1234), whose MT19937
	// order is not reproduced: it changes only row order.
	ShuffleSeed uint64
}

// Splits holds the items of every split.
type Splits[T any] struct {
	Train    []T // RL training items, shuffled
	Test     []T // test items, by level then generator index
	SFTTrain []T // SFT pool, training part
	SFTVal   []T // SFT pool, validation part
	// Duplicates counts items left out because an earlier split (or an
	// earlier level of the same split) already held an item with their key.
	Duplicates int
}

// All returns every item of every split: test, RL train, SFT train, SFT
// validation, in that order (what a generator must not reuse elsewhere).
func (s *Splits[T]) All() []T {
	return slices.Concat(s.Test, s.Train, s.SFTTrain, s.SFTVal)
}

// Levels returns the sorted levels that appear in any split.
func (s Sizes) Levels() []int {
	set := map[int]bool{}
	for _, m := range []map[int]int{s.Test, s.Train, s.SFT} {
		for l, n := range m {
			if n > 0 {
				set[l] = true
			}
		}
	}
	ls := make([]int, 0, len(set))
	for l := range set {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

// Validate checks the sizes; checkLevel reports a level the task cannot make.
func (s Sizes) Validate(checkLevel func(level int) error) error {
	for _, sp := range []struct {
		name string
		m    map[int]int
	}{{"test", s.Test}, {"train", s.Train}, {"sft", s.SFT}} {
		for l, n := range sp.m {
			if err := checkLevel(l); err != nil {
				return fmt.Errorf("%s split: %w", sp.name, err)
			}
			if n < 0 {
				return fmt.Errorf("%s split: level %d: negative count %d", sp.name, l, n)
			}
		}
	}
	if s.SFTValFraction < 0 || s.SFTValFraction >= 1 {
		return fmt.Errorf("SFT validation fraction %v is not in [0, 1)", s.SFTValFraction)
	}
	return nil
}

// Cut generates every level's items with generate (which must return the
// first n items of the level's run, or an error) and cuts them into splits.
// key identifies an item for the disjointness check. Levels are generated
// in parallel; progress, if not nil, is called (serially) as each finishes.
func Cut[T any](s Sizes, generate func(level, n int) ([]T, error), key func(T) string,
	progress func(level, n int)) (*Splits[T], error) {
	levels := s.Levels()
	perLevel := make([][]T, len(levels))
	errs := make([]error, len(levels))
	var wg sync.WaitGroup
	var mu sync.Mutex
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := len(levels) - 1; k >= 0; k-- { // largest levels first: they take longest
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			l := levels[k]
			need := s.Test[l] + s.Train[l] + s.SFT[l]
			items, err := generate(l, need)
			if err == nil && len(items) < need {
				err = fmt.Errorf("the generator found only %d distinct items, but the splits need %d (test %d + train %d + sft %d)",
					len(items), need, s.Test[l], s.Train[l], s.SFT[l])
			}
			if err != nil {
				errs[k] = fmt.Errorf("level %d: %w", l, err)
				return
			}
			perLevel[k] = items
			if progress != nil {
				mu.Lock()
				progress(l, need)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	out := &Splits[T]{}
	seen := map[string]bool{}
	var pool []T
	// keep appends the items whose keys are new, in order.
	keep := func(dst []T, items []T) []T {
		for _, it := range items {
			if k := key(it); seen[k] {
				out.Duplicates++
			} else {
				seen[k] = true
				dst = append(dst, it)
			}
		}
		return dst
	}
	for k, l := range levels {
		out.Test = keep(out.Test, perLevel[k][:s.Test[l]])
	}
	for k, l := range levels {
		out.Train = keep(out.Train, perLevel[k][s.Test[l]:s.Test[l]+s.Train[l]])
	}
	for k, l := range levels {
		a := s.Test[l] + s.Train[l]
		pool = keep(pool, perLevel[k][a:a+s.SFT[l]])
	}
	Shuffle(out.Train, nprand.New(s.ShuffleSeed))
	Shuffle(pool, nprand.New(s.ShuffleSeed+1))
	nVal := int(float64(len(pool))*s.SFTValFraction + 0.5)
	out.SFTTrain, out.SFTVal = pool[:len(pool)-nVal], pool[len(pool)-nVal:]
	return out, nil
}

// Shuffle permutes items in place with g.
func Shuffle[T any](items []T, g *nprand.Generator) {
	g.Shuffle(len(items), func(i, j int) { items[i], items[j] = items[j], items[i] })
}
