package sample

import (
	"errors"
	"fmt"
	"math"
)

// Options is the sampling policy of one Generate call.
type Options struct {
	// MaxNewTokens is the most tokens generated per row (EOS included). Must be ≥ 1. Default 64.
	MaxNewTokens int

	// Temperature divides the log-probabilities before sampling. 0 means greedy decoding (argmax,
	// lowest id on ties), which needs no seeds. Must be finite and ≥ 0. Default 1.
	Temperature float64

	// TopP keeps the smallest set of most probable tokens whose (tempered) mass reaches TopP,
	// exactly (full sort on the host). Must be in (0, 1]; 1 disables it. Default 1.
	TopP float64

	// EOS lists the ids that end a row. The EOS token is emitted (it is part of the response, as in
	// the paper's SFT/RL data); nothing is emitted after it. Empty: rows always run MaxNewTokens.
	// Default none.
	EOS []int32

	// Pad is the id used for left-padding prompts and fed to rows that have already ended. Pad
	// slots are masked out of attention, so any valid id works. Default 0.
	Pad int32

	// NoCache recomputes the whole sequence at every step instead of using the KV cache. It is a
	// reference for tests and benchmarks; results agree with the cached path to float rounding.
	// Default false.
	NoCache bool
}

// DefaultOptions returns the defaults documented on [Options].
func DefaultOptions() Options {
	return Options{MaxNewTokens: 64, Temperature: 1, TopP: 1}
}

// validate checks o against a vocabulary of vocab ids.
func (o Options) validate(vocab int) error {
	var errs []error
	if o.MaxNewTokens < 1 {
		errs = append(errs, fmt.Errorf("MaxNewTokens = %d, must be ≥ 1", o.MaxNewTokens))
	}
	if !(o.Temperature >= 0) || math.IsInf(o.Temperature, 0) {
		errs = append(errs, fmt.Errorf("Temperature = %g, must be finite and ≥ 0", o.Temperature))
	}
	if !(o.TopP > 0 && o.TopP <= 1) {
		errs = append(errs, fmt.Errorf("TopP = %g, must be in (0, 1]", o.TopP))
	}
	for _, id := range o.EOS {
		if id < 0 || int(id) >= vocab {
			errs = append(errs, fmt.Errorf("EOS id %d outside the vocabulary [0, %d)", id, vocab))
		}
	}
	if o.Pad < 0 || int(o.Pad) >= vocab {
		errs = append(errs, fmt.Errorf("Pad id %d outside the vocabulary [0, %d)", o.Pad, vocab))
	}
	if len(errs) > 0 {
		return fmt.Errorf("sample: invalid Options: %w", errors.Join(errs...))
	}
	return nil
}

// Result is one generated response.
type Result struct {
	// Tokens are the generated ids, prompt excluded; when Ended, the last one is the EOS id.
	Tokens []int32

	// LogProbs[i] is log π(Tokens[i] | prompt, Tokens[:i]) under the model itself, i.e. at
	// temperature 1 with no top-p truncation: the policy's log-probability, which is what
	// RL importance ratios and KL estimates need.
	LogProbs []float32

	// SampleLogProbs[i] is the log-probability of Tokens[i] under the distribution it was actually
	// drawn from (after temperature and top-p, renormalised over the kept tokens). It equals
	// LogProbs at temperature 1 without top-p, and is 0 in greedy mode.
	SampleLogProbs []float32

	// Entropies[i] is the entropy of the tempered distribution Tokens[i] was drawn from (temperature
	// applied, before top-p): the entropy GRPO logs (actor/entropy_loss), known here for free.
	// 0 in greedy mode.
	Entropies []float32

	// Ended reports whether the row stopped on an EOS id (false: it hit MaxNewTokens).
	Ended bool
}
