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

	// onLogits, when set (tests), sees the logits [B·Vocab] from which token i of every row is
	// picked.
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
	return &Sampler{backend: b, model: m, bucket: backend.LengthBucket(b, DefaultLengthBucket), prefill: map[int]*model.Exec{}}, nil
}

// WithLengthBucket sets the granularity prompt and cache lengths are rounded up to (default
// [DefaultLengthBucket], at least backend.CompiledLengthBucket on a backend that compiles every
// shape, see backend.LengthBucket). Larger buckets mean fewer compiled graphs but more padded
// compute.
func (s *Sampler) WithLengthBucket(n int) *Sampler {
	s.bucket = backend.LengthBucket(s.backend, max(n, 1))
	return s
}

// Finalize frees the compiled graphs. The Sampler must not be used afterwards.
func (s *Sampler) Finalize() {
	for _, e := range s.prefill {
		e.Finalize()
	}
	for _, e := range []*model.Exec{s.step, s.full} {
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
	stepTokens := make([]int32, b)
	stepPos := make([]int32, b)
	for i := 0; ; i++ {
		if s.onLogits != nil {
			s.onLogits(i, logits)
		}
		active := 0
		for r := range b {
			if done[r] {
				continue
			}
			u := 0.0
			if !greedy {
				u = rngs[r].Float64()
			}
			tok, lp, lq := pk.pick(logits[r*cfg.Vocab:(r+1)*cfg.Vocab], u)
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
		slot := pLen + i
		for r := range b {
			stepTokens[r] = opts.Pad // rows that ended keep running on pad; their output is ignored
			if !done[r] {
				stepTokens[r] = results[r].Tokens[i]
			}
			stepPos[r] = int32(len(prompts[r]) + i)
			st.tokens[r][slot], st.positions[r][slot], st.mask[r][slot] = stepTokens[r], stepPos[r], true
		}
		if opts.NoCache {
			logits, err = s.runFull(st, slot)
		} else {
			logits, cache, err = s.runStep(stepTokens, stepPos, slot, st.mask, cache)
		}
		if err != nil {
			return nil, err
		}
	}
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
