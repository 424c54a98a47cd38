package effect

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/r1lab/r1lab/gomlxmodels/grpo"
)

// Pair is one sample z = (x, y): a prompt and a response, as token ids. Response holds exactly
// the tokens whose log-likelihood counts, EOS included if it should count (as in SFT, where the
// response ends with its EOS); |y| = len(Response).
type Pair struct {
	Prompt   []int32
	Response []int32
}

// checkPairs validates pairs against the model: non-empty prompt and response, ids in the
// vocabulary, total length within MaxSeqLen. what names the argument in errors.
func (e *Estimator) checkPairs(pairs []Pair, what string) error {
	return checkPairs(pairs, e.cfg.Vocab, e.cfg.MaxSeqLen, what)
}

func checkPairs(pairs []Pair, vocab, maxLen int, what string) error {
	for i, p := range pairs {
		if len(p.Prompt) == 0 {
			return fmt.Errorf("effect: %s[%d] has an empty prompt (its first response token would have no context)", what, i)
		}
		if len(p.Response) == 0 {
			return fmt.Errorf("effect: %s[%d] has an empty response (the length-normalised log-likelihood is undefined)", what, i)
		}
		if n := len(p.Prompt) + len(p.Response); n > maxLen {
			return fmt.Errorf("effect: %s[%d] has %d tokens, more than the model's MaxSeqLen %d", what, i, n, maxLen)
		}
		for _, seq := range [2][]int32{p.Prompt, p.Response} {
			for _, id := range seq {
				if id < 0 || int(id) >= vocab {
					return fmt.Errorf("effect: %s[%d] has token id %d outside the vocabulary [0, %d)", what, i, id, vocab)
				}
			}
		}
	}
	return nil
}

// padded is one right-padded batch of pairs, laid out like grpo.Batch: slot t holds token t and
// LossMask marks the slots whose next token is a response token. Rows beyond len(index) are
// dummies (no real token, no loss slot) that keep the batch at its fixed size.
type padded struct {
	index    []int // index[r] = position in the caller's slice of row r's pair
	tokens   [][]int32
	mask     [][]bool
	lossMask [][]bool
}

// batches cuts pairs into the Estimator's batches (Options.BatchSize, MaxBatchTokens,
// LengthBucket).
func (e *Estimator) batches(pairs []Pair) []padded {
	return batchPairs(pairs, e.opts.BatchSize, e.opts.MaxBatchTokens, e.opts.LengthBucket)
}

// batchPairs sorts pairs by length (so rows of similar length share a batch and padding is
// small), cuts them into batches padded to a multiple of bucket slots and holding at most
// rowsFor(slots) rows (size, fewer when maxTokens > 0 caps rows × slots), and fills every batch
// with dummy rows up to exactly rowsFor(slots), so that one graph shape per length bucket is
// compiled.
func batchPairs(pairs []Pair, size, maxTokens, bucket int) []padded {
	bucket = max(bucket, 1)
	rowsFor := func(slots int) int {
		if maxTokens <= 0 {
			return size
		}
		return max(1, min(size, maxTokens/slots))
	}
	slotsOf := func(i int) int {
		n := len(pairs[i].Prompt) + len(pairs[i].Response)
		return (n + bucket - 1) / bucket * bucket
	}
	order := make([]int, len(pairs))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(len(pairs[a].Prompt)+len(pairs[a].Response), len(pairs[b].Prompt)+len(pairs[b].Response))
	})
	var out []padded
	for from := 0; from < len(order); {
		// Rows are ascending in length, so the last row sets the batch's slots: grow the batch
		// while the rows it would hold still fit the cap at the new row's length.
		n := 1
		for from+n < len(order) && n+1 <= rowsFor(slotsOf(order[from+n])) {
			n++
		}
		idx := order[from : from+n]
		from += n
		prompts, responses := make([][]int32, len(idx)), make([][]int32, len(idx))
		old, adv := make([][]float32, len(idx)), make([]float64, len(idx))
		for r, i := range idx {
			prompts[r], responses[r] = pairs[i].Prompt, pairs[i].Response
			old[r] = make([]float32, len(pairs[i].Response))
		}
		b := grpo.NewBatch(prompts, responses, old, adv, 0, bucket)
		p := padded{index: slices.Clone(idx), tokens: b.Tokens, mask: b.Mask, lossMask: b.LossMask}
		s := len(b.Tokens[0])
		for len(p.tokens) < rowsFor(s) {
			p.tokens = append(p.tokens, make([]int32, s))
			p.mask = append(p.mask, make([]bool, s))
			p.lossMask = append(p.lossMask, make([]bool, s))
		}
		out = append(out, p)
	}
	return out
}
