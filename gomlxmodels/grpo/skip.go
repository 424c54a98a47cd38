package grpo

// rowBucket rounds the rows of the backward pass up to a multiple of it (with rows whose
// advantage is 0), so that few batch shapes get compiled: with groups of 8 the rows with a
// non-zero advantage already come in multiples of 8.
const rowBucket = 8

// skipsZeroAdvantage reports whether Step may leave zero-advantage rows out of the backward
// pass: only when their loss terms are identically 0 (no KL and no entropy term).
func (c Config) skipsZeroAdvantage() bool {
	return c.SkipZeroAdvantage && c.KLCoef == 0 && c.EntropyCoef == 0
}

// splitByAdvantage splits b into the rows the backward pass needs (every row with a non-zero
// advantage, topped up to a multiple of rowBucket with zero-advantage rows, at least one row)
// and the rest, which only a forward pass measures (an empty Batch when none is left). Both are
// cut to their longest real row rounded up to b.Bucket.
func (b Batch) splitByAdvantage() (backward, forward Batch) {
	var keep, rest []int
	for i, a := range b.Advantages {
		if a != 0 {
			keep = append(keep, i)
		} else {
			rest = append(rest, i)
		}
	}
	for len(rest) > 0 && (len(keep) == 0 || len(keep)%rowBucket != 0) {
		keep, rest = append(keep, rest[0]), rest[1:]
	}
	return b.pick(keep), b.pick(rest)
}

// pick returns the sub-batch of the given rows (sharing their slices), cut to the longest real
// row rounded up to b.Bucket (never longer than b). No rows give the empty Batch.
func (b Batch) pick(rows []int) Batch {
	if len(rows) == 0 {
		return Batch{}
	}
	s := len(b.Tokens[0])
	if b.Bucket > 0 {
		longest := 0
		for _, i := range rows {
			for t := s - 1; t >= longest; t-- {
				if b.Mask[i][t] {
					longest = t + 1
					break
				}
			}
		}
		s = min(s, (max(longest, 1)+b.Bucket-1)/b.Bucket*b.Bucket)
	}
	sub := Batch{Bucket: b.Bucket}
	for _, i := range rows {
		sub.Tokens = append(sub.Tokens, b.Tokens[i][:s:s])
		sub.Mask = append(sub.Mask, b.Mask[i][:s:s])
		sub.LossMask = append(sub.LossMask, b.LossMask[i][:s:s])
		sub.OldLogProbs = append(sub.OldLogProbs, b.OldLogProbs[i][:s:s])
		sub.Advantages = append(sub.Advantages, b.Advantages[i])
		if b.RefLogProbs != nil {
			sub.RefLogProbs = append(sub.RefLogProbs, b.RefLogProbs[i][:s:s])
		}
		if b.Entropies != nil {
			sub.Entropies = append(sub.Entropies, b.Entropies[i][:s:s])
		}
		for _, on := range b.LossMask[i][:s] {
			if on {
				sub.ResponseTokens++
			}
		}
	}
	return sub
}

// sampledSums are the numerators of forward's share of the metrics (laid out like the
// Updater's outputs) read from the sampler's entropies instead of a forward pass, and whether
// that is valid: one on-policy optimizer step (the current weights sampled the rows, so
// pg_loss, clipfrac and ppo_kl are 0 on them) and no reference log-probs (kl_loss would need
// the current log-probs).
func (c Config) sampledSums(forward Batch) ([]float64, bool) {
	if c.PPOEpochs != 1 || c.MiniBatches != 1 || forward.RefLogProbs != nil || forward.Entropies == nil {
		return nil, false
	}
	sum := 0.0
	for i, row := range forward.LossMask {
		for t, on := range row {
			if on {
				sum += float64(forward.Entropies[i][t])
			}
		}
	}
	return []float64{0, 0, 0, 0, sum, 0}, true
}
