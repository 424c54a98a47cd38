package backend

import (
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
)

// TestSIMDBuildMatchesBuildSettings checks the build-tagged constant against what the Go
// toolchain recorded in the binary: GOEXPERIMENT=simd must switch it on, its absence off.
func TestSIMDBuildMatchesBuildSettings(t *testing.T) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		t.Skip("no build info in this test binary")
	}
	experiments := ""
	for _, s := range info.Settings {
		if s.Key == "GOEXPERIMENT" {
			experiments = s.Value
		}
	}
	want := slices.Contains(strings.Split(experiments, ","), "simd")
	if SIMDBuild != want {
		t.Fatalf("SIMDBuild = %v, but the binary's GOEXPERIMENT is %q", SIMDBuild, experiments)
	}
	if tag := BuildTag(); (tag == "simd") != want || (tag != "simd" && tag != "plain") {
		t.Errorf("BuildTag() = %q with GOEXPERIMENT %q", tag, experiments)
	}
}

// Two real /proc/cpuinfo heads (shortened flag lists), one per vendor, and other shapes.
const (
	amdInfo = `processor	: 0
vendor_id	: AuthenticAMD
cpu family	: 25
model name	: AMD EPYC
flags		: fpu vme avx avx2 fma avx512f avx512bw avx512_bf16

processor	: 1
vendor_id	: AuthenticAMD
model name	: AMD EPYC
flags		: fpu
`
	intelInfo = `processor	: 0
vendor_id	: GenuineIntel
model name	: Intel Xeon Processor
flags		: fpu sse4_2 avx avx2 avx512f avx512vl amx_tile
`
	oldIntelInfo = `processor	: 0
vendor_id	: GenuineIntel
model name	: Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz
flags		: fpu sse4_2 avx avx2 fma
`
	armInfo = `processor	: 0
BogoMIPS	: 50.00
Features	: fp asimd evtstrm aes
CPU implementer	: 0x41
`
)

func TestParseCPUInfo(t *testing.T) {
	for _, tc := range []struct {
		name, text, vendor, model string
		simd                      []string
	}{
		{"amd, first processor only", amdInfo, "AuthenticAMD", "AMD EPYC", []string{"avx2", "avx512f"}},
		{"intel", intelInfo, "GenuineIntel", "Intel Xeon Processor", []string{"avx2", "avx512f"}},
		{"avx2 only", oldIntelInfo, "GenuineIntel", "Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz", []string{"avx2"}},
		{"arm: no x86 fields", armInfo, "", "", nil},
		{"empty", "", "", "", nil},
		{"avx512 flags other than avx512f do not count", "vendor_id : AuthenticAMD\nflags : avx512bw avx512vl\n", "AuthenticAMD", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vendor, model, simd := parseCPUInfo(tc.text)
			if vendor != tc.vendor || model != tc.model || !slices.Equal(simd, tc.simd) {
				t.Errorf("parseCPUInfo = %q, %q, %q; want %q, %q, %q", vendor, model, simd, tc.vendor, tc.model, tc.simd)
			}
		})
	}
}

func cpuOf(arch, text string) CPU {
	c := CPU{Arch: arch, Cores: 2}
	c.Vendor, c.Model, c.SIMD = parseCPUInfo(text)
	return c
}

// TestSIMDAdvice: advice only where a measurement says the other build is faster on that kind of
// CPU, never elsewhere.
func TestSIMDAdvice(t *testing.T) {
	for _, tc := range []struct {
		name string
		simd bool
		cpu  CPU
		want string // a substring; "" means no advice
	}{
		{"simd build on Intel: measured slower", true, cpuOf("amd64", intelInfo), "slower"},
		{"plain build on Intel: nothing to say", false, cpuOf("amd64", intelInfo), ""},
		{"plain build on AMD with AVX-512: measured slower", false, cpuOf("amd64", amdInfo), "GOEXPERIMENT=simd go build"},
		{"simd build on AMD with AVX-512: the faster one", true, cpuOf("amd64", amdInfo), ""},
		{"plain build on AMD without AVX-512: not measured", false, cpuOf("amd64", "vendor_id : AuthenticAMD\nflags : avx2\n"), ""},
		{"unknown CPU", false, CPU{Arch: "amd64"}, ""},
		{"not amd64", true, cpuOf("arm64", intelInfo), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := simdAdvice(tc.simd, tc.cpu)
			if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("simdAdvice = %q, want one containing %q", got, tc.want)
			}
		})
	}
}

func TestDescribeBuild(t *testing.T) {
	for _, tc := range []struct {
		name string
		simd bool
		cpu  CPU
		want string
	}{
		{"amd", false, cpuOf("amd64", amdInfo), "plain build (no GOEXPERIMENT=simd), go1.26.8, 2 × AMD EPYC (AuthenticAMD; avx2 avx512f)"},
		{"simd", true, cpuOf("amd64", oldIntelInfo), "GOEXPERIMENT=simd build, go1.26.8, 2 × Intel(R) Core(TM) i7-4770 CPU @ 3.40GHz (GenuineIntel; avx2)"},
		{"unknown cpu", false, CPU{Arch: "arm64", Cores: 4}, "plain build (no GOEXPERIMENT=simd), go1.26.8, 4 × arm64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := describeBuild(tc.simd, "go1.26.8", tc.cpu); got != tc.want {
				t.Errorf("describeBuild = %q\nwant            %q", got, tc.want)
			}
		})
	}
	if got := DescribeBuild(); !strings.Contains(got, runtime.Version()) {
		t.Errorf("DescribeBuild() = %q lacks the Go version %s", got, runtime.Version())
	}
}

func TestEnvironment(t *testing.T) {
	t.Setenv(EnvVar, "")
	e := HostEnvironment()
	if e.Backend != DefaultConfig || e.SIMDBuild != SIMDBuild || e.Go != runtime.Version() || e.OS != runtime.GOOS ||
		e.CPU.Arch != runtime.GOARCH || e.CPU.Cores != runtime.NumCPU() {
		t.Fatalf("HostEnvironment() = %+v", e)
	}
	// It survives config.json's round trip, which a resumed run compares against.
	js, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back Environment
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatal(err)
	}
	if why := e.SameResults(back); why != "" {
		t.Errorf("after a JSON round trip: %s", why)
	}

	other := e
	other.Go, other.CPU = "go1.99", CPU{Arch: "riscv64"}
	if why := e.SameResults(other); why != "" {
		t.Errorf("Go version and CPU are recorded, not compared; got %q", why)
	}
	other = e
	other.SIMDBuild = !e.SIMDBuild
	other.Backend = "xla:cuda"
	why := e.SameResults(other)
	for _, want := range []string{`backend "xla:cuda"`, buildName(!e.SIMDBuild)} {
		if !strings.Contains(why, want) {
			t.Errorf("SameResults = %q, want it to name %q", why, want)
		}
	}
	if s := e.String(); !strings.HasPrefix(s, fmt.Sprintf("backend %q, ", e.Backend)) || !strings.Contains(s, DescribeBuild()) {
		t.Errorf("String() = %q, want the backend then %q", s, DescribeBuild())
	}
	if b := other.Brief(); !strings.Contains(b, `"xla:cuda"`) || !strings.Contains(b, buildName(other.SIMDBuild)) {
		t.Errorf("Brief() = %q", b)
	}
}
