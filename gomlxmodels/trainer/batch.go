package trainer

import "fmt"

// Example is one training sequence.
type Example struct {
	// Tokens is the whole sequence (for SFT: prompt then response).
	Tokens []int32
	// LossFrom is the index of the first token whose prediction is trained
	// on: the loss covers predicting Tokens[LossFrom:] from what precedes it.
	// SFT: the prompt length (response-only loss, EOS included). Pre-training: 1.
	LossFrom int
}

// Validate checks that e is a trainable sequence of at most maxLen tokens
// within a vocabulary of vocab ids.
func (e Example) Validate(maxLen, vocab int) error {
	switch {
	case len(e.Tokens) < 2:
		return fmt.Errorf("sequence of %d tokens is too short to train on", len(e.Tokens))
	case len(e.Tokens) > maxLen:
		return fmt.Errorf("sequence of %d tokens exceeds the model's maximum length %d", len(e.Tokens), maxLen)
	case e.LossFrom < 1 || e.LossFrom >= len(e.Tokens):
		return fmt.Errorf("loss start %d is outside [1, %d): nothing to train on", e.LossFrom, len(e.Tokens))
	}
	for i, id := range e.Tokens {
		if id < 0 || int(id) >= vocab {
			return fmt.Errorf("token %d at position %d is outside the vocabulary [0, %d)", id, i, vocab)
		}
	}
	return nil
}

// batch holds the padded inputs of one step, right-padded to a multiple of
// the length bucket.
type batch struct {
	tokens   [][]int32 // [B][S]
	mask     [][]bool  // true on real tokens
	lossMask [][]bool  // lossMask[b][t]: the prediction of tokens[b][t+1] counts
	tokenN   int       // real tokens in the batch
	lossN    int       // loss tokens in the batch
}

// makeBatch pads examples into one batch. pad is the id written into padding
// slots (masked out of attention and of the loss, so any valid id works).
func makeBatch(examples []Example, bucket int, pad int32) batch {
	longest := 0
	for _, e := range examples {
		longest = max(longest, len(e.Tokens))
	}
	s := (longest + bucket - 1) / bucket * bucket
	b := batch{
		tokens:   make([][]int32, len(examples)),
		mask:     make([][]bool, len(examples)),
		lossMask: make([][]bool, len(examples)),
	}
	for i, e := range examples {
		b.tokens[i] = make([]int32, s)
		b.mask[i] = make([]bool, s)
		b.lossMask[i] = make([]bool, s)
		for t := range s {
			if t < len(e.Tokens) {
				b.tokens[i][t], b.mask[i][t] = e.Tokens[t], true
			} else {
				b.tokens[i][t] = pad
			}
			// Position t predicts token t+1.
			if t+1 >= e.LossFrom && t+1 < len(e.Tokens) {
				b.lossMask[i][t] = true
				b.lossN++
			}
		}
		b.tokenN += len(e.Tokens)
	}
	return b
}
