// Package sft turns SFT pairs (prompt, response) into training examples
// with a response-only loss, and holds the paper's SFT settings
// (research/paper.md §6.2) for the trainer.
package sft

import (
	"fmt"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
	"github.com/r1lab/r1lab/gomlxmodels/trainer"
)

// Examples tokenizes SFT rows read from file (named in errors). Prompt and
// response are encoded separately — the tokenizer guarantees the
// concatenation encodes the same — and the loss covers the response tokens,
// EOS included, as in the paper's SFT trainer. A row longer than maxLen
// tokens is an error, as in verl (max_length, no truncation).
func Examples(tok *tokenizer.Tokenizer, rows []dataio.SFTRow, file string, maxLen int) ([]trainer.Example, error) {
	out := make([]trainer.Example, len(rows))
	for i, r := range rows {
		ids, err := tok.Encode(r.Prompt)
		if err != nil {
			return nil, fmt.Errorf("%s: row %d (id %d): prompt: %w", file, i, r.ID, err)
		}
		promptLen := len(ids)
		if ids, err = tok.AppendEncode(ids, r.Response); err != nil {
			return nil, fmt.Errorf("%s: row %d (id %d): response: %w", file, i, r.ID, err)
		}
		if len(ids) == promptLen {
			return nil, fmt.Errorf("%s: row %d (id %d): empty response", file, i, r.ID)
		}
		if len(ids) > maxLen {
			return nil, fmt.Errorf("%s: row %d (id %d): %d tokens exceed the model's maximum length %d", file, i, r.ID, len(ids), maxLen)
		}
		out[i] = trainer.Example{Tokens: ids, LossFrom: promptLen}
	}
	return out, nil
}

// PaperConfig returns the paper's SFT settings: AdamW (0.9, 0.999), no
// weight decay, cosine schedule without warmup, grad-norm clip 1, 2 epochs,
// global batch 32, per-sequence-mean loss. The learning rate is the toy
// model's (the paper's 1e-5 is for a 1.5B model; see trainer.Config).
func PaperConfig() trainer.Config { return trainer.DefaultConfig() }
