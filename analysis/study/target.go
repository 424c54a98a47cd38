package study

import (
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// Seed streams of the sampled test rollouts (sample.SeedFor's "step" argument): every draw of the
// analyses has its own, so no two share a random number.
const (
	streamTarget  = 1 << 32 // rollouts behind a target gradient (+ the checkpoint's step)
	streamMeasure = 2 << 32 // independent rollouts that measure ΔAcc in analysis 1
)

// testRollouts samples group responses per prompt from the model behind s at temperature t,
// with seeds sample.SeedFor(seed, stream, prompt index, j), and scores them. Group is the
// prompt's position in prompts.
func testRollouts(s *sample.Sampler, tok *tokenizer.Tokenizer, prompts []Prompt, group int, t float64, maxNew int,
	seed, stream uint64) ([]effect.Rollout, error) {
	var ids [][]int32
	var seeds []uint64
	for _, p := range prompts {
		for j := range group {
			ids = append(ids, p.IDs)
			seeds = append(seeds, sample.SeedFor(seed, stream, uint64(p.Index), uint64(j)))
		}
	}
	res, err := s.Generate(ids, seeds, sample.Options{MaxNewTokens: maxNew, Temperature: t, TopP: 1,
		EOS: []int32{tok.EndOfTextID(), tok.ImEndID()}, Pad: tok.PadID()})
	if err != nil {
		return nil, fmt.Errorf("study: sampling test rollouts: %w", err)
	}
	out := make([]effect.Rollout, len(res))
	for k, r := range res {
		p := prompts[k/group]
		score := p.Reward(p.Text+tok.DecodeLossy(r.Tokens), p.Truth)
		if math.IsNaN(score.Value) || math.IsInf(score.Value, 0) {
			return nil, fmt.Errorf("study: the reward of test prompt %d is %v", p.Index, score.Value)
		}
		out[k] = effect.Rollout{Pair: effect.Pair{Prompt: p.IDs, Response: r.Tokens}, Group: k / group, Reward: score.Value}
	}
	return out, nil
}

// meanReward is the mean over prompts of each prompt's mean reward.
func meanReward(rs []effect.Rollout) float64 {
	w, err := effect.REINFORCEWeights(rs, effect.BaselineNone)
	if err != nil {
		return math.NaN()
	}
	// With no baseline w_i = r_i/(P·n_i), so Σ w_i is the mean of per-prompt means.
	s := 0.0
	for _, x := range w {
		s += x
	}
	return s
}

// meanSampleGradient returns mean_z s(z) = ∇θ mean_z (1/|y|)·log π(y|x), the ascent direction of
// the per-sequence-mean SFT loss over pairs, in one batched backward pass. e must be at
// temperature 1. It is TargetREINFORCE on one group per pair, reward 1/|y|, no baseline:
// its weights are then (1/|y_i|)/N, the SFT loss's.
func meanSampleGradient(e *effect.Estimator, pairs []effect.Pair) ([]float64, error) {
	if e.Options().Temperature != 1 {
		return nil, fmt.Errorf("study: the SFT gradient needs an estimator at temperature 1, not %g", e.Options().Temperature)
	}
	rs := make([]effect.Rollout, len(pairs))
	for i, p := range pairs {
		rs[i] = effect.Rollout{Pair: p, Group: i, Reward: 1 / float64(len(p.Response))}
	}
	return e.TargetREINFORCE(rs, effect.BaselineNone)
}

// rewardChange measures the change of expected reward from θ to θ' by importance sampling on
// rollouts drawn from θ: per prompt x the mean over its rollouts of (r_i − b_{−i})·(ρ_i − 1),
// ρ_i = π_θ'(y_i|x)/π_θ(y_i|x) from the two sequence log-probabilities, b_{−i} the mean reward
// of the prompt's other rollouts. Both terms are unbiased for E_θ'[r] − E_θ[r] since
// E_θ[ρ − 1] = 0; the leave-one-out baseline lowers the variance. It returns the per-prompt
// values (their mean is the estimate).
func rewardChange(rs []effect.Rollout, logp0, logp1 []float64) ([]float64, error) {
	w, err := effect.REINFORCEWeights(rs, effect.BaselineLeaveOneOut)
	if err != nil {
		return nil, err
	}
	// w_i = (r_i − b_{−i})/(P·n_x): P·Σ_{i∈x} w_i·(ρ_i − 1) is prompt x's mean.
	groups := map[int]int{}
	var out []float64
	for i, r := range rs {
		k, ok := groups[r.Group]
		if !ok {
			k = len(out)
			groups[r.Group] = k
			out = append(out, 0)
		}
		out[k] += w[i] * math.Expm1(logp1[i]-logp0[i])
	}
	for k := range out {
		out[k] *= float64(len(out))
	}
	return out, nil
}

// setWeights writes flat (in l's order) into m's weights, converting to m's dtype.
func setWeights(m *lm.Model, l effect.Layout, flat []float64) error {
	for i, p := range l.Params {
		v := m.Store.GetVariable(m.Path + "/" + p.Path)
		if v == nil {
			return fmt.Errorf("study: variable %s/%s not found", m.Path, p.Path)
		}
		vals := l.Of(flat, i)
		var t *tensors.Tensor
		switch m.Config.DType {
		case dtypes.Float64:
			t = tensors.FromFlatDataAndDimensions(append([]float64(nil), vals...), p.Dims...)
		case dtypes.Float32:
			f := make([]float32, len(vals))
			for j, x := range vals {
				f[j] = float32(x)
			}
			t = tensors.FromFlatDataAndDimensions(f, p.Dims...)
		default:
			return fmt.Errorf("study: cannot write weights of dtype %s", m.Config.DType)
		}
		if err := v.SetValue(t); err != nil {
			return fmt.Errorf("study: setting %s: %w", v.Path(), err)
		}
	}
	return nil
}

// axpy returns x + a·y.
func axpy(x []float64, a float64, y []float64) []float64 {
	out := make([]float64, len(x))
	for i := range x {
		out[i] = x[i] + a*y[i]
	}
	return out
}
