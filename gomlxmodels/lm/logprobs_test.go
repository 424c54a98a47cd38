package lm

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
)

// TestTokenLogProbs compares the fused gather + log-sum-exp with a log-softmax of Logits computed
// on the host in float64.
func TestTokenLogProbs(t *testing.T) {
	cfg := testConfig(dtypes.Float32)
	m := newTestModel(t, cfg, 3)
	rng := rand.New(rand.NewPCG(5, 6))
	const b, s = 3, 9
	tokens := randomTokens(rng, b, s, cfg.Vocab)
	mask := onesMask(b, s)
	mask[2][0], mask[2][1] = false, false // some left padding too
	logits := runLogits(t, logitsExec(t, m), tokens, mask)

	e, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tok, msk *Node) *Node {
		return TokenLogProbs(m.Scope(), cfg, tok, nil, msk, NextTokenTargets(tok, 0))
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Call(tokens, mask)
	if err != nil {
		t.Fatal(err)
	}
	got := toFloat64s(t, out[0])
	if len(got) != b*s {
		t.Fatalf("TokenLogProbs returned %d values, want %d", len(got), b*s)
	}
	for i := range b {
		for j := range s {
			target := int32(0) // NextTokenTargets fill for the last column
			if j+1 < s {
				target = tokens[i][j+1]
			}
			want := hostLogSoftmax(logits[i][j])[target]
			if d := math.Abs(got[i*s+j] - want); d > 1e-5 {
				t.Errorf("row %d pos %d: TokenLogProbs = %g, log-softmax = %g", i, j, got[i*s+j], want)
			}
		}
	}
}

func hostLogSoftmax(x []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = max(m, v)
	}
	sum := 0.0
	for _, v := range x {
		sum += math.Exp(v - m)
	}
	lse := m + math.Log(sum)
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = v - lse
	}
	return out
}

// TestNLLReductions checks the three loss reductions on hand-computed examples.
func TestNLLReductions(t *testing.T) {
	// Row 0: 2 loss tokens (−1, −3) → mean NLL 2. Row 1: 1 loss token (−4) → 4.
	// Row 2: no loss tokens (batch padding) → excluded from MaskedNLL, SequenceNLL 0.
	logProbs := [][]float32{{-1, -3, -9}, {-7, -4, -9}, {-5, -5, -5}}
	mask := [][]bool{{true, true, false}, {false, true, false}, {false, false, false}}
	empty := [][]bool{{false, false, false}, {false, false, false}, {false, false, false}}
	tests := []struct {
		name string
		fn   func(lp, m *Node) *Node
		mask [][]bool
		want []float64
	}{
		{"SequenceNLL", SequenceNLL, mask, []float64{2, 4, 0}},
		{"MaskedNLL (per sequence, then over sequences)", MaskedNLL, mask, []float64{(2 + 4) / 2.0}},
		{"TokenMeanNLL", TokenMeanNLL, mask, []float64{(1 + 3 + 4) / 3.0}},
		{"MaskedNLL, no tokens", MaskedNLL, empty, []float64{0}},
		{"TokenMeanNLL, no tokens", TokenMeanNLL, empty, []float64{0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := ExecOnce(backendtest.Must(t), func(lp, m *Node) *Node { return tc.fn(lp, m) }, logProbs, tc.mask)
			if err != nil {
				t.Fatal(err)
			}
			got := toFloat64s(t, out)
			if maxAbsDiff(got, tc.want) > 1e-6 {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}
