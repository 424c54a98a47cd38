package effect

import (
	"errors"
	"fmt"
	"math"

	"github.com/gomlx/compute/dtypes"
)

// Options configures an [Estimator]. Start from [DefaultOptions]; the zero value of a field is
// not a default (Validate rejects it).
type Options struct {
	// DType is the dtype every estimator computes in: Float64 (default) or Float32. The model's
	// weights are copied into the Estimator and converted, so a Float32 model can be analysed in
	// Float64 (the pure-Go backend supports it). Float64 is what makes the fast estimator's
	// finite difference accurate to ~1e-7 relative (see the package doc); Float32 is about as
	// fast on the Go backend and its fast estimator is accurate to ~1e-4 relative.
	DType dtypes.DType

	// BatchSize is the number of sequences per batched pass (forward passes of the fast
	// estimator and log-likelihoods, backward passes of the target gradient). The exact
	// per-sample gradient always uses batches of one. Default 16.
	BatchSize int

	// MaxBatchTokens caps the padded tokens of a batch (rows × padded length): a batch of long
	// sequences gets fewer than BatchSize rows, at least one. The backward pass keeps every
	// layer's attention weights, rows × heads × length² values: with 16 rows whatever their
	// length, paper-cpu's long-CoT samples (responses of up to about 640 tokens) took
	// `r1lab effect` past 19.8 GB on the pure-Go backend in Float64; with the cap, all six
	// analyses peaked at 8.8 GB and ran faster. Default 4096 (16 rows of 256 tokens).
	MaxBatchTokens int

	// LengthBucket: every padded sequence length is rounded up to a multiple of it so that only a
	// few graph shapes get compiled. Default 16.
	LengthBucket int

	// Epsilon is the fast estimator's central-difference step, relative to the weights' norm:
	// the model is evaluated at θ ± h·v̂ with h = Epsilon·‖θ‖ and v̂ the unit direction.
	// 0 (the default) picks it by DType: 1e-6 for Float64, 1e-4 for Float32 — the optimum of
	// truncation error (∝ h²) against rounding error (∝ u/h) measured by TestFastStepSweep
	// (see the package doc for the numbers).
	Epsilon float64

	// FastMethod is how [Estimator.FastSE] computes the directional derivative: CentralDifference
	// (default; two forward passes, ≈2× one forward pass) or DoubleBackward (exact to rounding,
	// ≈5× one forward pass). See the package doc.
	FastMethod FastMethod

	// Temperature is the temperature of the policy π whose expected reward the target gradient
	// g differentiates: the rollouts given to [Estimator.TargetREINFORCE] must have been sampled
	// at it, and [Estimator.SequenceLogProbs] and [Estimator.TargetExact] use it. Default 1 (the
	// model's own distribution). Greedy decoding has no gradient; use the RL sampling
	// temperature (0.7 in the paper) to study the policy RL optimises. The sample direction s(z)
	// is always at temperature 1: it is the gradient of the SFT loss.
	Temperature float64
}

// FastMethod selects how the fast estimator takes the directional derivative d/dε f(θ + ε·v).
type FastMethod int

const (
	// CentralDifference evaluates f at θ ± h·v̂ (two batched forward passes in one graph) and
	// divides the difference by 2h. Error O(h²) + O(u/h); see Options.Epsilon.
	CentralDifference FastMethod = iota
	// DoubleBackward is the exact Jacobian-vector product by the double-VJP trick: with a
	// per-row weight vector w, ⟨∇θ Σ_b w_b·f_b, v⟩ is linear in w and its gradient with respect
	// to w is (⟨∇θ f_b, v⟩)_b. GoMLX v0.28 has no forward mode, but it differentiates through
	// its own gradient graphs, so this is one forward, one backward and one backward-of-backward
	// pass: no step size, but ≈2.5× the cost of CentralDifference.
	DoubleBackward
)

// String returns "central-difference" or "double-backward".
func (m FastMethod) String() string {
	switch m {
	case CentralDifference:
		return "central-difference"
	case DoubleBackward:
		return "double-backward"
	}
	return fmt.Sprintf("FastMethod(%d)", int(m))
}

// DefaultOptions returns the documented defaults: Float64, batches of 16 rows and at most 4,096
// padded tokens, length bucket 16, central differences with Epsilon chosen by dtype,
// temperature 1.
func DefaultOptions() Options {
	return Options{DType: dtypes.Float64, BatchSize: 16, MaxBatchTokens: 4096, LengthBucket: 16, Epsilon: 0,
		FastMethod: CentralDifference, Temperature: 1}
}

// Automatic central-difference steps (relative to ‖θ‖) used when Options.Epsilon is 0.
const (
	DefaultEpsilonFloat64 = 1e-6
	DefaultEpsilonFloat32 = 1e-4
)

// epsilon is the relative step in effect: Epsilon, or the DType's default when it is 0.
func (o Options) epsilon() float64 {
	switch {
	case o.Epsilon > 0:
		return o.Epsilon
	case o.DType == dtypes.Float32:
		return DefaultEpsilonFloat32
	}
	return DefaultEpsilonFloat64
}

// Validate reports every invalid field in one error, or nil.
func (o Options) Validate() error {
	var errs []error
	if o.DType != dtypes.Float64 && o.DType != dtypes.Float32 {
		errs = append(errs, fmt.Errorf("DType = %s, must be Float64 or Float32", o.DType))
	}
	if o.BatchSize <= 0 {
		errs = append(errs, fmt.Errorf("BatchSize = %d, must be > 0", o.BatchSize))
	}
	if o.MaxBatchTokens <= 0 {
		errs = append(errs, fmt.Errorf("MaxBatchTokens = %d, must be > 0", o.MaxBatchTokens))
	}
	if o.LengthBucket <= 0 {
		errs = append(errs, fmt.Errorf("LengthBucket = %d, must be > 0", o.LengthBucket))
	}
	if !(o.Epsilon >= 0) || math.IsInf(o.Epsilon, 0) {
		errs = append(errs, fmt.Errorf("Epsilon = %g, must be finite and ≥ 0 (0: chosen by DType)", o.Epsilon))
	}
	if o.FastMethod != CentralDifference && o.FastMethod != DoubleBackward {
		errs = append(errs, fmt.Errorf("FastMethod = %v, must be CentralDifference or DoubleBackward", o.FastMethod))
	}
	if !(o.Temperature > 0) || math.IsInf(o.Temperature, 0) {
		errs = append(errs, fmt.Errorf("Temperature = %g, must be finite and > 0", o.Temperature))
	}
	if len(errs) > 0 {
		return fmt.Errorf("effect: invalid Options: %w", errors.Join(errs...))
	}
	return nil
}
