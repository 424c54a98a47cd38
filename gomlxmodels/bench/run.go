package bench

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
)

// ImplR1lab is the [Result.Impl] of measurements taken by [Run].
const ImplR1lab = "r1lab"

// Run measures a freshly initialised model with cfg on backend b, as described in the package
// comment. spec's zero fields take their defaults. Results come in [Measurements] order.
func Run(b compute.Backend, cfg lm.Config, spec Spec) ([]Result, error) {
	return RunEach(b, cfg, spec, nil)
}

// RunEach is [Run], calling each (if not nil) as soon as a measurement is done, so that a caller
// can show progress during runs that take minutes.
func RunEach(b compute.Backend, cfg lm.Config, spec Spec, each func(Result)) ([]Result, error) {
	if b == nil {
		return nil, errors.New("bench.Run: nil backend")
	}
	spec = spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if spec.SeqLen > cfg.MaxSeqLen {
		return nil, fmt.Errorf("bench.Run: SeqLen %d exceeds the model's MaxSeqLen %d", spec.SeqLen, cfg.MaxSeqLen)
	}
	m, err := lm.New(cfg, spec.Seed)
	if err != nil {
		return nil, err
	}
	steps := []struct {
		name string
		run  func(compute.Backend, *lm.Model, Spec) (Result, error)
	}{
		{Train, measureTrain},
		{Forward, measureForward},
		{DecodeKV, func(b compute.Backend, m *lm.Model, s Spec) (Result, error) { return measureDecode(b, m, s, false) }},
		{DecodeNaive, func(b compute.Backend, m *lm.Model, s Spec) (Result, error) { return measureDecode(b, m, s, true) }},
	}
	var out []Result
	for _, st := range steps {
		if !spec.wants(st.name) {
			continue
		}
		r, err := st.run(b, m, spec)
		if err != nil {
			return out, fmt.Errorf("bench %s: %w", st.name, err)
		}
		r.Build = backend.BuildTag()
		out = append(out, r)
		if each != nil {
			each(r)
		}
	}
	return out, nil
}

// randomTokens returns a [rows][cols] matrix of ids in [0, vocab).
func randomTokens(seed uint64, rows, cols, vocab int) [][]int32 {
	rng := rand.New(rand.NewPCG(seed, 0x62656e6368)) // "bench"
	out := make([][]int32, rows)
	for i := range out {
		out[i] = make([]int32, cols)
		for j := range out[i] {
			out[i][j] = int32(rng.IntN(vocab))
		}
	}
	return out
}

// scalarLoss reads a scalar loss tensor and frees it. Reading it back also makes sure the step
// has really finished before the clock stops.
func scalarLoss(t *tensors.Tensor) (float64, error) {
	defer func() { _ = t.FinalizeAll() }()
	v, err := tensors.CopyFlatData[float32](t)
	if err != nil {
		return 0, err
	}
	if len(v) != 1 || math.IsNaN(float64(v[0])) || math.IsInf(float64(v[0]), 0) {
		return 0, fmt.Errorf("loss is %v, want one finite value", v)
	}
	return float64(v[0]), nil
}

func batchShape(s Spec) string { return fmt.Sprintf("B=%d S=%d", s.Batch, s.SeqLen) }

// measureTrain times one AdamW step on MaskedNLL with every position in the loss: the paper's
// SFT step on a batch with no padding.
func measureTrain(b compute.Backend, m *lm.Model, s Spec) (Result, error) {
	step, done, err := newTrainStep(b, m, s)
	if err != nil {
		return Result{}, err
	}
	defer done()
	t, err := timeRuns(s.Warmup, s.Steps, step)
	if err != nil {
		return Result{}, err
	}
	return t.result(Train, ImplR1lab, batchShape(s), s.Batch*s.SeqLen, m.Config.NumParams()), nil
}

// newTrainStep compiles the training step lazily (on the first call) and returns it with a
// function that frees it. The model is a Float32 one, so the loss reads back as float32.
func newTrainStep(b compute.Backend, m *lm.Model, s Spec) (step func() error, done func(), err error) {
	if m.Config.DType != dtypes.Float32 {
		return nil, nil, fmt.Errorf("only Float32 models are benchmarked, got %s", m.Config.DType)
	}
	opt := optimizer.Adam().LearningRate(s.LR).Betas(s.Beta1, s.Beta2).Epsilon(s.Eps).
		WeightDecay(s.WeightDecay).Done()
	e, err := model.NewExec(b, m.Store, func(root *model.Scope, tok *Node) *Node {
		g := tok.Graph()
		lp := lm.TokenLogProbs(m.Scope(), m.Config, tok, nil, nil, lm.NextTokenTargets(tok, 0))
		loss := lm.MaskedNLL(lp, Ones(g, shapes.Make(dtypes.Bool, tok.Shape().Dimensions...)))
		opt.UpdateGraph(root, g, loss)
		return loss
	})
	if err != nil {
		return nil, nil, err
	}
	tokens := randomTokens(s.Seed, s.Batch, s.SeqLen, m.Config.Vocab)
	step = func() error {
		out, err := e.Call(tokens)
		if err != nil {
			return err
		}
		_, err = scalarLoss(out[0])
		return err
	}
	return step, e.Finalize, nil
}

// measureForward times the next-token log-probs [B, S] of a batch, copied back to the host.
func measureForward(b compute.Backend, m *lm.Model, s Spec) (Result, error) {
	e, err := model.NewExec(b, m.Store, func(_ *model.Scope, tok *Node) *Node {
		return lm.TokenLogProbs(m.Scope(), m.Config, tok, nil, nil, lm.NextTokenTargets(tok, 0))
	})
	if err != nil {
		return Result{}, err
	}
	defer e.Finalize()
	tokens := randomTokens(s.Seed+1, s.Batch, s.SeqLen, m.Config.Vocab)
	t, err := timeRuns(s.Warmup, s.Steps, func() error {
		out, err := e.Call(tokens)
		if err != nil {
			return err
		}
		defer func() { _ = out[0].FinalizeAll() }()
		_, err = tensors.CopyFlatData[float32](out[0])
		return err
	})
	if err != nil {
		return Result{}, err
	}
	return t.result(Forward, ImplR1lab, batchShape(s), s.Batch*s.SeqLen, m.Config.NumParams()), nil
}

// measureDecode times greedy generation without EOS, so every row produces exactly the requested
// number of tokens. The sampler (and its compiled graphs) is shared by the warm-up and the timed
// runs, as it is across the steps of an RL run.
func measureDecode(b compute.Backend, m *lm.Model, s Spec, noCache bool) (Result, error) {
	name, newTokens := DecodeKV, s.NewTokens
	if noCache {
		name, newTokens = DecodeNaive, s.NaiveNewTokens
	}
	gen, done, err := newDecode(b, m, s, noCache)
	if err != nil {
		return Result{}, err
	}
	defer done()
	t, err := timeRuns(s.Warmup, s.DecodeRepeats, gen)
	if err != nil {
		return Result{}, err
	}
	shape := fmt.Sprintf("%d×%d prompt +%d new", s.DecodePrompts, s.PromptLen, newTokens)
	return t.result(name, ImplR1lab, shape, s.DecodePrompts*newTokens, m.Config.NumParams()), nil
}

// newDecode returns one greedy generation call of the decode measurement and a function that
// frees the sampler.
func newDecode(b compute.Backend, m *lm.Model, s Spec, noCache bool) (gen func() error, done func(), err error) {
	newTokens := s.NewTokens
	if noCache {
		newTokens = s.NaiveNewTokens
	}
	smp, err := sample.New(b, m)
	if err != nil {
		return nil, nil, err
	}
	prompts := randomTokens(s.Seed+2, s.DecodePrompts, s.PromptLen, m.Config.Vocab)
	opts := sample.Options{MaxNewTokens: newTokens, Temperature: 0, TopP: 1, NoCache: noCache}
	gen = func() error {
		res, err := smp.Generate(prompts, nil, opts)
		if err != nil {
			return err
		}
		for r := range res {
			if len(res[r].Tokens) != newTokens {
				return fmt.Errorf("row %d generated %d tokens, want %d", r, len(res[r].Tokens), newTokens)
			}
		}
		return nil
	}
	return gen, smp.Finalize, nil
}
