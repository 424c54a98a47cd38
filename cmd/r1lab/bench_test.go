package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/bench"
)

// microBenchArgs is a workload of a few hundred tokens on a minute model, so the command runs in
// well under a second without the peer.
var microBenchArgs = []string{"--size", "tiny", "--vocab", "50", "--d-model", "16", "--layers", "1",
	"--heads", "2", "--kv-heads", "1", "--head-dim", "8", "--ffn", "24", "--batch", "2", "--seq", "16",
	"--steps", "1", "--prompts", "2", "--prompt-len", "16", "--new-tokens", "3", "--naive-tokens", "2",
	"--decode-repeats", "1", "--peer", "off"}

func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	for _, ext := range []string{".json", ".parquet"} {
		out := filepath.Join(dir, "bench"+ext)
		var stdout, stderr bytes.Buffer
		if err := runBench(append(microBenchArgs, "--out", out), &stdout, &stderr); err != nil {
			t.Fatalf("%v\n%s", err, stderr.String())
		}
		text := stdout.String()
		for _, want := range []string{"backend:", "build: " + backend.DescribeBuild(), "model:", "measurement", bench.Train, bench.DecodeNaive, "wrote"} {
			if !strings.Contains(text, want) {
				t.Errorf("output lacks %q:\n%s", want, text)
			}
		}
		// The advice is printed exactly where there is some for this build on this CPU.
		if advice := backend.SIMDAdvice(); strings.Contains(text, "note: ") != (advice != "") ||
			(advice != "" && !strings.Contains(text, "note: "+advice+"\n")) {
			t.Errorf("advice for this build on this CPU: %q; output:\n%s", advice, text)
		}
		var got []bench.Result
		if ext == ".json" {
			data, err := os.ReadFile(out)
			if err == nil {
				err = json.Unmarshal(data, &got)
			}
			if err != nil {
				t.Fatal(err)
			}
		} else {
			var err error
			if got, err = dataio.Read[bench.Result](out); err != nil {
				t.Fatal(err)
			}
		}
		if len(got) != len(bench.Measurements) || got[0].Impl != bench.ImplR1lab || !(got[0].TokensPerSec > 0) ||
			got[0].Build != backend.BuildTag() {
			t.Errorf("%s holds %+v", ext, got)
		}
	}
}

func TestBenchCommandUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--size", "huge"},
		{"--peer", "maybe"},
		{"--peer-device", "tpu"},
		{"--only", "train,backward"},
		{"--batch", "0"},
		{"--out", "x.csv"},
		{"stray"},
	} {
		var stdout, stderr bytes.Buffer
		err := runBench(args, &stdout, &stderr)
		if !errors.As(err, new(usageError)) {
			t.Errorf("runBench(%q) = %v, want a usage error", args, err)
		}
	}
}
