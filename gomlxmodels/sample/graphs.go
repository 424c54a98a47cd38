package sample

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// The host batch buffers and the three compiled graphs (prefill, decode step, full recompute).

// batchState is the host copy of the padded batch: [B][T] tokens, RoPE positions and key mask.
type batchState struct {
	tokens, positions [][]int32
	mask              [][]bool
}

// newBatchState left-pads the prompts into pLen slots of a tLen-slot buffer.
func newBatchState(prompts [][]int32, pLen, tLen int, pad int32) *batchState {
	st := &batchState{}
	for _, p := range prompts {
		tok, pos, msk := make([]int32, tLen), make([]int32, tLen), make([]bool, tLen)
		for j := range tok {
			tok[j] = pad
		}
		off := pLen - len(p)
		for j, id := range p {
			tok[off+j], pos[off+j], msk[off+j] = id, int32(j), true
		}
		st.tokens, st.positions, st.mask = append(st.tokens, tok), append(st.positions, pos), append(st.mask, msk)
	}
	return st
}

func columns[T any](rows [][]T, n int) [][]T {
	out := make([][]T, len(rows))
	for i, r := range rows {
		out[i] = r[:n]
	}
	return out
}

func finalizeAll(ts []*tensors.Tensor) {
	for _, t := range ts {
		if t != nil {
			_ = t.FinalizeAll()
		}
	}
}

// takeLogits copies a [B, Vocab] Float32 logits tensor to the host and frees it.
func takeLogits(t *tensors.Tensor) ([]float32, error) {
	defer func() { _ = t.FinalizeAll() }()
	flat, err := tensors.CopyFlatData[float32](t)
	if err != nil {
		return nil, fmt.Errorf("sample: reading logits: %w", err)
	}
	for _, v := range flat {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("sample: model produced a non-finite logit (%g)", v)
		}
	}
	return flat, nil
}

func (s *Sampler) newExec(fn func(*model.Scope, []*Node) []*Node) (*model.Exec, error) {
	e, err := model.NewExec(s.backend, s.model.Store, fn)
	if err != nil {
		return nil, err
	}
	// Bucketing bounds the number of shapes; never refuse a new one mid-training.
	e.SetMaxCache(-1)
	return e, nil
}

// runPrefill runs the padded prompts (first pLen slots) and returns the logits of the first
// generated token and the cache tensors [k₀, v₀, …] of length tLen.
func (s *Sampler) runPrefill(st *batchState, pLen, tLen int) ([]float32, []*tensors.Tensor, error) {
	e := s.prefill[tLen]
	if e == nil {
		m := s.model
		var err error
		e, err = s.newExec(func(_ *model.Scope, in []*Node) []*Node {
			logits, cache := lm.Prefill(m.Scope(), m.Config, in[0], in[1], in[2], tLen)
			return append([]*Node{ConvertDType(logits, dtypes.Float32)}, cache.Flat()...)
		})
		if err != nil {
			return nil, nil, err
		}
		s.prefill[tLen] = e
	}
	out, err := e.Call(columns(st.tokens, pLen), columns(st.positions, pLen), columns(st.mask, pLen))
	if err != nil {
		return nil, nil, fmt.Errorf("sample: prefill: %w", err)
	}
	logits, err := takeLogits(out[0])
	if err != nil {
		finalizeAll(out[1:])
		return nil, nil, err
	}
	return logits, out[1:], nil
}

// runStep feeds one token per row at cache slot `slot` and returns the next logits and the new
// cache; the old cache tensors are consumed (donated to the step).
func (s *Sampler) runStep(tokens, positions []int32, slot int, mask [][]bool, cache []*tensors.Tensor) ([]float32, []*tensors.Tensor, error) {
	if s.step == nil {
		m := s.model
		var err error
		s.step, err = s.newExec(func(_ *model.Scope, in []*Node) []*Node {
			logits, next := lm.DecodeStep(m.Scope(), m.Config, in[0], in[1], in[2], in[3], lm.KVCacheFromFlat(in[4:]))
			return append([]*Node{ConvertDType(logits, dtypes.Float32)}, next.Flat()...)
		})
		if err != nil {
			return nil, nil, err
		}
	}
	// The mask goes in as one flat tensor: converting a [][]bool of B × T through reflection
	// was 7% of a decode step.
	flat := make([]bool, 0, len(mask)*len(mask[0]))
	for _, row := range mask {
		flat = append(flat, row...)
	}
	maskT := tensors.FromFlatDataAndDimensions(flat, len(mask), len(mask[0]))
	defer func() { _ = maskT.FinalizeAll() }()
	args := []any{tokens, positions, int32(slot), maskT}
	for i, t := range cache {
		// Donate the old cache: the step's Where can then write the new cache into the same
		// buffer instead of allocating a fresh one per layer per token.
		d, err := DonateTensorBuffer(t, s.backend, 0)
		if err != nil {
			finalizeAll(cache[i:])
			return nil, nil, fmt.Errorf("sample: donating the KV cache: %w", err)
		}
		args = append(args, d)
	}
	out, err := s.step.Call(args...)
	if err != nil {
		return nil, nil, fmt.Errorf("sample: decode step: %w", err)
	}
	logits, err := takeLogits(out[0])
	if err != nil {
		finalizeAll(out[1:])
		return nil, nil, err
	}
	return logits, out[1:], nil
}

// gatherRows returns the cache rows of batch slots keep (in order) of every cache tensor; a
// cache tensor has KVHeads rows per batch slot (see lm.KVCache).
func (s *Sampler) gatherRows(keep []int32, cache []*tensors.Tensor) ([]*tensors.Tensor, error) {
	kv := int32(s.model.Config.KVHeads)
	rows := make([]int32, 0, len(keep)*int(kv))
	for _, k := range keep {
		for h := range kv {
			rows = append(rows, k*kv+h)
		}
	}
	if s.gather == nil {
		var err error
		s.gather, err = s.newExec(func(_ *model.Scope, in []*Node) []*Node {
			idx := ExpandAxes(in[0], -1) // [nb·KV, 1]: one index into the first axis per kept cache row
			out := make([]*Node, len(in)-1)
			for i, c := range in[1:] {
				out[i] = Gather(c, idx, true)
			}
			return out
		})
		if err != nil {
			return nil, err
		}
	}
	args := make([]any, 0, len(cache)+1)
	args = append(args, rows)
	for _, t := range cache {
		args = append(args, t)
	}
	out, err := s.gather.Call(args...)
	if err != nil {
		return nil, fmt.Errorf("sample: compacting the KV cache: %w", err)
	}
	return out, nil
}

// runFull recomputes the whole [B, T] buffer and returns the logits at `slot` (NoCache path).
func (s *Sampler) runFull(st *batchState, slot int) ([]float32, error) {
	if s.full == nil {
		m := s.model
		var err error
		s.full, err = s.newExec(func(_ *model.Scope, in []*Node) []*Node {
			hidden := lm.Hidden(m.Scope(), m.Config, in[0], in[1], in[2]) // [B, T, D]
			t := hidden.Shape().Dimensions[1]
			g := hidden.Graph()
			pick := ConvertDType(Equal(Iota(g, shapes.Make(dtypes.Int32, t), 0), ConvertDType(in[3], dtypes.Int32)), hidden.DType())
			h := ReduceSum(Mul(hidden, Reshape(pick, 1, t, 1)), 1) // hidden at `slot`: [B, D]
			return []*Node{ConvertDType(lm.OutputLogits(m.Scope(), m.Config, h), dtypes.Float32)}
		})
		if err != nil {
			return nil, err
		}
	}
	out, err := s.full.Call(st.tokens, st.positions, st.mask, int32(slot))
	if err != nil {
		return nil, fmt.Errorf("sample: full forward: %w", err)
	}
	return takeLogits(out[0])
}
