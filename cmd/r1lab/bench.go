package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/bench"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

const benchSummary = `Measure the language model's throughput on the compute backend (training
step, forward pass, KV-cache and naive greedy decoding) and, side by side, that
of the same model in PyTorch (gomlxmodels/bench/torchpeer/peer.py, run with
/usr/bin/python3), on the CPU or, with --peer-device cuda, on the GPU. Times are
medians over the repeats after warm-up. Set GOMLX_BACKEND to compare backend
configurations; on a GPU, build with -tags xla and set
GOMLX_BACKEND=xla:/path/to/xla_cuda_plugin.so (DESIGN.md §3).`

// benchDefaultVocab is a realistic vocabulary: the K&K + ARITH word tokenizer has about 920
// tokens; 1024 leaves room for growth and keeps the output projection's share realistic.
const benchDefaultVocab = 1024

func runBench(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("bench", benchSummary, stderr)
	def := bench.DefaultSpec()
	size := fs.String("size", "tiny", "model preset: "+strings.Join(lm.Sizes, ", "))
	vocab := fs.Int("vocab", benchDefaultVocab, "vocabulary size")
	dModel := fs.Int("d-model", 0, "override the preset's residual width (0: keep)")
	layers := fs.Int("layers", 0, "override the preset's layer count (0: keep)")
	heads := fs.Int("heads", 0, "override the preset's query heads (0: keep)")
	kvHeads := fs.Int("kv-heads", 0, "override the preset's key/value heads (0: keep)")
	headDim := fs.Int("head-dim", 0, "override the preset's head width (0: keep)")
	ffn := fs.Int("ffn", 0, "override the preset's SwiGLU hidden width (0: keep)")
	batch := fs.Int("batch", def.Batch, "train/forward batch size")
	seq := fs.Int("seq", def.SeqLen, "train/forward sequence length")
	steps := fs.Int("steps", def.Steps, "timed train/forward steps (median reported)")
	warmup := fs.Int("warmup", def.Warmup, "untimed warm-up runs per measurement (≥ 1)")
	prompts := fs.Int("prompts", def.DecodePrompts, "decode: number of prompts")
	promptLen := fs.Int("prompt-len", def.PromptLen, "decode: tokens per prompt")
	newTokens := fs.Int("new-tokens", def.NewTokens, "decode: new tokens per prompt (KV cache)")
	naiveTokens := fs.Int("naive-tokens", def.NaiveNewTokens, "decode: new tokens per prompt without the cache")
	decodeRepeats := fs.Int("decode-repeats", def.DecodeRepeats, "decode: timed generations (median reported)")
	only := fs.String("only", "", "comma-separated measurements to run (default all: "+strings.Join(bench.Measurements, ",")+")")
	peer := fs.String("peer", "auto", "PyTorch peer: auto (if python can import torch), on (required) or off")
	python := fs.String("python", bench.DefaultPython, "python interpreter of the PyTorch peer")
	threads := fs.Int("threads", bench.DefaultPeerThreads, "PyTorch intra-op threads")
	peerDevice := fs.String("peer-device", "cpu", "PyTorch device: cpu or cuda")
	peerTF32 := fs.Bool("peer-tf32", false, "let PyTorch's float32 matmuls use TF32 on cuda (r1lab's model is full float32)")
	out := fs.String("out", "", "also write the results to FILE (.parquet or .json)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}

	cfg, err := lm.ConfigForSize(*size, *vocab)
	if err != nil {
		return usageError{err}
	}
	for _, o := range []struct {
		dst *int
		v   int
	}{{&cfg.DModel, *dModel}, {&cfg.Layers, *layers}, {&cfg.Heads, *heads}, {&cfg.KVHeads, *kvHeads},
		{&cfg.HeadDim, *headDim}, {&cfg.FFN, *ffn}} {
		if o.v != 0 {
			*o.dst = o.v
		}
	}
	// MaxSeqLen is only a guard (RoPE needs no table): widen it to the benchmark's lengths.
	cfg.MaxSeqLen = max(cfg.MaxSeqLen, *seq, *promptLen+max(*newTokens, *naiveTokens))
	if err := cfg.Validate(); err != nil {
		return usageError{err}
	}
	// Start from the defaults rather than zero fields, so that an explicit 0 is rejected instead
	// of silently becoming the default.
	spec := def
	spec.Batch, spec.SeqLen, spec.Steps, spec.Warmup = *batch, *seq, *steps, *warmup
	spec.DecodePrompts, spec.PromptLen, spec.NewTokens = *prompts, *promptLen, *newTokens
	spec.NaiveNewTokens, spec.DecodeRepeats = *naiveTokens, *decodeRepeats
	if *only != "" {
		for _, name := range strings.Split(*only, ",") {
			spec.Only = append(spec.Only, strings.TrimSpace(name))
		}
	}
	if err := spec.Validate(); err != nil {
		return usageError{err}
	}
	if *peer != "auto" && *peer != "on" && *peer != "off" {
		return usageError{fmt.Errorf("--peer %q: want auto, on or off", *peer)}
	}
	peerOpts := bench.PeerOptions{Python: *python, Threads: *threads, Device: *peerDevice, TF32: *peerTF32}
	if err := peerOpts.Validate(); err != nil {
		return usageError{fmt.Errorf("--peer-device: %w", err)}
	}
	if *out != "" && outFormat(*out) == "" {
		return usageError{fmt.Errorf("--out %q: want a .parquet or .json file", *out)}
	}

	be, err := backend.New()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backend: %s\n", backend.Describe(be))
	printBuild(stdout, be)
	fmt.Fprintf(stdout, "machine: %d CPUs, GOMAXPROCS %d, load average %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), loadAverage())
	if l := loadAverage1(); l > 0.5 {
		fmt.Fprintf(stdout, "warning: load average %.2f before starting: other processes compete for the CPUs, "+
			"so both columns are slowed and the ratio is noisy\n", l)
	}
	fmt.Fprintf(stdout, "model:   %s %s\n", *size, cfg)
	fmt.Fprintf(stdout, "work:    train/forward B=%d S=%d, %d steps; decode %d prompts × %d tokens, +%d new (KV cache), +%d new (naive); greedy, no EOS; %d warm-up run(s), medians\n",
		spec.Batch, spec.SeqLen, spec.Steps, spec.DecodePrompts, spec.PromptLen, spec.NewTokens, spec.NaiveNewTokens, spec.Warmup)

	ctx := context.Background()
	runPeer := *peer == "on"
	if *peer == "auto" {
		if err := bench.PeerAvailable(ctx, *python); err != nil {
			fmt.Fprintf(stdout, "peer:    off (%v)\n", err)
		} else {
			runPeer = true
		}
	}
	progress := func(r bench.Result) {
		fmt.Fprintf(stderr, "  %-7s %-12s %10.1f tok/s  %.3f s/step (min %.3f, max %.3f; first %.2f s)\n",
			r.Impl, r.Name, r.TokensPerSec, r.SecondsPerStep, r.MinSeconds, r.MaxSeconds, r.FirstSeconds)
	}
	var peerResults []bench.Result
	if runPeer {
		var info bench.PeerInfo
		peerResults, info, err = bench.RunPeer(ctx, peerOpts, cfg, spec, progress)
		if err != nil {
			return err
		}
		if info.GPU != "" {
			fmt.Fprintf(stdout, "peer:    PyTorch %s on %s (%s), eager float32, TF32 %v, %d params (same as r1lab)\n",
				info.Torch, info.Device, info.GPU, info.TF32, info.Params)
		} else {
			fmt.Fprintf(stdout, "peer:    PyTorch %s, %d threads, OPENBLAS_NUM_THREADS=%s, OMP_WAIT_POLICY=%s, %d params (same as r1lab)\n",
				info.Torch, info.Threads, info.OpenBLASThreads, info.OMPWaitPolicy, info.Params)
		}
	}
	ours, err := bench.RunEach(be, cfg, spec, progress)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "load average after: %s\n\n", loadAverage())
	printBenchTable(stdout, ours, peerResults)
	if *out != "" {
		all := append(append([]bench.Result(nil), ours...), peerResults...)
		if err := writeBenchResults(*out, all); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nwrote %s\n", *out)
	}
	return nil
}

// printBenchTable prints one row per measurement: our tokens/s, the peer's, and their ratio.
func printBenchTable(w io.Writer, ours, peer []bench.Result) {
	byName := map[string]bench.Result{}
	for _, r := range peer {
		byName[r.Name] = r
	}
	const row = "%-13s %-22s %12s %14s %9s\n"
	fmt.Fprintf(w, row, "measurement", "shape", "r1lab tok/s", "PyTorch tok/s", "ratio")
	for _, r := range ours {
		p, ok := byName[r.Name]
		peerCol, ratio := "–", "–"
		if ok && p.TokensPerSec > 0 {
			peerCol = fmt.Sprintf("%.0f", p.TokensPerSec)
			ratio = fmt.Sprintf("%.3f×", r.TokensPerSec/p.TokensPerSec)
		}
		fmt.Fprintf(w, row, r.Name, r.Shape, fmt.Sprintf("%.0f", r.TokensPerSec), peerCol, ratio)
	}
	if len(peer) > 0 {
		fmt.Fprintln(w, "ratio = r1lab tok/s ÷ PyTorch tok/s (≥ 1 means r1lab is faster)")
	}
}

// outFormat is "parquet" or "json" from path's extension, or "" for neither.
func outFormat(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".parquet":
		return "parquet"
	case ".json":
		return "json"
	}
	return ""
}

// writeBenchResults writes results to path atomically, as Parquet or indented JSON.
func writeBenchResults(path string, results []bench.Result) error {
	if outFormat(path) == "parquet" {
		return dataio.Write(path, results)
	}
	data, err := json.MarshalIndent(results, "", "  ")
	if err != nil {
		return err
	}
	return dataio.WriteBytesAtomic(path, append(data, '\n'))
}

// loadAverage is the 1/5/15-minute load average from /proc/loadavg, or "n/a": benchmark numbers
// on a shared machine mean little without it.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "n/a"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "n/a"
	}
	return strings.Join(f[:3], " ")
}

// loadAverage1 is the 1-minute load average, or 0 when unknown.
func loadAverage1() float64 {
	f := strings.Fields(loadAverage())
	if len(f) == 0 {
		return 0
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return 0
	}
	return v
}
