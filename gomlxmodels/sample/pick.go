package sample

import (
	"math"
	"slices"
)

// picker turns one row of logits into a token on the host, in float64. It owns scratch buffers
// reused across calls (one picker per Generate call; not safe for concurrent use).
type picker struct {
	temperature, topP float64
	logp, w           []float64
	order             []int
	// entropy is the entropy of the tempered distribution (before top-p) of the last pick; 0
	// when greedy.
	entropy float64
}

func newPicker(vocab int, temperature, topP float64) *picker {
	return &picker{temperature: temperature, topP: topP,
		logp: make([]float64, vocab), w: make([]float64, vocab), order: make([]int, vocab)}
}

// pick chooses a token from logits using the uniform variate u ∈ [0, 1) (ignored when greedy).
// It returns the token, its log-probability under the model at temperature 1 (the policy π) and
// its log-probability under the distribution it was actually drawn from (temperature and top-p
// applied, renormalised over the kept tokens; 0 for greedy, which is deterministic).
//
// Top-p is exact: tokens are sorted by probability (ties: lower id first) and the smallest prefix
// whose mass reaches topP is kept, so the token that crosses the threshold is included and at
// least one token always survives.
func (p *picker) pick(logits []float32, u float64) (tok int, logPi, logQ float64) {
	// Temperature-1 log-softmax.
	best := 0
	for i, l := range logits {
		if l > logits[best] {
			best = i // strict ">" keeps the lowest id among ties, as greedy decoding should
		}
	}
	m := float64(logits[best])
	sum := 0.0
	for _, l := range logits {
		sum += math.Exp(float64(l) - m)
	}
	lse := m + math.Log(sum)
	for i, l := range logits {
		p.logp[i] = float64(l) - lse
	}
	if p.temperature == 0 {
		p.entropy = 0
		return best, p.logp[best], 0
	}

	// Tempered weights, relative to the best token so the largest weight is exactly 1.
	z := 0.0
	for i := range p.w {
		p.w[i] = math.Exp((p.logp[i] - p.logp[best]) / p.temperature)
		z += p.w[i]
	}
	// H = −Σ q log q with q = w/z and log q = (logp − logp_best)/T − log z.
	p.entropy = math.Log(z)
	for i, w := range p.w {
		if w > 0 {
			p.entropy -= w / z * (p.logp[i] - p.logp[best]) / p.temperature
		}
	}
	mass := z
	kept := p.order[:len(p.w)]
	for i := range kept {
		kept[i] = i
	}
	if p.topP < 1 {
		slices.SortStableFunc(kept, func(a, b int) int {
			switch {
			case p.w[a] > p.w[b]:
				return -1
			case p.w[a] < p.w[b]:
				return 1
			}
			return 0
		})
		threshold, cum, k := p.topP*z, 0.0, 0
		for k < len(kept) {
			cum += p.w[kept[k]]
			k++
			if cum >= threshold {
				break
			}
		}
		kept, mass = kept[:k], cum
	}
	target, acc := u*mass, 0.0
	tok = -1
	for _, i := range kept {
		acc += p.w[i]
		if target < acc {
			tok = i
			break
		}
		if p.w[i] > 0 {
			tok = i // fallback if rounding leaves target ≥ the final sum: last kept token with weight
		}
	}
	return tok, p.logp[tok], math.Log(p.w[tok] / mass)
}
