package lm

import (
	"math/rand/v2"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
)

// Benchmarks use the "tiny" preset with a 256-token vocabulary on a 16 × 256 batch (4,096
// tokens), the shape of a K&K SFT batch. They honour GOMLX_BACKEND, so backend settings can be
// compared with e.g. `GOMLX_BACKEND=go:ops_sequential go test -bench TrainStep -benchtime 3x`.
const benchVocab, benchBatch, benchSeq = 256, 16, 256

func benchSetup(b *testing.B) (*Model, [][]int32, [][]bool) {
	b.Helper()
	cfg, err := ConfigForSize("tiny", benchVocab)
	if err != nil {
		b.Fatal(err)
	}
	m, err := New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	return m, randomTokens(rng, benchBatch, benchSeq, benchVocab), onesMask(benchBatch, benchSeq)
}

// BenchmarkTrainStep: one AdamW step on MaskedNLL (forward, backward, update). Reports train
// tokens/s (all B·S tokens of the batch).
func BenchmarkTrainStep(b *testing.B) {
	be, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("backend: %s", backend.Describe(be))
	m, tokens, mask := benchSetup(b)
	step := newSFTStep(b, be, m, 1e-3)
	if _, err := step.Call(tokens, mask, mask); err != nil { // compile + first step, untimed
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		out, err := step.Call(tokens, mask, mask)
		if err != nil {
			b.Fatal(err)
		}
		out[0].MustFinalizeAll()
	}
	b.ReportMetric(float64(benchBatch*benchSeq*b.N)/b.Elapsed().Seconds(), "tok/s")
}

// BenchmarkForward: TokenLogProbs + MaskedNLL without gradients (an evaluation pass).
func BenchmarkForward(b *testing.B) {
	be, err := backend.New()
	if err != nil {
		b.Fatal(err)
	}
	m, tokens, mask := benchSetup(b)
	e, err := model.NewExec(be, m.Store, func(_ *model.Scope, tok, msk *Node) *Node {
		return MaskedNLL(TokenLogProbs(m.Scope(), m.Config, tok, nil, msk, NextTokenTargets(tok, 0)), msk)
	})
	if err != nil {
		b.Fatal(err)
	}
	var out []*tensors.Tensor
	if out, err = e.Call(tokens, mask); err != nil {
		b.Fatal(err)
	}
	out[0].MustFinalizeAll()
	b.ResetTimer()
	for b.Loop() {
		out, err := e.Call(tokens, mask)
		if err != nil {
			b.Fatal(err)
		}
		out[0].MustFinalizeAll()
	}
	b.ReportMetric(float64(benchBatch*benchSeq*b.N)/b.Elapsed().Seconds(), "tok/s")
}
