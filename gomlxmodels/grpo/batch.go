package grpo

import "fmt"

// Batch is one padded batch of prompt+response sequences for [Updater.Step], right-padded to a
// multiple of a length bucket. Every [B][S] field is aligned like trainer's batches: slot t holds
// token t, and its loss quantities score the prediction of token t+1 from tokens ≤ t.
type Batch struct {
	// Tokens [B][S]: prompt, then response, then padding.
	Tokens [][]int32
	// Mask [B][S] is true on real (prompt or response) tokens.
	Mask [][]bool
	// LossMask [B][S] is true on the slots whose next token is a response token: slots
	// len(prompt)−1 … len(prompt)+len(response)−2.
	LossMask [][]bool
	// OldLogProbs [B][S]: the sampling policy's log-probability of the next token on loss slots,
	// 0 elsewhere.
	OldLogProbs [][]float32
	// RefLogProbs [B][S]: the reference policy's log-probabilities, laid out like OldLogProbs,
	// or nil. Needed when Config.KLCoef > 0; when present, critic/kl is logged. Fill it with
	// [LogProber.LogProbs] on the reference model.
	RefLogProbs [][]float32
	// Entropies [B][S], optional: the entropy of the sampling distribution (at Config.Temperature)
	// on each loss slot, 0 elsewhere, as the sampler reports it (sample.Result.Entropies; set it
	// with [Batch.WithEntropies]). With it and one on-policy optimizer step (PPOEpochs =
	// MiniBatches = 1, no reference log-probs) the rows that Config.SkipZeroAdvantage leaves
	// out need no forward pass at all: their share of actor/entropy_loss is read from it, and
	// their ppo_kl (old − current log-prob, the same weights) is taken as 0.
	Entropies [][]float32
	// Advantages [B]: one per sequence, broadcast to its response tokens by the loss.
	Advantages []float32
	// ResponseTokens is the number of loss slots (response tokens) in the batch.
	ResponseTokens int
	// Bucket is the length bucket S is a multiple of (NewBatch's bucket); a sub-batch of some
	// rows is cut to a multiple of it. 0 (a batch built by hand): sub-batches keep S.
	Bucket int
}

// NewBatch pads sampled rollouts into a Batch. Row i is prompts[i] followed by responses[i]
// (EOS included when sampled); oldLogProbs[i][j] is the log-probability of responses[i][j]
// under the sampling policy at Config.Temperature — sample.Result.SampleLogProbs when the
// sampling temperature is Config.Temperature and top-p is 1, sample.Result.LogProbs when
// Config.Temperature is 1. advantages[i] comes from [Advantages]. pad fills padding slots (they
// are masked, so any valid id works); the length is rounded up to a multiple of bucket (≥ 1) so
// that few shapes get compiled.
//
// It panics if the slices' lengths disagree (a programming error); token ids and lengths are
// checked against the model by [Updater.Step].
func NewBatch(prompts [][]int32, responses [][]int32, oldLogProbs [][]float32, advantages []float64, pad int32, bucket int) Batch {
	n := len(prompts)
	if len(responses) != n || len(oldLogProbs) != n || len(advantages) != n {
		panic(fmt.Sprintf("grpo.NewBatch: %d prompts, %d responses, %d old log-prob rows, %d advantages",
			n, len(responses), len(oldLogProbs), len(advantages)))
	}
	longest := 0
	for i := range n {
		if len(prompts[i]) == 0 {
			panic(fmt.Sprintf("grpo.NewBatch: prompt %d is empty (its first response token would have no slot)", i))
		}
		if len(oldLogProbs[i]) != len(responses[i]) {
			panic(fmt.Sprintf("grpo.NewBatch: row %d has %d response tokens but %d old log-probs",
				i, len(responses[i]), len(oldLogProbs[i])))
		}
		longest = max(longest, len(prompts[i])+len(responses[i]))
	}
	bucket = max(bucket, 1)
	s := (longest + bucket - 1) / bucket * bucket
	b := Batch{
		Tokens: make([][]int32, n), Mask: make([][]bool, n), LossMask: make([][]bool, n),
		OldLogProbs: make([][]float32, n), Advantages: make([]float32, n), Bucket: bucket,
	}
	for i := range n {
		p, r := len(prompts[i]), len(responses[i])
		b.Tokens[i], b.Mask[i] = make([]int32, s), make([]bool, s)
		b.LossMask[i], b.OldLogProbs[i] = make([]bool, s), make([]float32, s)
		for t := range s {
			switch {
			case t < p:
				b.Tokens[i][t], b.Mask[i][t] = prompts[i][t], true
			case t < p+r:
				b.Tokens[i][t], b.Mask[i][t] = responses[i][t-p], true
			default:
				b.Tokens[i][t] = pad
			}
		}
		// Slot p−1+j predicts response token j.
		for j := range r {
			b.LossMask[i][p-1+j] = true
			b.OldLogProbs[i][p-1+j] = oldLogProbs[i][j]
		}
		b.Advantages[i] = float32(advantages[i])
		b.ResponseTokens += r
	}
	return b
}

// WithEntropies returns b with Entropies laid out from per-response values: entropies[i][j]
// belongs to response token j of row i. It returns an error if a row's count differs from its
// number of response tokens.
func (b Batch) WithEntropies(entropies [][]float32) (Batch, error) {
	if len(entropies) != b.Len() {
		return b, fmt.Errorf("grpo: %d rows of entropies for a batch of %d", len(entropies), b.Len())
	}
	out := make([][]float32, b.Len())
	for i, row := range b.LossMask {
		out[i] = make([]float32, len(row))
		j := 0
		for t, on := range row {
			if on {
				if j < len(entropies[i]) {
					out[i][t] = entropies[i][j]
				}
				j++
			}
		}
		if j != len(entropies[i]) {
			return b, fmt.Errorf("grpo: row %d has %d response tokens but %d entropies", i, j, len(entropies[i]))
		}
	}
	b.Entropies = out
	return b, nil
}

// Len is the number of sequences in the batch.
func (b Batch) Len() int { return len(b.Tokens) }

// rows returns the sub-batch of rows [from, to), sharing the row slices.
func (b Batch) rows(from, to int) Batch {
	sub := Batch{
		Tokens: b.Tokens[from:to], Mask: b.Mask[from:to], LossMask: b.LossMask[from:to],
		OldLogProbs: b.OldLogProbs[from:to], Advantages: b.Advantages[from:to], Bucket: b.Bucket,
	}
	if b.RefLogProbs != nil {
		sub.RefLogProbs = b.RefLogProbs[from:to]
	}
	if b.Entropies != nil {
		sub.Entropies = b.Entropies[from:to]
	}
	for _, row := range sub.LossMask {
		for _, on := range row {
			if on {
				sub.ResponseTokens++
			}
		}
	}
	return sub
}

// validate checks that b is a well-formed batch for a model with vocab ids and sequences of at
// most maxLen tokens.
func (b Batch) validate(vocab, maxLen int) error {
	n := b.Len()
	if n == 0 {
		return fmt.Errorf("grpo: empty batch")
	}
	if len(b.Mask) != n || len(b.LossMask) != n || len(b.OldLogProbs) != n || len(b.Advantages) != n ||
		(b.RefLogProbs != nil && len(b.RefLogProbs) != n) {
		return fmt.Errorf("grpo: batch fields have different numbers of rows")
	}
	s := len(b.Tokens[0])
	for i := range n {
		if len(b.Tokens[i]) != s || len(b.Mask[i]) != s || len(b.LossMask[i]) != s || len(b.OldLogProbs[i]) != s ||
			(b.RefLogProbs != nil && len(b.RefLogProbs[i]) != s) {
			return fmt.Errorf("grpo: batch row %d is not %d slots long in every field", i, s)
		}
		real := 0
		for t, id := range b.Tokens[i] {
			if id < 0 || int(id) >= vocab {
				return fmt.Errorf("grpo: batch row %d, slot %d: token id %d outside the vocabulary [0, %d)", i, t, id, vocab)
			}
			if b.Mask[i][t] {
				real++
			}
		}
		if real > maxLen {
			return fmt.Errorf("grpo: batch row %d has %d tokens, more than the model's MaxSeqLen %d", i, real, maxLen)
		}
	}
	return nil
}
