package sample

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// DefaultLengthBucket is the default granularity (in tokens) of prompt and cache lengths.
const DefaultLengthBucket = 16

// Sampler generates from one model on one backend, keeping its compiled graphs between calls.
// It reads the model's current weights at every call, so it can be reused across training
// steps. A Sampler is not safe for concurrent use.
type Sampler struct {
	backend compute.Backend
	model   *lm.Model
	bucket  int

	prefill map[int]*model.Exec // by cache length
	step    *model.Exec
	full    *model.Exec // NoCache path
	gather  *model.Exec // compaction: picks cache rows

	// keepFinished turns off the compaction of finished rows (see [Sampler.WithCompaction]).
	keepFinished bool
	// fineSizes lets compaction use any multiple of 8 rows (the Go backend builds a graph for a
	// new shape quickly), not only powers of two.
	fineSizes bool

	// onLogits, when set (tests), sees the logits [B'·Vocab] from which token i of every row
	// still in the batch is picked (B' shrinks as finished rows are compacted away).
	onLogits func(i int, logits []float32)
}

// New returns a Sampler for m on backend b.
func New(b compute.Backend, m *lm.Model) (*Sampler, error) {
	if b == nil || m == nil || m.Store == nil {
		return nil, errors.New("sample.New: nil backend or model")
	}
	if err := lm.CheckParams(m.Scope(), m.Config); err != nil {
		return nil, err
	}
	return &Sampler{backend: b, model: m, bucket: backend.LengthBucket(b, DefaultLengthBucket), prefill: map[int]*model.Exec{},
		fineSizes: !backend.CompilesShapes(b)}, nil
}

// WithLengthBucket sets the granularity prompt and cache lengths are rounded up to (default
// [DefaultLengthBucket], at least backend.CompiledLengthBucket on a backend that compiles every
// shape, see backend.LengthBucket). Larger buckets mean fewer compiled graphs but more padded
// compute.
func (s *Sampler) WithLengthBucket(n int) *Sampler {
	s.bucket = backend.LengthBucket(s.backend, max(n, 1))
	return s
}

// WithCompaction sets whether Generate drops finished rows from the batch (default true). With
// it, as rows finish, the cache rows of the unfinished ones are gathered into a smaller batch,
// so a decode step costs what the unfinished rows need: on the Go backend a step's time is close
// to proportional to the rows (the paper-cpu model, 640 new tokens: 37 ms per step at 64 rows,
// 6 ms at 8). On the Go backend the batch shrinks in multiples of 8 rows; on a backend that
// compiles every shape (XLA) only to powers of two, halving at least, so it sees few shapes.
// Results do not depend on it: every row is computed independently of the others
// (TestCompaction).
func (s *Sampler) WithCompaction(on bool) *Sampler {
	s.keepFinished = !on
	return s
}

// Finalize frees the compiled graphs. The Sampler must not be used afterwards.
func (s *Sampler) Finalize() {
	for _, e := range s.prefill {
		e.Finalize()
	}
	for _, e := range []*model.Exec{s.step, s.full, s.gather} {
		if e != nil {
			e.Finalize()
		}
	}
	s.prefill = nil
}

func roundUp(n, k int) int { return (n + k - 1) / k * k }

// Generate samples one response per prompt. seeds[r] drives row r (required unless
// opts.Temperature is 0; see [SeedFor]). Prompts must be non-empty, their ids in the vocabulary,
// and len(prompt)+MaxNewTokens must not exceed the model's MaxSeqLen. Duplicate a prompt with
// different seeds to draw a group of samples for it.
func (s *Sampler) Generate(prompts [][]int32, seeds []uint64, opts Options) ([]Result, error) {
	cfg := s.model.Config
	longest, err := checkInputs(cfg, prompts, seeds, opts)
	if err != nil {
		return nil, err
	}
	greedy := opts.Temperature == 0

	b := len(prompts)
	pLen := roundUp(longest, s.bucket)
	// Slots: the padded prompt, then every generated token except the last (never fed back).
	tLen := max(pLen, roundUp(pLen+opts.MaxNewTokens-1, s.bucket))
	st := newBatchState(prompts, pLen, tLen, opts.Pad)

	var (
		logits []float32
		cache  []*tensors.Tensor
	)
	if opts.NoCache {
		logits, err = s.runFull(st, pLen-1)
	} else {
		logits, cache, err = s.runPrefill(st, pLen, tLen)
	}
	if err != nil {
		return nil, err
	}
	defer func() { finalizeAll(cache) }()

	results := make([]Result, b)
	done := make([]bool, b)
	pk := newPicker(cfg.Vocab, opts.Temperature, opts.TopP)
	rngs := make([]*rand.Rand, b)
	if !greedy {
		for r := range rngs {
			rngs[r] = newRowRNG(seeds[r])
		}
	}
	// rows[k] is the prompt in batch slot k; compaction shortens it.
	rows := make([]int, b)
	for k := range rows {
		rows[k] = k
	}
	stepTokens := make([]int32, b)
	stepPos := make([]int32, b)
	stepMask := make([][]bool, b)
	for i := 0; ; i++ {
		if s.onLogits != nil {
			s.onLogits(i, logits)
		}
		active := 0
		for k, r := range rows {
			if done[r] {
				continue
			}
			u := 0.0
			if !greedy {
				u = rngs[r].Float64()
			}
			tok, lp, lq := pk.pick(logits[k*cfg.Vocab:(k+1)*cfg.Vocab], u)
			res := &results[r]
			res.Tokens = append(res.Tokens, int32(tok))
			res.LogProbs = append(res.LogProbs, float32(lp))
			res.SampleLogProbs = append(res.SampleLogProbs, float32(lq))
			res.Entropies = append(res.Entropies, float32(pk.entropy))
			if slices.Contains(opts.EOS, int32(tok)) {
				res.Ended, done[r] = true, true
			} else if len(res.Tokens) == opts.MaxNewTokens {
				done[r] = true
			} else {
				active++
			}
		}
		if active == 0 {
			return results, nil
		}
		if nb := compactedSize(len(rows), active, s.fineSizes); nb < len(rows) && !opts.NoCache && !s.keepFinished {
			if rows, cache, err = s.compact(rows, done, nb, cache); err != nil {
				return nil, err
			}
		}
		slot := pLen + i
		for k, r := range rows {
			stepTokens[k] = opts.Pad // rows that ended keep running on pad; their output is ignored
			if !done[r] {
				stepTokens[k] = results[r].Tokens[i]
			}
			stepPos[k] = int32(len(prompts[r]) + i)
			st.tokens[r][slot], st.positions[r][slot], st.mask[r][slot] = stepTokens[k], stepPos[k], true
			stepMask[k] = st.mask[r]
		}
		n := len(rows)
		if opts.NoCache {
			logits, err = s.runFull(st, slot)
		} else {
			logits, cache, err = s.runStep(stepTokens[:n], stepPos[:n], slot, stepMask[:n], cache)
		}
		if err != nil {
			return nil, err
		}
	}
}

// compactedSize is the batch size a batch of cur rows, active of them unfinished, shrinks to
// (cur: no compaction). With fine sizes (a backend that builds graphs quickly) a batch shrinks
// to the active rows rounded up to a multiple of 8, below 8 to a power of two. Otherwise (a
// backend that compiles each shape for seconds) it takes powers of two only, and halves at
// least, so a batch sees a few shapes.
func compactedSize(cur, active int, fine bool) int {
	nb := 1
	for nb < active {
		nb *= 2
	}
	switch {
	case fine && active > 8:
		nb = roundUp(active, 8)
	case !fine && nb > cur/2 && cur&(cur-1) == 0:
		return cur // a power of two halves, a batch of another size first drops to one
	}
	return min(nb, cur)
}

// compact keeps nb batch slots: every unfinished row, then finished ones to fill, in their
// current order. It returns the new slot→row map and the gathered cache (the old one is freed).
func (s *Sampler) compact(rows []int, done []bool, nb int, cache []*tensors.Tensor) ([]int, []*tensors.Tensor, error) {
	keep := make([]int32, 0, nb)
	for k, r := range rows {
		if !done[r] {
			keep = append(keep, int32(k))
		}
	}
	for k, r := range rows {
		if len(keep) == nb {
			break
		}
		if done[r] {
			keep = append(keep, int32(k))
		}
	}
	slices.Sort(keep)
	kept := make([]int, nb)
	for j, k := range keep {
		kept[j] = rows[k]
	}
	gathered, err := s.gatherRows(keep, cache)
	finalizeAll(cache)
	if err != nil {
		return nil, nil, err
	}
	return kept, gathered, nil
}

// checkInputs validates a Generate call and returns the longest prompt length.
func checkInputs(cfg lm.Config, prompts [][]int32, seeds []uint64, opts Options) (int, error) {
	if err := opts.validate(cfg.Vocab); err != nil {
		return 0, err
	}
	if len(prompts) == 0 {
		return 0, errors.New("sample: no prompts")
	}
	if (opts.Temperature != 0 || seeds != nil) && len(seeds) != len(prompts) {
		return 0, fmt.Errorf("sample: %d seeds for %d prompts (one seed per row is required unless Temperature is 0)",
			len(seeds), len(prompts))
	}
	longest := 0
	for r, p := range prompts {
		if len(p) == 0 {
			return 0, fmt.Errorf("sample: prompt %d is empty", r)
		}
		for j, id := range p {
			if id < 0 || int(id) >= cfg.Vocab {
				return 0, fmt.Errorf("sample: prompt %d, position %d: token id %d outside the vocabulary [0, %d)",
					r, j, id, cfg.Vocab)
			}
		}
		if len(p)+opts.MaxNewTokens > cfg.MaxSeqLen {
			return 0, fmt.Errorf("sample: prompt %d has %d tokens; with MaxNewTokens=%d it exceeds MaxSeqLen=%d",
				r, len(p), opts.MaxNewTokens, cfg.MaxSeqLen)
		}
		longest = max(longest, len(p))
	}
	return longest, nil
}
