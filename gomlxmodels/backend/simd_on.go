//go:build goexperiment.simd

package backend

// simdBuild: this file is compiled only with GOEXPERIMENT=simd.
const simdBuild = true
