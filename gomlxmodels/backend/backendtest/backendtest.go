// Package backendtest gives every test binary one compute backend: the
// project default (backend.New, so pure Go unless GOMLX_BACKEND names another),
// started on first use and shared by all tests, since starting one per test
// would dominate their run time.
package backendtest

import (
	"sync"
	"testing"

	"github.com/gomlx/compute"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
)

var shared = sync.OnceValues(backend.New)

// Must returns the test binary's backend, or fails t when it cannot start.
func Must(t testing.TB) compute.Backend {
	t.Helper()
	b, err := shared()
	if err != nil {
		t.Fatalf("backend: %v", err)
	}
	return b
}
