package effect

import (
	"fmt"
)

// LogLikelihoods returns, per pair, the length-normalised response log-likelihood
// f(z) = (1/|y|)·Σ_t log π(y_t | x, y_<t) at temperature 1: the function whose gradient is the
// sample direction s(z) (the negative of the per-sequence SFT loss, lm.SequenceNLL). It is one
// batched forward pass, the reference cost of the fast estimator.
func (e *Estimator) LogLikelihoods(pairs []Pair) ([]float64, error) {
	if err := e.checkPairs(pairs, "pairs"); err != nil {
		return nil, err
	}
	return e.forward(pairs, true, 1)
}

// SequenceLogProbs returns, per pair, log π_T(y|x) = Σ_t log π_T(y_t | x, y_<t) at
// Options.Temperature: the log-probability of sampling the whole response (EOS included if the
// response holds it), the quantity REINFORCE and enumeration differentiate.
func (e *Estimator) SequenceLogProbs(pairs []Pair) ([]float64, error) {
	if err := e.checkPairs(pairs, "pairs"); err != nil {
		return nil, err
	}
	return e.forward(pairs, false, e.opts.Temperature)
}

// SampleGradient returns the sample direction s(z) = ∇θ (1/|y|)·log π(y|x) of one pair, the
// exact gradient (reverse-mode autodiff, batch of one), flattened in Layout order.
func (e *Estimator) SampleGradient(p Pair) ([]float64, error) {
	gs, err := e.SampleGradients([]Pair{p})
	if err != nil {
		return nil, err
	}
	return gs[0], nil
}

// SampleGradients returns s(z) for every pair (see [Estimator.SampleGradient]): one backward
// pass per pair. Each vector has Layout().Dim elements, so the memory is len(pairs)·D·8 bytes:
// for many pairs use [Estimator.ExactSE] (which keeps only the inner products) or
// [Estimator.ProjectedSampleGradients].
func (e *Estimator) SampleGradients(pairs []Pair) ([][]float64, error) {
	out := make([][]float64, len(pairs))
	err := e.eachSampleGradient(pairs, func(i int, s []float64) error {
		out[i] = s
		return nil
	})
	return out, err
}

// eachSampleGradient computes s(z_i) for each pair in order and passes it to fn, which may keep
// it. Pairs are padded to a multiple of LengthBucket so that few shapes are compiled.
func (e *Estimator) eachSampleGradient(pairs []Pair, fn func(i int, s []float64) error) error {
	if err := e.checkPairs(pairs, "pairs"); err != nil {
		return err
	}
	x, err := e.gradientExec(true, 1)
	if err != nil {
		return err
	}
	one := e.weightsArg([]float64{1})
	for i, p := range pairs {
		b := batchPairs([]Pair{p}, 1, 0, e.opts.LengthBucket)[0]
		outs, err := x.Call(b.tokens, b.mask, b.lossMask, one)
		if err != nil {
			return fmt.Errorf("effect: sample gradient of pairs[%d]: %w", i, err)
		}
		s := make([]float64, e.layout.Dim)
		if err := e.addGradient(s, outs); err != nil {
			return err
		}
		if err := checkFinite(s, fmt.Sprintf("the sample gradient of pairs[%d]", i)); err != nil {
			return err
		}
		if err := fn(i, s); err != nil {
			return err
		}
	}
	return nil
}
