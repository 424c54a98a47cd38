package sample

import (
	"math"
	"testing"
)

// logitsFor returns logits whose softmax is exactly probs (up to rounding).
func logitsFor(probs ...float64) []float32 {
	out := make([]float32, len(probs))
	for i, p := range probs {
		out[i] = float32(math.Log(p))
	}
	return out
}

// TestPickDistribution drives pick with a fine deterministic grid of uniforms and compares the
// resulting token frequencies with the distribution computed by hand.
func TestPickDistribution(t *testing.T) {
	probs := []float64{0.1, 0.4, 0.05, 0.3, 0.15} // sorted: 1 (.4), 3 (.3), 4 (.15), 0 (.1), 2 (.05)
	tests := []struct {
		name        string
		temperature float64
		topP        float64
		want        []float64 // sampling distribution
	}{
		{"T=1, no top-p", 1, 1, probs},
		{"top-p 0.65 keeps {1,3}", 1, 0.65, []float64{0, 0.4 / 0.7, 0, 0.3 / 0.7, 0}},
		{"top-p 0.8 keeps {1,3,4}", 1, 0.8, []float64{0, 0.4 / 0.85, 0, 0.3 / 0.85, 0.15 / 0.85}},
		{"top-p tiny keeps the argmax", 1, 1e-9, []float64{0, 1, 0, 0, 0}},
		{"T=0.5 squares and renormalises", 0.5, 1, squaredNormalised(probs)},
	}
	const n = 20000
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPicker(len(probs), tc.temperature, tc.topP)
			counts := make([]float64, len(probs))
			logits := logitsFor(probs...)
			for k := range n {
				tok, logPi, logQ := p.pick(logits, (float64(k)+0.5)/n)
				counts[tok]++
				if math.Abs(logPi-math.Log(probs[tok])) > 1e-6 {
					t.Fatalf("token %d: policy log-prob %g, want %g", tok, logPi, math.Log(probs[tok]))
				}
				if math.Abs(logQ-math.Log(tc.want[tok])) > 1e-6 {
					t.Fatalf("token %d: sampling log-prob %g, want %g", tok, logQ, math.Log(tc.want[tok]))
				}
			}
			for i := range counts {
				// A uniform grid gives each token its mass to within 1/n.
				if got := counts[i] / n; math.Abs(got-tc.want[i]) > 2.0/n {
					t.Errorf("token %d: frequency %.5f, want %.5f", i, got, tc.want[i])
				}
			}
		})
	}
}

func squaredNormalised(ps []float64) []float64 {
	z := 0.0
	for _, p := range ps {
		z += p * p
	}
	out := make([]float64, len(ps))
	for i, p := range ps {
		out[i] = p * p / z
	}
	return out
}

func TestPickGreedyTies(t *testing.T) {
	p := newPicker(4, 0, 1)
	tok, logPi, logQ := p.pick([]float32{0, 2, 2, 1}, 0.99)
	if tok != 1 {
		t.Errorf("greedy picked %d among tied ids 1 and 2, want the lower id 1", tok)
	}
	if logQ != 0 {
		t.Errorf("greedy sampling log-prob %g, want 0", logQ)
	}
	z := 1 + 2*math.Exp(2) + math.Exp(1)
	if math.Abs(logPi-(2-math.Log(z))) > 1e-6 {
		t.Errorf("policy log-prob %g, want %g", logPi, 2-math.Log(z))
	}
}

func TestSeedFor(t *testing.T) {
	// SplitMix64 reference: the first output from state 0 is 0xE220A8397B1DCDAF (Vigna's
	// splitmix64.c), and our splitMix64(x) is one step from state x.
	if got := splitMix64(0); got != 0xE220A8397B1DCDAF {
		t.Fatalf("splitMix64(0) = %#x, want 0xE220A8397B1DCDAF", got)
	}
	if SeedFor(1, 2, 3, 4) == SeedFor(1, 3, 2, 4) || SeedFor(1, 2, 3, 4) == SeedFor(1, 2, 4, 3) {
		t.Error("SeedFor is symmetric in its coordinates; argument order must matter")
	}
	seen := map[uint64][4]uint64{}
	for run := range uint64(4) {
		for step := range uint64(10) {
			for prompt := range uint64(25) {
				for s := range uint64(8) {
					k := SeedFor(run, step, prompt, s)
					if prev, dup := seen[k]; dup {
						t.Fatalf("SeedFor collision: %v and %v", prev, [4]uint64{run, step, prompt, s})
					}
					seen[k] = [4]uint64{run, step, prompt, s}
				}
			}
		}
	}
}

// TestPickEntropy: the entropy pick reports is that of the tempered distribution before top-p,
// computed by hand from its definition; 0 when greedy.
func TestPickEntropy(t *testing.T) {
	probs := []float64{0.1, 0.4, 0.05, 0.3, 0.15}
	entropy := func(q []float64) float64 {
		h := 0.0
		for _, x := range q {
			h -= x * math.Log(x)
		}
		return h
	}
	tests := []struct {
		name              string
		temperature, topP float64
		want              float64
	}{
		{"T=1", 1, 1, entropy(probs)},
		{"T=0.5", 0.5, 1, entropy(squaredNormalised(probs))},
		{"top-p does not change it", 0.5, 0.3, entropy(squaredNormalised(probs))},
		{"greedy", 0, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newPicker(len(probs), tc.temperature, tc.topP)
			p.pick(logitsFor(probs...), 0.5)
			if math.Abs(p.entropy-tc.want) > 1e-6 {
				t.Errorf("entropy %g, want %g", p.entropy, tc.want)
			}
		})
	}
}
