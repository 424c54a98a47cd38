package backend

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// SIMDBuild reports whether this binary was built with GOEXPERIMENT=simd (Go ≥ 1.26), which
// compiles GoMLX's AVX2 and AVX-512 matmul kernels into the Go backend (on amd64; elsewhere the
// experiment changes nothing in GoMLX). Without it the Go backend multiplies with portable scalar
// code. The SIMD kernels are chosen at run time from the CPU's features; GOMLX_SIMD_AVX512=false
// and GOMLX_SIMD_AVX2=false turn them off.
//
// Whether it is faster depends on the CPU, which is why it is not the default build. Measured on
// r1lab's `tiny` model (`r1lab bench --peer off --batch 16 --seq 256`, 2 vCPUs, Go 1.26.8):
//   - AMD EPYC (family 25, AVX-512): train 3,919–4,094 tok/s against 1,979–2,012 for the plain
//     build, forward 9,448–9,881 against 5,564–5,754, KV-cache decoding 2,076–2,212 against
//     1,547–1,605;
//   - Intel Xeon (AVX-512, AMX; research/stack.md, 2026-11-24): matmuls about 9× faster but
//     math.Exp about 30× slower, and whole training steps slower and erratic (on that day's
//     machine, whose CPU r1lab did not record yet, 866–881 train tok/s against 2,290–2,324). Go's
//     compiler emits legacy SSE instructions next to the vector code (golang/go#80835), and Intel
//     cores pay an AVX–SSE state transition for each; AMD's do not.
//
// A build's results are deterministic (same seed, same bytes), but the SIMD kernels sum in another
// order than the scalar ones, so the two builds' weights differ by float rounding and a long RL run
// can take another path. Runs record the build in config.json (see [Environment]).
const SIMDBuild = simdBuild

// BuildTag is "simd" for a GOEXPERIMENT=simd build ([SIMDBuild]) and "plain" otherwise.
func BuildTag() string {
	if SIMDBuild {
		return "simd"
	}
	return "plain"
}

// CPU is what the operating system says about the processor: on Linux the first processor of
// /proc/cpuinfo; elsewhere only the architecture is known.
type CPU struct {
	Arch   string   `json:"arch"`             // runtime.GOARCH
	Vendor string   `json:"vendor,omitempty"` // "GenuineIntel", "AuthenticAMD", … ("" when unknown)
	Model  string   `json:"model,omitempty"`  // the model name, e.g. "AMD EPYC"
	SIMD   []string `json:"simd,omitempty"`   // the vector extensions GoMLX's kernels use that it has: "avx2", "avx512f"
	Cores  int      `json:"cores"`            // runtime.NumCPU
}

// HostCPU returns the CPU this process runs on, read once per process. Reading /proc/cpuinfo can
// fail (not Linux, a sandbox); the result then has the architecture and core count only.
func HostCPU() CPU {
	c := hostCPU()
	c.SIMD = slices.Clone(c.SIMD) // callers may keep and change theirs
	return c
}

var hostCPU = sync.OnceValue(func() CPU {
	c := CPU{Arch: runtime.GOARCH, Cores: runtime.NumCPU()}
	if text, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		c.Vendor, c.Model, c.SIMD = parseCPUInfo(string(text))
	}
	return c
})

// parseCPUInfo reads the vendor, model name and the AVX2/AVX-512F flags of the first processor
// in a /proc/cpuinfo text (x86 field names; other architectures give empty values).
func parseCPUInfo(text string) (vendor, model string, simd []string) {
	for line := range strings.Lines(text) {
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			if strings.TrimSpace(line) == "" && (vendor != "" || model != "") {
				break // the end of the first processor's block
			}
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(key) {
		case "vendor_id":
			vendor = value
		case "model name":
			model = value
		case "flags":
			flags := strings.Fields(value)
			for _, f := range []string{"avx2", "avx512f"} {
				if slices.Contains(flags, f) {
					simd = append(simd, f)
				}
			}
		}
	}
	return vendor, model, simd
}

// Environment is what a run records about where it ran (config.json's "environment"): results
// are the same bytes only for the same backend configuration and build.
type Environment struct {
	Backend   string `json:"backend"`    // the configuration started ([Config])
	SIMDBuild bool   `json:"simd_build"` // [SIMDBuild]
	Go        string `json:"go"`         // runtime.Version()
	OS        string `json:"os"`         // runtime.GOOS
	CPU       CPU    `json:"cpu"`
}

// HostEnvironment returns the Environment of this process with the backend configuration [New]
// uses.
func HostEnvironment() Environment {
	return Environment{Backend: Config(), SIMDBuild: SIMDBuild, Go: runtime.Version(), OS: runtime.GOOS, CPU: HostCPU()}
}

// SameResults reports why two environments may not give the same bytes for the same seed: a
// different backend configuration or build ("" when they agree on both). The Go version and the
// CPU are recorded but not compared: whether they change the Go backend's bytes was not measured.
func (e Environment) SameResults(other Environment) string {
	var why []string
	if e.Backend != other.Backend {
		why = append(why, fmt.Sprintf("backend %q, not %q", other.Backend, e.Backend))
	}
	if e.SIMDBuild != other.SIMDBuild {
		why = append(why, fmt.Sprintf("%s, not %s", buildName(other.SIMDBuild), buildName(e.SIMDBuild)))
	}
	return strings.Join(why, "; ")
}

// Brief names the backend configuration and build, e.g. `backend "go:parallelism=-1", a plain build`.
func (e Environment) Brief() string {
	return fmt.Sprintf("backend %q, %s", e.Backend, buildName(e.SIMDBuild))
}

// String describes the environment in full, e.g. `backend "go:parallelism=-1", plain build (no
// GOEXPERIMENT=simd), go1.26.8, 2 × AMD EPYC (AuthenticAMD; avx2 avx512f)`.
func (e Environment) String() string {
	return fmt.Sprintf("backend %q, %s", e.Backend, describeBuild(e.SIMDBuild, e.Go, e.CPU))
}

// buildName names a build by its SIMD setting.
func buildName(simd bool) string {
	if simd {
		return "a GOEXPERIMENT=simd build"
	}
	return "a plain build"
}

// DescribeBuild returns a one-line description of the build and CPU for logs, e.g.
// "plain build (no GOEXPERIMENT=simd), go1.26.8, 2 × AMD EPYC (AuthenticAMD; avx2 avx512f)".
func DescribeBuild() string { return describeBuild(SIMDBuild, runtime.Version(), HostCPU()) }

func describeBuild(simd bool, goVersion string, c CPU) string {
	b := "plain build (no GOEXPERIMENT=simd)"
	if simd {
		b = "GOEXPERIMENT=simd build"
	}
	cpu := c.Arch
	if c.Model != "" {
		cpu = c.Model
	}
	var about []string
	if c.Vendor != "" {
		about = append(about, c.Vendor)
	}
	if len(c.SIMD) > 0 {
		about = append(about, strings.Join(c.SIMD, " "))
	}
	if len(about) > 0 {
		cpu += " (" + strings.Join(about, "; ") + ")"
	}
	return fmt.Sprintf("%s, %s, %d × %s", b, goVersion, c.Cores, cpu)
}

// SIMDAdvice returns a line of advice when this build is the one measured slower on this kind
// of CPU (see [SIMDBuild]), or "" when there is none to give. It concerns the Go backend only.
func SIMDAdvice() string { return simdAdvice(SIMDBuild, HostCPU()) }

func simdAdvice(simd bool, c CPU) string {
	if c.Arch != "amd64" {
		return ""
	}
	avx512 := slices.Contains(c.SIMD, "avx512f")
	switch {
	case simd && c.Vendor == "GenuineIntel":
		return "this r1lab was built with GOEXPERIMENT=simd, which ran our model slower than the plain build " +
			"on an Intel Xeon (AVX-SSE transitions, golang/go#80835); rebuild without it, or compare the two with `r1lab bench`"
	case !simd && c.Vendor == "AuthenticAMD" && avx512:
		return "on an AMD CPU with AVX-512 a GOEXPERIMENT=simd build trained our model 2× faster: " +
			"`GOEXPERIMENT=simd go build -o r1lab ./cmd/r1lab` (compare the two with `r1lab bench`)"
	}
	return ""
}
