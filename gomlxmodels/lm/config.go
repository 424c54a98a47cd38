package lm

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/gomlx/compute/dtypes"
)

// Config describes one decoder. The zero value is not usable: start from [ConfigForSize] (or
// fill every field) and call [Config.Validate]. Defaults quoted below are those of the "tiny" size.
type Config struct {
	// Vocab is the vocabulary size: token ids are in [0, Vocab). No default: it comes from the
	// tokenizer. Special ids (pad, eos, …) are ordinary ids to the model.
	Vocab int `json:"vocab"`

	// DModel is the width of the residual stream. Default 64.
	DModel int `json:"d_model"`

	// Layers is the number of decoder blocks. Default 4.
	Layers int `json:"layers"`

	// Heads is the number of query heads. Default 4.
	Heads int `json:"heads"`

	// KVHeads is the number of key/value heads (grouped-query attention); it must divide Heads.
	// KVHeads == Heads is ordinary multi-head attention. Default 4.
	KVHeads int `json:"kv_heads"`

	// HeadDim is the width of one attention head; it must be even (RoPE rotates pairs).
	// Heads·HeadDim need not equal DModel (Qwen2 keeps them equal). Default 16.
	HeadDim int `json:"head_dim"`

	// FFN is the hidden width of the SwiGLU MLP (the "intermediate size"). Default 192 (3·DModel).
	FFN int `json:"ffn"`

	// RoPEBase is the RoPE frequency base θ: pair i of a head rotates by position·θ^(−2i/HeadDim).
	// Default 10000 (Qwen2.5 uses 1e6 for 32k contexts; our sequences are short).
	RoPEBase float64 `json:"rope_base"`

	// MaxSeqLen is the longest sequence (prompt + response) the model accepts. RoPE needs no
	// table, so this is a guard checked by samplers and trainers, not an allocation. Default 1024.
	MaxSeqLen int `json:"max_seq_len"`

	// NormEps is the ε inside RMSNorm's square root. Default 1e-6 (Qwen2).
	NormEps float64 `json:"norm_eps"`

	// InitStd is the standard deviation of the normal initialisation of the embedding and the
	// input projections; the two residual output projections (attention out, MLP down) use
	// InitStd/√(2·Layers) so the residual stream's variance does not grow with depth (GPT-2).
	// Norm scales start at 1 and biases at 0. Default 0.05 (Qwen2 uses 0.02 at width ≥ 1536;
	// see ConfigForSize for why tiny uses more).
	InitStd float64 `json:"init_std"`

	// DType is the dtype of the weights and activations: Float32 (default), Float64 (used by
	// gradient checks), BFloat16 or Float16. With a half dtype, RMSNorm statistics, softmaxes and
	// log-probs are computed in Float32.
	DType dtypes.DType `json:"dtype"`
}

// Sizes lists the names accepted by [ConfigForSize], smallest first.
var Sizes = []string{"micro", "tiny", "small", "medium"}

// ConfigForSize returns the named preset for a vocabulary of vocab tokens:
//
//   - "micro": d 16, 1 layer, 2 heads (1 KV) of 8, FFN 48: 16·vocab plus about 3 k parameters.
//     It learns nothing useful; tests and smoke runs of whole pipelines use it.
//   - "tiny": d 64, 4 layers, 4 heads (4 KV: plain multi-head attention) of 16, FFN 192,
//     init std 0.05: about 0.21 M parameters plus 64·vocab for the embedding. Trains at a few
//     thousand tokens/s on 2 CPU cores with the pure-Go backend (see BenchmarkTrainStep), i.e. a
//     useful run in minutes. With init std 0.02 (GPT-2's, tuned for d 768) this width
//     learned in-context copying far more slowly: on a copy task (3–8 names at varying offsets) it
//     reached 3.41 nats per copied name after 400 steps of 16, against 1.76 with std 0.05 and 4
//     KV heads; the PyTorch peer agrees (std 0.02: 2.11, 0.05: 1.14 after 600 steps at lr 1e-3).
//   - "small": d 256, 6 layers, 8 heads (4 KV) of 32, FFN 768: about 4.7 M + 256·vocab. GPU.
//   - "medium": d 512, 12 layers, 8 heads (2 KV) of 64, FFN 1536: about 36 M + 512·vocab. GPU.
//
// All sizes use RoPE base 10000, RMSNorm ε 1e-6 and Float32; all but tiny use init std 0.02.
func ConfigForSize(name string, vocab int) (Config, error) {
	c := Config{
		Vocab:    vocab,
		RoPEBase: 10000,
		NormEps:  1e-6,
		InitStd:  0.02,
		DType:    dtypes.Float32,
	}
	switch strings.ToLower(strings.TrimSpace(name)) {
	case "micro":
		c.DModel, c.Layers, c.Heads, c.KVHeads, c.HeadDim, c.FFN, c.MaxSeqLen = 16, 1, 2, 1, 8, 48, 2048
	case "tiny":
		c.DModel, c.Layers, c.Heads, c.KVHeads, c.HeadDim, c.FFN, c.MaxSeqLen = 64, 4, 4, 4, 16, 192, 2048
		c.InitStd = 0.05
	case "small":
		c.DModel, c.Layers, c.Heads, c.KVHeads, c.HeadDim, c.FFN, c.MaxSeqLen = 256, 6, 8, 4, 32, 768, 2048
	case "medium":
		c.DModel, c.Layers, c.Heads, c.KVHeads, c.HeadDim, c.FFN, c.MaxSeqLen = 512, 12, 8, 2, 64, 1536, 2048
	default:
		return Config{}, fmt.Errorf("lm: unknown model size %q (known: %s)", name, strings.Join(Sizes, ", "))
	}
	if err := c.Validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

// Validate reports every invalid field of c in one error, or nil.
func (c Config) Validate() error {
	var errs []error
	positive := func(name string, v int) {
		if v <= 0 {
			errs = append(errs, fmt.Errorf("%s = %d, must be > 0", name, v))
		}
	}
	positive("Vocab", c.Vocab)
	positive("DModel", c.DModel)
	positive("Layers", c.Layers)
	positive("Heads", c.Heads)
	positive("KVHeads", c.KVHeads)
	positive("HeadDim", c.HeadDim)
	positive("FFN", c.FFN)
	positive("MaxSeqLen", c.MaxSeqLen)
	if c.Heads > 0 && c.KVHeads > 0 && c.Heads%c.KVHeads != 0 {
		errs = append(errs, fmt.Errorf("KVHeads = %d must divide Heads = %d", c.KVHeads, c.Heads))
	}
	if c.HeadDim > 0 && c.HeadDim%2 != 0 {
		errs = append(errs, fmt.Errorf("HeadDim = %d must be even (RoPE rotates pairs)", c.HeadDim))
	}
	finitePositive := func(name string, v float64) {
		if !(v > 0) || math.IsInf(v, 0) {
			errs = append(errs, fmt.Errorf("%s = %g, must be finite and > 0", name, v))
		}
	}
	finitePositive("RoPEBase", c.RoPEBase)
	finitePositive("NormEps", c.NormEps)
	finitePositive("InitStd", c.InitStd)
	if !slices.Contains(supportedDTypes, c.DType) {
		errs = append(errs, fmt.Errorf("DType = %s, must be one of %v", c.DType, supportedDTypes))
	}
	if len(errs) > 0 {
		return fmt.Errorf("lm: invalid Config: %w", errors.Join(errs...))
	}
	return nil
}

var supportedDTypes = []dtypes.DType{dtypes.Float32, dtypes.Float64, dtypes.BFloat16, dtypes.Float16}

// NumParams is the number of scalar parameters of the model c describes (embedding counted once:
// it is tied with the output projection).
func (c Config) NumParams() int {
	n := 0
	for _, p := range c.params() {
		n += p.size()
	}
	return n
}

// String is a compact one-line summary, e.g. for logs.
func (c Config) String() string {
	return fmt.Sprintf("vocab=%d d=%d layers=%d heads=%d/%d×%d ffn=%d rope=%g maxlen=%d %s (%.3fM params)",
		c.Vocab, c.DModel, c.Layers, c.Heads, c.KVHeads, c.HeadDim, c.FFN, c.RoPEBase, c.MaxSeqLen, c.DType,
		float64(c.NumParams())/1e6)
}

// qkvWidth is the output width of the fused q|k|v projection.
func (c Config) qkvWidth() int { return (c.Heads + 2*c.KVHeads) * c.HeadDim }
