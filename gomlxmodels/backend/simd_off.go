//go:build !goexperiment.simd

package backend

// simdBuild: this file is compiled only without GOEXPERIMENT=simd.
const simdBuild = false
