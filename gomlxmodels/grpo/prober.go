package grpo

import (
	"errors"
	"fmt"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// LogProber computes the per-token log-probs of a [Batch]'s responses under one model at one
// temperature, without touching its weights: the reference policy's log-probs for
// Batch.RefLogProbs (verl computes them at the rollout temperature too), or before/after
// measurements. It reads the model's current weights at every call. Not safe for concurrent use.
type LogProber struct {
	model *lm.Model
	exec  *model.Exec
}

// NewLogProber compiles (lazily, per batch shape) the log-prob pass of m at temperature (> 0;
// use Config.Temperature to match the loss).
func NewLogProber(b compute.Backend, m *lm.Model, temperature float64) (*LogProber, error) {
	if b == nil || m == nil || m.Store == nil {
		return nil, errors.New("grpo.NewLogProber: nil backend or model")
	}
	if !(temperature > 0) {
		return nil, fmt.Errorf("grpo.NewLogProber: temperature %g must be > 0", temperature)
	}
	if err := lm.CheckParams(m.Scope(), m.Config); err != nil {
		return nil, err
	}
	exec, err := model.NewExec(b, m.Store, func(_ *model.Scope, tokens, mask, lossMask *Node) *Node {
		lp, _ := TokenLogProbs(m.Scope(), m.Config, tokens, mask, lm.NextTokenTargets(tokens, 0), temperature, false)
		return ConvertDType(Where(lossMask, lp, ScalarZero(lp.Graph(), lp.DType())), dtypes.Float32)
	})
	if err != nil {
		return nil, err
	}
	return &LogProber{model: m, exec: exec}, nil
}

// LogProbs returns [B][S] log-probs laid out like Batch.OldLogProbs: on loss slot t of row i the
// log-probability of Tokens[i][t+1], 0 elsewhere.
func (p *LogProber) LogProbs(b Batch) ([][]float32, error) {
	if err := b.validate(p.model.Config.Vocab, p.model.Config.MaxSeqLen); err != nil {
		return nil, err
	}
	out, err := p.exec.Call(b.Tokens, b.Mask, b.LossMask)
	if err != nil {
		return nil, fmt.Errorf("grpo: log-probs: %w", err)
	}
	flat := tensors.MustCopyFlatData[float32](out[0])
	s := len(b.Tokens[0])
	rows := make([][]float32, b.Len())
	for i := range rows {
		rows[i] = flat[i*s : (i+1)*s : (i+1)*s]
	}
	return rows, nil
}

// Finalize frees the compiled graphs; the LogProber must not be used afterwards.
func (p *LogProber) Finalize() { p.exec.Finalize() }
