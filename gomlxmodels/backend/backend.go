// Package backend chooses and starts the GoMLX compute backend that r1lab runs on.
//
// The embedded default is GoMLX's pure-Go backend ("go"), configured as [DefaultConfig]. It needs no
// plugin, no cgo and no network, so `go test ./...` and the CLI run anywhere Go runs. Set the
// environment variable GOMLX_BACKEND to choose another configuration, for example
// "go:ops_sequential", or, in a binary built with `-tags xla`, "xla:cuda" or the absolute path of a
// PJRT plugin (see xla.go). The XLA backend is never compiled into the default build, so a plain
// binary can never try to download a plugin at run time.
//
// [New] returns an error, never a hang or a panic, when the requested backend is not compiled in,
// rejects its options or does not start within [StartTimeout]. Use [Describe] to print the backend
// in use, as the design asks every program to do.
package backend

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/compute"
	// The pure-Go backend is always compiled in: it is the embedded default.
	_ "github.com/gomlx/compute/gobackend"
)

// EnvVar is the environment variable that selects the backend configuration (GoMLX's own name).
const EnvVar = compute.ConfigEnvVar

// DefaultConfig is the configuration used when GOMLX_BACKEND is unset or empty: the pure-Go
// backend with an unlimited worker pool.
//
// Why parallelism=-1: with the default pool (2×GOMAXPROCS workers) the Go backend of GoMLX
// v0.28 can deadlock on 2-core machines when several parallel ops each wait for free workers
// (research/gomlx.md measured 6 hangs in 8 training runs). An unlimited pool never hung there and
// was also the fastest of the three safe settings on our LM; see the package benchmarks in
// gomlxmodels/lm for the re-measurement on this model.
const DefaultConfig = "go:parallelism=-1"

// StartTimeout bounds how long [New] and [NewWithConfig] wait for a backend to start before they
// give up with an error. Default: 2 minutes (a CUDA PJRT plugin can take tens of seconds to
// initialise; the Go backend starts in microseconds).
//
// A constructor that overruns is abandoned, not killed: its goroutine may keep running in the
// background, which is acceptable because the caller is expected to report the error and exit.
var StartTimeout = 2 * time.Minute

// Config returns the backend configuration [New] would use: $GOMLX_BACKEND when set and
// non-empty (surrounding spaces trimmed), otherwise [DefaultConfig].
func Config() string {
	if c := strings.TrimSpace(os.Getenv(EnvVar)); c != "" {
		return c
	}
	return DefaultConfig
}

// New starts the backend selected by [Config].
func New() (compute.Backend, error) {
	return NewWithConfig(Config())
}

// Available lists the names of the backends compiled into this binary, sorted.
func Available() []string {
	names := compute.List()
	slices.Sort(names)
	return names
}

// NewWithConfig starts the backend described by config, formatted as "<name>[:<options>]", e.g.
// "go", "go:parallelism=-1" or "xla:cuda". Every failure is an error naming the configuration:
// an empty config, a backend not compiled in, options the backend rejects, a constructor that
// panics, or one that does not return within [StartTimeout].
func NewWithConfig(config string) (compute.Backend, error) {
	config = strings.TrimSpace(config)
	if config == "" {
		return nil, fmt.Errorf("backend: empty configuration (set %s, e.g. %q)", EnvVar, DefaultConfig)
	}
	name, _, _ := strings.Cut(config, ":")
	if !slices.Contains(compute.List(), name) {
		hint := ""
		if name == "xla" || name == "stablehlo" || name == "hlo" || name == "shlo" {
			hint = " (the XLA backend is only compiled in with `go build -tags xla`)"
		}
		return nil, fmt.Errorf("backend: %s=%q: backend %q is not compiled into this binary; available: %s%s",
			EnvVar, config, name, strings.Join(Available(), ", "), hint)
	}
	type result struct {
		b   compute.Backend
		err error
	}
	done := make(chan result, 1) // buffered: an abandoned constructor must not block forever on send
	// The Go backend prints a notice ("parallelism set to -1") on stdout,
	// where r1lab's commands write their results: send it to stderr.
	stdout := os.Stdout
	os.Stdout = os.Stderr
	defer func() { os.Stdout = stdout }()
	go func() {
		var r result
		defer func() {
			// compute.NewWithConfig and some constructors panic instead of returning errors.
			if p := recover(); p != nil {
				r = result{err: fmt.Errorf("panic: %v", p)}
			}
			done <- r
		}()
		r.b, r.err = compute.NewWithConfig(config)
	}()
	timer := time.NewTimer(StartTimeout)
	defer timer.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			return nil, fmt.Errorf("backend: %s=%q failed to start: %w", EnvVar, config, r.err)
		}
		if r.b == nil {
			return nil, fmt.Errorf("backend: %s=%q: constructor returned no backend", EnvVar, config)
		}
		return r.b, nil
	case <-timer.C:
		return nil, fmt.Errorf("backend: %s=%q did not start within %s (gave up waiting)",
			EnvVar, config, StartTimeout)
	}
}

// Describe returns a one-line, human-readable description of b for logs and notebooks, e.g.
// "go — Go Portable Compute Backend (parallelism=-1); 1 device: device#0".
func Describe(b compute.Backend) string {
	if b == nil {
		return "<no backend>"
	}
	n := b.NumDevices()
	devs := make([]string, 0, n)
	for i := range n {
		devs = append(devs, b.DeviceDescription(compute.DeviceNum(i)))
	}
	plural := "s"
	if n == 1 {
		plural = ""
	}
	return fmt.Sprintf("%s — %s; %d device%s: %s", b.String(), b.Description(), n, plural, strings.Join(devs, ", "))
}
