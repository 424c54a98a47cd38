package effect

import (
	"fmt"
	"math"
	"slices"
)

// Rollout is one sampled response to a test prompt with its reward, the input of the REINFORCE
// target gradient. Rollouts of the same prompt share Group (any int: a prompt index).
type Rollout struct {
	Pair
	Group  int
	Reward float64
}

// Baseline selects the per-prompt baseline b(x) subtracted from the rewards in
// [REINFORCEWeights].
type Baseline int

const (
	// BaselineMean subtracts the mean reward of the prompt's rollouts, the rollout itself
	// included (the default; what GRPO's advantage does before scaling). With n rollouts per
	// prompt it estimates (1 − 1/n)·g, not g: each rollout's own reward leaks into its baseline.
	// Directions and rankings are unaffected.
	BaselineMean Baseline = iota
	// BaselineLeaveOneOut subtracts the mean reward of the prompt's other rollouts: unbiased.
	// It is exactly n/(n−1) times the BaselineMean estimate, since
	// r_i − (S − r_i)/(n−1) = n/(n−1)·(r_i − S/n). Needs ≥ 2 rollouts per prompt.
	BaselineLeaveOneOut
	// BaselineNone subtracts nothing: unbiased but with a higher variance.
	BaselineNone
)

// String names the baseline as the CLI spells it: "mean", "leave-one-out" or "none".
func (b Baseline) String() string {
	switch b {
	case BaselineMean:
		return "mean"
	case BaselineLeaveOneOut:
		return "leave-one-out"
	case BaselineNone:
		return "none"
	}
	return fmt.Sprintf("Baseline(%d)", int(b))
}

// REINFORCEWeights returns per-rollout weights w_i such that the REINFORCE estimate of the
// target gradient is g = Σ_i w_i·∇θ log π(y_i|x_i):
//
//	w_i = (r_i − b(x_i)) / (P · n(x_i))
//
// where P is the number of distinct prompts (groups) and n(x) the number of rollouts of prompt
// x. That is the mean over prompts of each prompt's mean over its rollouts, an estimate of
// E_x E_{y~π}[(r − b)·∇log π]; with the same number of rollouts per prompt it is the plain
// (1/N)·Σ_i over all N rollouts.
func REINFORCEWeights(rollouts []Rollout, baseline Baseline) ([]float64, error) {
	if len(rollouts) == 0 {
		return nil, fmt.Errorf("effect: no rollouts for the target gradient")
	}
	sum, count := map[int]float64{}, map[int]int{}
	for i, r := range rollouts {
		if math.IsNaN(r.Reward) || math.IsInf(r.Reward, 0) {
			return nil, fmt.Errorf("effect: rollouts[%d] (group %d) has a non-finite reward %v", i, r.Group, r.Reward)
		}
		sum[r.Group] += r.Reward
		count[r.Group]++
	}
	p := float64(len(count))
	w := make([]float64, len(rollouts))
	for i, r := range rollouts {
		n := float64(count[r.Group])
		var b float64
		switch baseline {
		case BaselineMean:
			b = sum[r.Group] / n
		case BaselineLeaveOneOut:
			if count[r.Group] < 2 {
				return nil, fmt.Errorf("effect: leave-one-out baseline needs ≥ 2 rollouts per prompt; group %d has 1", r.Group)
			}
			b = (sum[r.Group] - r.Reward) / (n - 1)
		case BaselineNone:
		default:
			return nil, fmt.Errorf("effect: unknown baseline %v", baseline)
		}
		w[i] = (r.Reward - b) / (p * n)
	}
	return w, nil
}

// TargetREINFORCE estimates the target direction g = ∇θ E_{x~test, y~π}[r(x,y)] from test
// rollouts sampled from the model at Options.Temperature:
// g ≈ Σ_i w_i·∇θ log π(y_i|x_i) with the weights of [REINFORCEWeights]. log π(y|x) is the
// whole response's log-probability (not length-normalised: that is the policy gradient), so a
// rollout's Response must hold every sampled token, EOS included when one was sampled. The
// gradient is computed in batched backward passes.
func (e *Estimator) TargetREINFORCE(rollouts []Rollout, baseline Baseline) ([]float64, error) {
	w, err := REINFORCEWeights(rollouts, baseline)
	if err != nil {
		return nil, err
	}
	pairs := make([]Pair, len(rollouts))
	for i, r := range rollouts {
		pairs[i] = r.Pair
	}
	if err := e.checkPairs(pairs, "rollouts"); err != nil {
		return nil, err
	}
	g, err := e.weightedGradient(pairs, w, false, e.opts.Temperature)
	if err != nil {
		return nil, err
	}
	return g, checkFinite(g, "the REINFORCE target gradient")
}

// Enumeration lists, for one test prompt, responses with their rewards, for [Estimator.TargetExact].
// Responses not listed are taken to have reward 0, so listing every response with a non-zero
// reward (e.g. every correct answer of a toy task whose correct responses are few) is enough for
// the exact gradient. Responses must be complete (ending with EOS when the policy ends that
// way) and distinct.
type Enumeration struct {
	Prompt    []int32
	Responses [][]int32
	Rewards   []float64
}

// TargetExact computes the target direction exactly by enumeration:
//
//	g = mean_x Σ_y r(x,y)·∇θ π(y|x) = mean_x Σ_y π(y|x)·r(x,y)·∇θ log π(y|x)
//
// at Options.Temperature, and also returns the expected reward mean_x Σ_y π(y|x)·r(x,y). No
// baseline is needed: it is an exact expectation, and a baseline would add b·∇Σ_y π(y|x), which
// is 0 only when the enumeration covers the whole response space.
func (e *Estimator) TargetExact(prompts []Enumeration) (g []float64, expectedReward float64, err error) {
	if len(prompts) == 0 {
		return nil, 0, fmt.Errorf("effect: no prompts to enumerate")
	}
	var pairs []Pair
	var rewards []float64
	for x, en := range prompts {
		if len(en.Responses) != len(en.Rewards) {
			return nil, 0, fmt.Errorf("effect: enumeration %d has %d responses but %d rewards", x, len(en.Responses), len(en.Rewards))
		}
		for j, y := range en.Responses {
			for k := range j {
				if slices.Equal(en.Responses[k], y) {
					return nil, 0, fmt.Errorf("effect: enumeration %d lists response %d twice (as %d and %d)", x, j, k, j)
				}
			}
			if r := en.Rewards[j]; math.IsNaN(r) || math.IsInf(r, 0) {
				return nil, 0, fmt.Errorf("effect: enumeration %d, response %d has a non-finite reward %v", x, j, r)
			}
			pairs = append(pairs, Pair{Prompt: en.Prompt, Response: y})
			rewards = append(rewards, en.Rewards[j])
		}
	}
	if err := e.checkPairs(pairs, "enumerated responses"); err != nil {
		return nil, 0, err
	}
	logp, err := e.forward(pairs, false, e.opts.Temperature)
	if err != nil {
		return nil, 0, err
	}
	p := float64(len(prompts))
	w := make([]float64, len(pairs))
	for i := range pairs {
		w[i] = rewards[i] * math.Exp(logp[i]) / p
		expectedReward += w[i]
	}
	g, err = e.weightedGradient(pairs, w, false, e.opts.Temperature)
	if err != nil {
		return nil, 0, err
	}
	return g, expectedReward, checkFinite(g, "the enumerated target gradient")
}
