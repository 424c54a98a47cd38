package bench

import (
	"slices"
	"time"
)

// timing holds the wall times of one measurement: the first (warm-up, compiling) run and the
// timed repeats, in seconds.
type timing struct {
	first float64
	runs  []float64
}

// timeRuns runs f warmup times untimed (at least once: the first call compiles), then repeats
// times timed, stopping at the first error.
func timeRuns(warmup, repeats int, f func() error) (timing, error) {
	var t timing
	for i := range max(warmup, 1) {
		start := time.Now()
		if err := f(); err != nil {
			return t, err
		}
		if i == 0 {
			t.first = time.Since(start).Seconds()
		}
	}
	for range repeats {
		start := time.Now()
		if err := f(); err != nil {
			return t, err
		}
		t.runs = append(t.runs, time.Since(start).Seconds())
	}
	return t, nil
}

// median of xs (mean of the two middle values for an even count); 0 for none.
func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// result turns t into a Result; tokens is the number of tokens one repeat processes.
func (t timing) result(name, impl, shape string, tokens, params int) Result {
	r := Result{Name: name, Impl: impl, Shape: shape, TokensPerStep: tokens, Params: params,
		FirstSeconds: t.first, Repeats: len(t.runs)}
	if len(t.runs) > 0 {
		r.SecondsPerStep = median(t.runs)
		r.MinSeconds, r.MaxSeconds = slices.Min(t.runs), slices.Max(t.runs)
		if r.SecondsPerStep > 0 {
			r.TokensPerSec = float64(tokens) / r.SecondsPerStep
		}
	}
	return r
}
