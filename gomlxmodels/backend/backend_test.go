package backend

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

// Test-only backends, registered under names no real backend uses, to exercise the error paths
// that a real backend only hits on a broken machine: a constructor that never returns and one that
// panics.
func init() {
	compute.Register("r1lab-test-hang", func(string) (compute.Backend, error) {
		select {} // never returns
	})
	compute.Register("r1lab-test-panic", func(string) (compute.Backend, error) {
		panic("boom")
	})
}

func TestConfig(t *testing.T) {
	tests := []struct {
		name, env, want string
	}{
		{"unset means default", "", DefaultConfig},
		{"blank means default", "   ", DefaultConfig},
		{"explicit", "go:ops_sequential", "go:ops_sequential"},
		{"trimmed", "  go  ", "go"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(EnvVar, tc.env)
			if got := Config(); got != tc.want {
				t.Errorf("Config() with %s=%q = %q, want %q", EnvVar, tc.env, got, tc.want)
			}
		})
	}
}

func TestNewWithConfig(t *testing.T) {
	tests := []struct {
		config  string
		wantErr string // empty: must succeed
	}{
		{config: "go"},
		{config: "go:parallelism=-1"},
		{config: "go:ops_sequential"},
		{config: "go:parallelism=2,ops_parallel"},
		{config: "", wantErr: "empty configuration"},
		{config: "nosuch", wantErr: `backend "nosuch" is not compiled into this binary`},
		{config: "go:parallelism=lots", wantErr: `"go:parallelism=lots" failed to start`},
		{config: "go:warp_speed", wantErr: `unknown configuration option "warp_speed"`},
		{config: "r1lab-test-panic", wantErr: "panic: boom"},
	}
	for _, tc := range tests {
		t.Run(tc.config, func(t *testing.T) {
			b, err := NewWithConfig(tc.config)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("NewWithConfig(%q): %v", tc.config, err)
				}
				defer b.Finalize()
				if b.String() != gobackend.BackendName {
					t.Errorf("NewWithConfig(%q) started %q, want %q", tc.config, b.String(), gobackend.BackendName)
				}
				return
			}
			if err == nil {
				b.Finalize()
				t.Fatalf("NewWithConfig(%q) succeeded, want error containing %q", tc.config, tc.wantErr)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("NewWithConfig(%q) error = %q, want it to contain %q", tc.config, err, tc.wantErr)
			}
		})
	}
}

func TestXLANotCompiledInHint(t *testing.T) {
	if slices.Contains(Available(), "xla") {
		t.Skip("binary built with -tags xla")
	}
	_, err := NewWithConfig("xla:cuda")
	if err == nil || !strings.Contains(err.Error(), "-tags xla") {
		t.Fatalf("NewWithConfig(xla:cuda) error = %v, want a hint about -tags xla", err)
	}
}

func TestNewTimesOut(t *testing.T) {
	old := StartTimeout
	StartTimeout = 50 * time.Millisecond
	defer func() { StartTimeout = old }()
	start := time.Now()
	_, err := NewWithConfig("r1lab-test-hang:whatever")
	if err == nil || !strings.Contains(err.Error(), "did not start within") {
		t.Fatalf("error = %v, want a timeout error", err)
	}
	if !strings.Contains(err.Error(), `"r1lab-test-hang:whatever"`) {
		t.Errorf("timeout error %q does not name the configuration", err)
	}
	if elapsed := time.Since(start); elapsed > 5*time.Second {
		t.Errorf("NewWithConfig took %s with StartTimeout=50ms", elapsed)
	}
}

func TestNewUsesEnv(t *testing.T) {
	t.Setenv(EnvVar, "nosuch:opt")
	if _, err := New(); err == nil || !strings.Contains(err.Error(), `"nosuch:opt"`) {
		t.Fatalf("New() with %s=nosuch:opt: error = %v, want one naming the config", EnvVar, err)
	}
	t.Setenv(EnvVar, "")
	b, err := New()
	if err != nil {
		t.Fatalf("New() with default config: %v", err)
	}
	defer b.Finalize()
	if d := Describe(b); !strings.Contains(d, "parallelism=-1") || !strings.Contains(d, "1 device") {
		t.Errorf("Describe(default) = %q, want the parallelism and device count", d)
	}
}

// named is a backend that reports another name, to stand in for a compiling backend (XLA is not
// compiled into the test binary).
type named struct {
	compute.Backend
	name string
}

func (n named) String() string { return n.name }

func TestLengthBucket(t *testing.T) {
	goBackend, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer goBackend.Finalize()
	tests := []struct {
		name   string
		b      compute.Backend
		bucket int
		want   int
	}{
		{"go keeps a fine bucket", goBackend, 16, 16},
		{"nil keeps the bucket", nil, 32, 32},
		{"xla raises a fine bucket", named{goBackend, "xla"}, 32, CompiledLengthBucket},
		{"xla keeps a coarser bucket", named{goBackend, "xla"}, 4 * CompiledLengthBucket, 4 * CompiledLengthBucket},
	}
	for _, tc := range tests {
		if got := LengthBucket(tc.b, tc.bucket); got != tc.want {
			t.Errorf("%s: LengthBucket(%d) = %d, want %d", tc.name, tc.bucket, got, tc.want)
		}
	}
}
