package bench

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Measurement names, in the order [Run] takes them.
const (
	Train       = "train"
	Forward     = "forward"
	DecodeKV    = "decode_kv"
	DecodeNaive = "decode_naive"
)

// Measurements lists every measurement name, in run order.
var Measurements = []string{Train, Forward, DecodeKV, DecodeNaive}

// Spec is the workload of one benchmark run. Zero fields take the defaults quoted below (see
// [Spec.WithDefaults]); the defaults are a K&K SFT-sized batch on the "tiny" model.
type Spec struct {
	// Batch and SeqLen shape the train and forward batches. Defaults 8 and 512: K&K prompt +
	// response sequences are 300–600 tokens.
	Batch  int `json:"batch"`
	SeqLen int `json:"seq_len"`

	// Steps is the number of timed repeats of the train and forward measurements. Default 5.
	Steps int `json:"steps"`

	// Warmup is the number of untimed runs before every measurement; at least 1 is always done,
	// because the first run compiles the graph. Default 1.
	Warmup int `json:"warmup"`

	// DecodePrompts, PromptLen and NewTokens shape the decode measurements: that many prompts of
	// PromptLen random tokens each, NewTokens new tokens per prompt. Defaults 8, 192 and 256: K&K
	// RL prompts are 140–210 tokens and short-CoT responses 150–600. A PromptLen that is a
	// multiple of the sampler's 16-token length bucket avoids left padding.
	DecodePrompts int `json:"decode_prompts"`
	PromptLen     int `json:"prompt_len"`
	NewTokens     int `json:"new_tokens"`

	// NaiveNewTokens is the number of new tokens of the no-cache decode, which recomputes the
	// whole sequence per token. Default 16.
	NaiveNewTokens int `json:"naive_new_tokens"`

	// DecodeRepeats is the number of timed repeats of each decode measurement. Default 3.
	DecodeRepeats int `json:"decode_repeats"`

	// LR, WeightDecay, Beta1, Beta2 and Eps are the AdamW hyper-parameters, shared with the peer
	// (they do not change the speed, but the two optimizers must do the same arithmetic).
	// Defaults 1e-4, 0.01, 0.9, 0.999 and 1e-8 (PyTorch's; GoMLX's own default ε is 1e-7).
	LR          float64 `json:"lr"`
	WeightDecay float64 `json:"weight_decay"`
	Beta1       float64 `json:"beta1"`
	Beta2       float64 `json:"beta2"`
	Eps         float64 `json:"eps"`

	// Seed drives the weights and the random tokens. Default 1.
	Seed uint64 `json:"seed"`

	// Only restricts the run to these measurement names; empty means all of [Measurements].
	Only []string `json:"only,omitempty"`
}

// DefaultSpec returns the defaults documented on [Spec].
func DefaultSpec() Spec {
	return Spec{
		Batch: 8, SeqLen: 512, Steps: 5, Warmup: 1,
		DecodePrompts: 8, PromptLen: 192, NewTokens: 256, NaiveNewTokens: 16, DecodeRepeats: 3,
		LR: 1e-4, WeightDecay: 0.01, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8,
		Seed: 1,
	}
}

// WithDefaults returns s with every zero field replaced by its default. A zero WeightDecay takes
// the default too: decay costs one multiply-add per parameter, which does not matter for speed.
func (s Spec) WithDefaults() Spec {
	d := DefaultSpec()
	setInt := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	setFloat := func(v *float64, def float64) {
		if *v == 0 {
			*v = def
		}
	}
	setInt(&s.Batch, d.Batch)
	setInt(&s.SeqLen, d.SeqLen)
	setInt(&s.Steps, d.Steps)
	setInt(&s.Warmup, d.Warmup)
	setInt(&s.DecodePrompts, d.DecodePrompts)
	setInt(&s.PromptLen, d.PromptLen)
	setInt(&s.NewTokens, d.NewTokens)
	setInt(&s.NaiveNewTokens, d.NaiveNewTokens)
	setInt(&s.DecodeRepeats, d.DecodeRepeats)
	setFloat(&s.LR, d.LR)
	setFloat(&s.WeightDecay, d.WeightDecay)
	setFloat(&s.Beta1, d.Beta1)
	setFloat(&s.Beta2, d.Beta2)
	setFloat(&s.Eps, d.Eps)
	if s.Seed == 0 {
		s.Seed = d.Seed
	}
	return s
}

// Validate reports every invalid field of s (after defaults) in one error, or nil.
func (s Spec) Validate() error {
	var errs []error
	for _, f := range []struct {
		name string
		v    int
	}{{"Batch", s.Batch}, {"SeqLen", s.SeqLen}, {"Steps", s.Steps}, {"Warmup", s.Warmup},
		{"DecodePrompts", s.DecodePrompts}, {"PromptLen", s.PromptLen}, {"NewTokens", s.NewTokens},
		{"NaiveNewTokens", s.NaiveNewTokens}, {"DecodeRepeats", s.DecodeRepeats}} {
		if f.v < 1 {
			errs = append(errs, fmt.Errorf("%s = %d, must be ≥ 1", f.name, f.v))
		}
	}
	if s.SeqLen < 2 {
		errs = append(errs, fmt.Errorf("SeqLen = %d, must be ≥ 2 (next-token targets)", s.SeqLen))
	}
	if !(s.LR > 0) || s.WeightDecay < 0 || !(s.Beta1 >= 0 && s.Beta1 < 1) || !(s.Beta2 >= 0 && s.Beta2 < 1) || !(s.Eps > 0) {
		errs = append(errs, fmt.Errorf("AdamW hyper-parameters lr=%g wd=%g betas=(%g, %g) eps=%g out of range",
			s.LR, s.WeightDecay, s.Beta1, s.Beta2, s.Eps))
	}
	for _, name := range s.Only {
		if !slices.Contains(Measurements, name) {
			errs = append(errs, fmt.Errorf("unknown measurement %q (known: %s)", name, strings.Join(Measurements, ", ")))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("bench: invalid Spec: %w", errors.Join(errs...))
	}
	return nil
}

// wants reports whether measurement name is part of the run.
func (s Spec) wants(name string) bool { return len(s.Only) == 0 || slices.Contains(s.Only, name) }

// Result is one measurement of one implementation.
type Result struct {
	// Name is the measurement: one of [Measurements].
	Name string `json:"name" parquet:"name"`

	// Impl is the implementation measured: "r1lab" or "pytorch".
	Impl string `json:"impl" parquet:"impl"`

	// TokensPerSec is TokensPerStep / SecondsPerStep: training or forward tokens (Batch·SeqLen)
	// for train and forward, new tokens for the decodes.
	TokensPerSec float64 `json:"tokens_per_sec" parquet:"tokens_per_sec"`

	// SecondsPerStep is the median wall time of one timed repeat: one optimizer step, one forward
	// pass, or one whole generation call (prefill included) for the decodes.
	SecondsPerStep float64 `json:"seconds_per_step" parquet:"seconds_per_step"`

	// MinSeconds and MaxSeconds bound the timed repeats, to show the noise.
	MinSeconds float64 `json:"min_seconds" parquet:"min_seconds"`
	MaxSeconds float64 `json:"max_seconds" parquet:"max_seconds"`

	// FirstSeconds is the wall time of the first (warm-up) run, graph compilation included.
	FirstSeconds float64 `json:"first_seconds" parquet:"first_seconds"`

	// TokensPerStep is the number of tokens one repeat processes (see TokensPerSec).
	TokensPerStep int `json:"tokens_per_step" parquet:"tokens_per_step"`

	// Repeats is the number of timed repeats behind the median.
	Repeats int `json:"repeats" parquet:"repeats"`

	// Params is the model's parameter count, so that results of different models never mix.
	Params int `json:"params" parquet:"params"`

	// Shape describes the workload, e.g. "B=8 S=512" or "8×128 prompt +128 new".
	Shape string `json:"shape" parquet:"shape"`

	// Build is how r1lab was built, "plain" or "simd" (GOEXPERIMENT=simd: backend.SIMDBuild),
	// so that files of the two builds can be compared; "" for the peer.
	Build string `json:"build" parquet:"build"`
}
