package effect

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/analysis/stats"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// hostLogSoftmax returns log-softmax rows [S][V] of one sequence's logits computed by lm.Logits
// (Float64 model), normalised on the host.
func hostLogSoftmax(t *testing.T, m *lm.Model, p Pair) [][]float64 {
	t.Helper()
	tok := [][]int32{append(append([]int32(nil), p.Prompt...), p.Response...)}
	x, err := model.NewExec(backendtest.Must(t), m.Store, func(_ *model.Scope, tokens *graph.Node) *graph.Node {
		return lm.Logits(m.Scope(), m.Config, tokens, nil, nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Finalize()
	out, err := x.Call(tok)
	if err != nil {
		t.Fatal(err)
	}
	flat := tensors.MustCopyFlatData[float64](out[0])
	v := m.Config.Vocab
	rows := make([][]float64, len(tok[0]))
	for s := range rows {
		row := flat[s*v : (s+1)*v]
		mx := math.Inf(-1)
		for _, l := range row {
			mx = max(mx, l)
		}
		z := 0.0
		for _, l := range row {
			z += math.Exp(l - mx)
		}
		rows[s] = make([]float64, v)
		for i, l := range row {
			rows[s][i] = l - mx - math.Log(z)
		}
	}
	return rows
}

// TestPerPosition checks TokenStats and ComparePerPosition against host computations from raw
// logits: per-token log-probs, greedy tokens, entropies and the exact KL.
func TestPerPosition(t *testing.T) {
	vocab := mustVocab(t)
	cfg := microConfig(vocab, dtypes.Float64)
	cur, ref := newModel(t, cfg, 71), newModel(t, cfg, 72)
	opts := DefaultOptions()
	opts.BatchSize = 3
	e, eRef := newEstimator(t, cur, opts), newEstimator(t, ref, opts)
	pairs := randomPairs(rand.New(rand.NewPCG(27, 28)), 5, vocab, 2, 9, 1, 7)
	tokStats, err := e.TokenStats(pairs)
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := e.ComparePerPosition(eRef, pairs)
	if err != nil {
		t.Fatal(err)
	}
	lls, err := e.LogLikelihoods(pairs)
	if err != nil {
		t.Fatal(err)
	}
	changed := 0
	for i, p := range pairs {
		ls, lsRef := hostLogSoftmax(t, cur, p), hostLogSoftmax(t, ref, p)
		st, df := tokStats[i], diffs[i]
		if len(st.LogProbs) != len(p.Response) || len(df.KL) != len(p.Response) {
			t.Fatalf("pair %d: %d/%d positions for a response of %d", i, len(st.LogProbs), len(df.KL), len(p.Response))
		}
		if d := math.Abs(stats.Mean(st.LogProbs) - lls[i]); d > 1e-12 {
			t.Errorf("pair %d: mean token log-prob %g ≠ LogLikelihoods %g", i, stats.Mean(st.LogProbs), lls[i])
		}
		for j, y := range p.Response {
			row, rowRef := ls[len(p.Prompt)-1+j], lsRef[len(p.Prompt)-1+j]
			argmax, argmaxRef, ent, kl := 0, 0, 0.0, 0.0
			for v := range row {
				if row[v] > row[argmax] {
					argmax = v
				}
				if rowRef[v] > rowRef[argmaxRef] {
					argmaxRef = v
				}
				ent -= math.Exp(row[v]) * row[v]
				kl += math.Exp(row[v]) * (row[v] - rowRef[v])
			}
			near := func(name string, got, want float64) {
				if math.Abs(got-want) > 1e-10*(1+math.Abs(want)) {
					t.Errorf("pair %d position %d: %s = %.12g, host %.12g", i, j, name, got, want)
				}
			}
			near("log-prob", st.LogProbs[j], row[y])
			near("entropy", st.Entropy[j], ent)
			near("KL", df.KL[j], kl)
			near("diff log-prob", df.LogProbs[j], row[y])
			near("ref log-prob", df.RefLogProbs[j], rowRef[y])
			if int(st.Argmax[j]) != argmax || int(df.Argmax[j]) != argmax || int(df.RefArgmax[j]) != argmaxRef {
				t.Errorf("pair %d position %d: argmax %d/%d (host %d), ref %d (host %d)",
					i, j, st.Argmax[j], df.Argmax[j], argmax, df.RefArgmax[j], argmaxRef)
			}
			if df.ArgmaxChanged()[j] {
				changed++
			}
		}
	}
	t.Logf("argmax changed at %d positions between two random initialisations", changed)

	// Against itself: KL 0, no argmax change.
	self, err := e.ComparePerPosition(e, pairs)
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range self {
		for j := range d.KL {
			if math.Abs(d.KL[j]) > 1e-12 || d.ArgmaxChanged()[j] {
				t.Errorf("self comparison, pair %d position %d: KL %g, argmax %d vs %d", i, j, d.KL[j], d.Argmax[j], d.RefArgmax[j])
			}
		}
	}
}
