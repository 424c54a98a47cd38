//go:build xla

// This file is compiled only with `go build -tags xla` (needs cgo). It registers GoMLX's XLA/PJRT
// backend under the names "xla", "stablehlo", "hlo" and "shlo". The default stays [DefaultConfig]:
// XLA is used only when GOMLX_BACKEND asks for it, e.g. "xla:cuda" or
// "xla:/abs/path/xla_cuda_plugin.so".
//
// Plugins are never downloaded: go-xla only auto-installs when its autoinstall package is linked,
// which r1lab never imports, and init below also switches auto-install off and sets
// GOMLX_NO_AUTO_INSTALL for any code that reads it later. Ship the PJRT plugin yourself (for
// example the one inside JAX's CUDA wheel, see DESIGN.md §3) or point PJRT_PLUGIN_LIBRARY_PATH at it.

package backend

import (
	"os"

	"github.com/gomlx/go-xla/compute/xla"
)

func init() {
	if _, set := os.LookupEnv(xla.NoAutoInstallEnv); !set {
		_ = os.Setenv(xla.NoAutoInstallEnv, "1")
	}
	// The xla package read the variable in its own init, before ours ran; this call is what
	// actually disables auto-install.
	xla.EnableAutoInstall(false)
}
