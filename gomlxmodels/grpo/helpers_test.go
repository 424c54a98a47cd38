package grpo

import (
	"math"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// tinyConfig is a one-layer model small enough to compile and run in milliseconds. A large init
// std makes its next-token distributions far from uniform, so log-probs, ratios and entropies
// differ from token to token.
func tinyConfig() lm.Config {
	return lm.Config{Vocab: 16, DModel: 16, Layers: 1, Heads: 2, KVHeads: 1, HeadDim: 8, FFN: 32,
		RoPEBase: 10000, MaxSeqLen: 64, NormEps: 1e-6, InitStd: 0.5, DType: dtypes.Float32}
}

func newModel(t testing.TB, seed uint64) *lm.Model {
	t.Helper()
	m, err := lm.New(tinyConfig(), seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// fixedRollouts is one group of four rollouts of different lengths for prompt [1 2 3], with
// placeholder old log-probs (tests replace them).
func fixedRollouts() (prompts, responses [][]int32, old [][]float32) {
	prompts = [][]int32{{1, 2, 3}, {1, 2, 3}, {1, 2, 3}, {1, 2, 3}}
	responses = [][]int32{{4, 5, 6, 7}, {8, 9}, {10, 11, 12}, {13, 14, 15, 4, 5}}
	for _, r := range responses {
		old = append(old, make([]float32, len(r)))
	}
	return prompts, responses, old
}

// hostPolicy is what the tests compute on the host from the model's raw logits (lm.Logits), in
// float64, independently of the package's gather/log-sum-exp code: per loss slot the tempered
// log-prob of the next token and the tempered entropy.
type hostPolicy struct {
	logp, entropy [][]float64 // [B][S], 0 off the loss slots
}

func computeHostPolicy(t testing.TB, m *lm.Model, b Batch, temperature float64) hostPolicy {
	t.Helper()
	e, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tokens, mask *Node) *Node {
		return lm.Logits(m.Scope(), m.Config, tokens, nil, mask)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	out, err := e.Call(b.Tokens, b.Mask)
	if err != nil {
		t.Fatal(err)
	}
	flat := tensors.MustCopyFlatData[float32](out[0])
	s, v := len(b.Tokens[0]), m.Config.Vocab
	hp := hostPolicy{logp: make([][]float64, b.Len()), entropy: make([][]float64, b.Len())}
	for i := range b.Len() {
		hp.logp[i], hp.entropy[i] = make([]float64, s), make([]float64, s)
		for t := range s {
			if !b.LossMask[i][t] {
				continue
			}
			row := flat[(i*s+t)*v : (i*s+t+1)*v]
			// log-softmax of logits/T, directly from the definition.
			z := 0.0
			for _, l := range row {
				z += math.Exp(float64(l) / temperature)
			}
			logZ := math.Log(z)
			hp.logp[i][t] = float64(row[b.Tokens[i][t+1]])/temperature - logZ
			for _, l := range row {
				lp := float64(l)/temperature - logZ
				hp.entropy[i][t] -= math.Exp(lp) * lp
			}
		}
	}
	return hp
}

// to32 converts host rows to the float32 layout of Batch fields.
func to32(x [][]float64) [][]float32 {
	out := make([][]float32, len(x))
	for i, row := range x {
		out[i] = make([]float32, len(row))
		for j, v := range row {
			out[i][j] = float32(v)
		}
	}
	return out
}

// modelWeights returns every variable of the model (under its path) as flat float32 data.
func modelWeights(t testing.TB, m *lm.Model) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range m.Store.IterVariables() {
		if !strings.HasPrefix(v.Path(), m.Path+"/") {
			continue
		}
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		out[v.Path()] = tensors.MustCopyFlatData[float32](val)
	}
	return out
}

// sumResponses returns, per row, the sum of the log-probs on its loss slots.
func sumResponses(lp [][]float32, b Batch) []float64 {
	out := make([]float64, b.Len())
	for i := range out {
		for t, on := range b.LossMask[i] {
			if on {
				out[i] += float64(lp[i][t])
			}
		}
	}
	return out
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }
