package backend

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
)

// CompiledLengthBucket is the smallest length bucket (in tokens) that [LengthBucket] gives a
// backend which compiles every new input shape ahead of time, such as XLA. Default 128.
//
// Why: padded sequence lengths are rounded up to a multiple of a bucket so that few shapes reach
// the backend. The Go backend builds a graph in a fraction of a second, so a fine bucket (16–32
// tokens) that wastes little compute is right there. XLA instead compiles each shape for seconds:
// on an H100 the `quick` preset's short-CoT SFT took 54 s for 11 steps with bucket 32, 5 of them
// compiling a new shape (steps at 200–500 tok/s between steps at 160,000–440,000 tok/s), and 27 s
// with bucket 128.
const CompiledLengthBucket = 128

// LengthBucket returns the length bucket to use on b for a configured bucket: bucket itself on
// the pure-Go backend (or a nil b), and at least [CompiledLengthBucket] on any other backend.
// Padding is masked out of attention and of every loss, so the bucket changes speed, not
// results (beyond float rounding of differently shaped reductions).
func LengthBucket(b compute.Backend, bucket int) int {
	if !CompilesShapes(b) {
		return bucket
	}
	return max(bucket, CompiledLengthBucket)
}

// CompilesShapes reports whether b compiles each new input shape ahead of time (every backend
// but the pure-Go one; false for a nil b), so that callers should keep the number of shapes low.
func CompilesShapes(b compute.Backend) bool {
	// String, not Name: the Go backend's Name is "Go Backend", its String the registered "go".
	return b != nil && b.String() != gobackend.BackendName
}
