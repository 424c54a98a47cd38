package grpo

import (
	"fmt"
	"math"
)

// Advantages returns one advantage per sample (the loss broadcasts it to the sample's response
// tokens), from its scalar reward and the id of its group (the prompt it answers; ids need not be
// contiguous or sorted). With c.ScaleRewards:
//
//   - ScaleGroup (paper, verl compute_grpo_outcome_advantage): (R − mean_g) / (std_g + ε), std_g
//     the unbiased (N−1) std of the group's rewards.
//   - ScaleBatch (TRL): (R − mean_g) / (std + ε), std the unbiased std of all rewards.
//   - ScaleNone (TRL, Dr. GRPO): R − mean_g.
//
// ε is c.AdvantageEpsilon. A group whose rewards are all equal gets exactly 0 (the formula gives 0
// up to the rounding of the mean, which is removed here so such groups carry no signal at all).
// A group of one sample has no std: as in verl its mean is taken as 0 and its std as 1 (so
// ScaleGroup gives R / (1 + ε), i.e. REINFORCE without a baseline) — this only happens with
// GroupSize 1. With ScaleBatch and fewer than two samples the std is 0, as in TRL.
//
// It panics if the lengths differ or c.ScaleRewards is unknown (see [Config.Validate]).
func Advantages(rewards []float64, groupOf []int, c Config) []float64 {
	if len(rewards) != len(groupOf) {
		panic(fmt.Sprintf("grpo.Advantages: %d rewards but %d group ids", len(rewards), len(groupOf)))
	}
	type stats struct {
		n                int
		sum, first, sqrs float64
		equal            bool
	}
	groups := map[int]*stats{}
	for i, r := range rewards {
		s := groups[groupOf[i]]
		if s == nil {
			s = &stats{first: r, equal: true}
			groups[groupOf[i]] = s
		}
		s.n++
		s.sum += r
		s.equal = s.equal && r == s.first
	}
	mean := func(s *stats) float64 {
		if s.n == 1 {
			return 0 // verl: a singleton group has mean 0 and std 1
		}
		return s.sum / float64(s.n)
	}
	for i, r := range rewards {
		s := groups[groupOf[i]]
		d := r - mean(s)
		s.sqrs += d * d
	}

	var batchStd float64
	if c.ScaleRewards == ScaleBatch {
		batchStd = unbiasedStd(rewards)
	}
	out := make([]float64, len(rewards))
	for i, r := range rewards {
		s := groups[groupOf[i]]
		if s.equal && s.n > 1 {
			continue // all equal: exactly 0
		}
		centred := r - mean(s)
		switch c.ScaleRewards {
		case ScaleGroup:
			std := 1.0
			if s.n > 1 {
				std = math.Sqrt(s.sqrs / float64(s.n-1))
			}
			out[i] = centred / (std + c.AdvantageEpsilon)
		case ScaleBatch:
			out[i] = centred / (batchStd + c.AdvantageEpsilon)
		case ScaleNone:
			out[i] = centred
		default:
			panic(fmt.Sprintf("grpo.Advantages: unknown ScaleRewards %q", c.ScaleRewards))
		}
	}
	return out
}

// unbiasedStd is torch.std of x (N−1 denominator), 0 for fewer than two values.
func unbiasedStd(x []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	sum := 0.0
	for _, v := range x {
		sum += v
	}
	m := sum / float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - m) * (v - m)
	}
	return math.Sqrt(ss / float64(len(x)-1))
}
