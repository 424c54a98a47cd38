package bench

import (
	"bufio"
	"bytes"
	"context"
	_ "embed" // the peer script travels inside the binary, so `r1lab bench` works from any directory
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// PeerScript is torchpeer/peer.py, the PyTorch implementation of the benchmark.
//
//go:embed torchpeer/peer.py
var PeerScript []byte

// DefaultPython is the interpreter [RunPeer] uses by default: Debian's, because that is where
// apt's python3-torch lives; a pyenv python3 earlier on PATH usually has no torch.
const DefaultPython = "/usr/bin/python3"

// ImplPyTorch is the [Result.Impl] of the peer's measurements.
const ImplPyTorch = "pytorch"

// DefaultPeerThreads is torch's intra-op thread count: the 2 cores of the reference machine.
const DefaultPeerThreads = 2

// PeerOptions configures the PyTorch peer process of [RunPeer]. The zero value is the reference
// setting: Debian's python3 on the CPU with [DefaultPeerThreads] threads.
type PeerOptions struct {
	// Python is the interpreter that runs [PeerScript]. Default [DefaultPython].
	Python string
	// Threads is torch's intra-op thread count (torch.set_num_threads). Default [DefaultPeerThreads].
	Threads int
	// Device is torch's device: "cpu" (default) or "cuda", to compare with r1lab on the XLA
	// backend on the same GPU. On CUDA the peer synchronises the device before reading each clock.
	Device string
	// TF32 lets the peer's float32 matmuls use TF32 tensor cores on a CUDA device
	// (torch.backends.cuda.matmul.allow_tf32). Default false: full float32, as r1lab's model.
	TF32 bool
}

// withDefaults fills o's zero fields with their documented defaults.
func (o PeerOptions) withDefaults() PeerOptions {
	if o.Python == "" {
		o.Python = DefaultPython
	}
	if o.Threads <= 0 {
		o.Threads = DefaultPeerThreads
	}
	if o.Device == "" {
		o.Device = "cpu"
	}
	return o
}

// Validate reports an unknown device.
func (o PeerOptions) Validate() error {
	if o.Device != "" && o.Device != "cpu" && o.Device != "cuda" {
		return fmt.Errorf("bench: peer device %q: want cpu or cuda", o.Device)
	}
	return nil
}

// PeerInfo describes the peer process that produced a set of results.
type PeerInfo struct {
	Params          int    `json:"params"`           // parameter count of the PyTorch model
	Torch           string `json:"torch"`            // torch.__version__
	Threads         int    `json:"threads"`          // torch.get_num_threads after set_num_threads
	OpenBLASThreads string `json:"openblas_threads"` // OPENBLAS_NUM_THREADS as the peer saw it
	OMPWaitPolicy   string `json:"omp_wait_policy"`  // OMP_WAIT_POLICY as the peer saw it
	Device          string `json:"device"`           // torch device, e.g. "cpu" or "cuda"
	GPU             string `json:"gpu"`              // torch.cuda.get_device_name on CUDA, else ""
	TF32            bool   `json:"tf32"`             // whether float32 matmuls may use TF32
}

// PeerAvailable reports nil if python can import torch, else an error saying why not (the
// interpreter is missing, or torch is not installed). It takes about a second (torch's import).
func PeerAvailable(ctx context.Context, python string) error {
	if python == "" {
		python = DefaultPython
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, python, "-c", "import torch").CombinedOutput()
	if err != nil {
		return fmt.Errorf("bench: %s cannot import torch (%v): %s (Debian: apt-get install "+
			"python3-torch libopenblas0-pthread)", python, err, lastLine(out))
	}
	return nil
}

// peerModel is the part of lm.Config the peer needs, under lm.Config's JSON names.
type peerModel struct {
	Vocab    int     `json:"vocab"`
	DModel   int     `json:"d_model"`
	Layers   int     `json:"layers"`
	Heads    int     `json:"heads"`
	KVHeads  int     `json:"kv_heads"`
	HeadDim  int     `json:"head_dim"`
	FFN      int     `json:"ffn"`
	RoPEBase float64 `json:"rope_base"`
	NormEps  float64 `json:"norm_eps"`
	InitStd  float64 `json:"init_std"`
}

// PeerRequest returns the --json argument of peer.py for cfg, spec and opts (defaults applied).
func PeerRequest(cfg lm.Config, spec Spec, opts PeerOptions) ([]byte, error) {
	opts = opts.withDefaults()
	return json.Marshal(struct {
		Model   peerModel `json:"model"`
		Spec    Spec      `json:"spec"`
		Threads int       `json:"threads"`
		Device  string    `json:"device"`
		TF32    bool      `json:"tf32"`
	}{
		Model: peerModel{cfg.Vocab, cfg.DModel, cfg.Layers, cfg.Heads, cfg.KVHeads, cfg.HeadDim, cfg.FFN,
			cfg.RoPEBase, cfg.NormEps, cfg.InitStd},
		Spec:    spec.WithDefaults(),
		Threads: opts.Threads,
		Device:  opts.Device,
		TF32:    opts.TF32,
	})
}

// RunPeer runs [PeerScript] as opts says on the same model and workload as [Run] and returns its
// results in the same form. OPENBLAS_NUM_THREADS is set to 1 unless the environment already sets
// it, and the script defaults OMP_WAIT_POLICY to PASSIVE (busy-waiting OpenMP threads are up to
// 10× slower on a loaded 2-core machine; see peer.py). each, if not nil, sees every result as soon
// as the peer prints it.
//
// It fails if the peer's parameter count differs from cfg.NumParams(): the two models must be the
// same architecture for the comparison to mean anything.
func RunPeer(ctx context.Context, opts PeerOptions, cfg lm.Config, spec Spec, each func(Result)) ([]Result, PeerInfo, error) {
	var info PeerInfo
	if err := opts.Validate(); err != nil {
		return nil, info, err
	}
	opts = opts.withDefaults()
	spec = spec.WithDefaults()
	if err := spec.Validate(); err != nil {
		return nil, info, err
	}
	req, err := PeerRequest(cfg, spec, opts)
	if err != nil {
		return nil, info, err
	}
	var results []Result
	err = runPeerLines(ctx, opts.Python, req, func(line []byte) error {
		var probe struct{ Name string }
		if err := json.Unmarshal(line, &probe); err != nil {
			return fmt.Errorf("bench: peer printed a non-JSON line %q", line)
		}
		if probe.Name == "peer" {
			return json.Unmarshal(line, &info)
		}
		var r Result
		if err := json.Unmarshal(line, &r); err != nil {
			return err
		}
		results = append(results, r)
		if each != nil {
			each(r)
		}
		return nil
	})
	if err != nil {
		return results, info, err
	}
	if info.Params != cfg.NumParams() {
		return results, info, fmt.Errorf("bench: PyTorch peer has %d parameters, r1lab's model %d: not the same architecture",
			info.Params, cfg.NumParams())
	}
	return results, info, nil
}

// runPeerLines runs PeerScript with the --json argument req and calls line for every non-empty
// line it prints, as soon as it is printed. The first error of line is returned once the peer has
// exited (the output is drained meanwhile, so the peer never blocks on a full pipe).
func runPeerLines(ctx context.Context, python string, req []byte, line func([]byte) error) error {
	// "-" reads the script from stdin; the remaining arguments are the script's.
	cmd := exec.CommandContext(ctx, python, "-", "--json", string(req))
	cmd.Stdin = bytes.NewReader(PeerScript)
	cmd.Env = os.Environ()
	if os.Getenv("OPENBLAS_NUM_THREADS") == "" {
		cmd.Env = append(cmd.Env, "OPENBLAS_NUM_THREADS=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("bench: starting the PyTorch peer: %w", err)
	}
	var lineErr error
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 0, 64*1024), 64<<20) // the equivalence check prints long lines
	for sc.Scan() {
		if l := bytes.TrimSpace(sc.Bytes()); len(l) > 0 && lineErr == nil {
			lineErr = line(l)
		}
	}
	scanErr := sc.Err()
	if scanErr != nil {
		_, _ = io.Copy(io.Discard, stdout) // unblock the peer so that Wait returns
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("bench: PyTorch peer failed (%v): %s", err, lastLine(stderr.Bytes()))
	}
	if scanErr != nil {
		return fmt.Errorf("bench: reading the PyTorch peer's output: %w", scanErr)
	}
	return lineErr
}

// lastLine is the last non-empty line of a process's output, the usual place of its error.
func lastLine(out []byte) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) == 0 || lines[len(lines)-1] == "" {
		return "(no output)"
	}
	return strings.TrimSpace(lines[len(lines)-1])
}
