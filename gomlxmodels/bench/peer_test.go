package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"
	"strings"
	"testing"

	. "github.com/gomlx/gomlx/core/graph" //nolint:staticcheck // GoMLX style
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
)

// needPeer skips the test unless Debian's python3 can import torch (and -short is off: the
// import alone takes about a second).
func needPeer(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("starts python3 and imports torch")
	}
	if err := PeerAvailable(context.Background(), DefaultPython); err != nil {
		t.Skip(err)
	}
}

// TestPeerMicro: the peer builds a model with exactly our parameter count (RunPeer checks it) and
// reports all four measurements.
func TestPeerMicro(t *testing.T) {
	needPeer(t)
	res, info, err := RunPeer(context.Background(), PeerOptions{Threads: 1}, microConfig(), microSpec(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("peer: %+v", info)
	if len(res) != len(Measurements) {
		t.Fatalf("peer returned %d results, want %d", len(res), len(Measurements))
	}
	for i, r := range res {
		if r.Name != Measurements[i] || r.Impl != ImplPyTorch || !(r.TokensPerSec > 0) {
			t.Errorf("peer result %d: %+v", i, r)
		}
	}
}

// TestPeerEquivalence loads r1lab's weights into the peer and compares what the two compute: the
// token log-probs of a batch and the greedy continuations (with and without the KV cache). Equal
// parameter counts alone would not catch, say, a different RoPE layout or GQA head grouping, and
// then the benchmark would compare different models.
func TestPeerEquivalence(t *testing.T) {
	needPeer(t)
	cfg := microConfig()
	cfg.InitStd = 0.3 // peaked distributions: greedy picks are then far from ties
	m, err := lm.New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	tokens := randomTokens(3, 2, 16, cfg.Vocab)
	prompts := randomTokens(4, 3, 16, cfg.Vocab)
	const newTokens = 6

	req, err := PeerRequest(cfg, microSpec(), PeerOptions{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	var full map[string]any
	if err := json.Unmarshal(req, &full); err != nil {
		t.Fatal(err)
	}
	full["check"] = map[string]any{"weights": goWeights(t, m), "tokens": tokens, "prompts": prompts, "new_tokens": newTokens}
	req, err = json.Marshal(full)
	if err != nil {
		t.Fatal(err)
	}
	var peer struct {
		LogProbs    [][]float64 `json:"log_probs"`
		GreedyKV    [][]int32   `json:"greedy_kv"`
		GreedyNaive [][]int32   `json:"greedy_naive"`
	}
	err = runPeerLines(context.Background(), DefaultPython, req, func(line []byte) error {
		return json.Unmarshal(line, &peer)
	})
	if err != nil {
		t.Fatal(err)
	}

	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	lp, err := model.NewExec(b, m.Store, func(_ *model.Scope, tok *Node) *Node {
		return lm.TokenLogProbs(m.Scope(), cfg, tok, nil, nil, lm.NextTokenTargets(tok, 0))
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := lp.Call(tokens)
	if err != nil {
		t.Fatal(err)
	}
	ours, err := tensors.CopyFlatData[float32](out[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(peer.LogProbs) != len(tokens) {
		t.Fatalf("peer returned %d rows of log-probs, want %d", len(peer.LogProbs), len(tokens))
	}
	maxDiff := 0.0
	for r, row := range peer.LogProbs {
		for j, v := range row {
			maxDiff = max(maxDiff, math.Abs(v-float64(ours[r*len(row)+j])))
		}
	}
	t.Logf("max |Δ log-prob| = %.2g", maxDiff)
	if maxDiff > 1e-4 {
		t.Errorf("log-probs differ by up to %g: the peer is not the same model", maxDiff)
	}

	smp, err := sample.New(b, m)
	if err != nil {
		t.Fatal(err)
	}
	defer smp.Finalize()
	gen, err := smp.Generate(prompts, nil, sample.Options{MaxNewTokens: newTokens, Temperature: 0, TopP: 1})
	if err != nil {
		t.Fatal(err)
	}
	for r := range gen {
		want := fmt.Sprint(gen[r].Tokens)
		if kv, naive := fmt.Sprint(peer.GreedyKV[r]), fmt.Sprint(peer.GreedyNaive[r]); kv != want || naive != want {
			t.Errorf("row %d: r1lab greedy %s, peer %s (KV cache), %s (naive)", r, want, kv, naive)
		}
	}
}

// goWeights returns every weight of m as {dims, data} under its name relative to the model scope
// (e.g. "layer_0/qkv_weights"), the form peer.py's check mode reads.
func goWeights(t *testing.T, m *lm.Model) map[string]any {
	t.Helper()
	names := []string{lm.ParamEmbed, lm.ParamFinalNorm}
	for l := range m.Config.Layers {
		for _, p := range []string{lm.ParamAttnNorm, lm.ParamQKV, lm.ParamQKVBias, lm.ParamAttnOut,
			lm.ParamMLPNorm, lm.ParamGateUp, lm.ParamDown} {
			names = append(names, fmt.Sprintf("layer_%d/%s", l, p))
		}
	}
	out := map[string]any{}
	n := 0
	for _, name := range names {
		v := m.Store.GetVariable(m.Path + "/" + name)
		if v == nil {
			t.Fatalf("variable %s/%s missing", m.Path, name)
		}
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		data, err := tensors.CopyFlatData[float32](val)
		if err != nil {
			t.Fatal(err)
		}
		n += len(data)
		out[name] = map[string]any{"dims": v.Shape().Dimensions, "data": data}
	}
	if n != m.Config.NumParams() {
		t.Fatalf("exported %d parameters, the model has %d", n, m.Config.NumParams())
	}
	return out
}

// TestPeerOptions: an unknown device is rejected before any process starts, the request carries
// the device and TF32 switch, and asking for CUDA where torch sees no GPU is an error naming it.
func TestPeerOptions(t *testing.T) {
	if err := (PeerOptions{Device: "tpu"}).Validate(); err == nil || !strings.Contains(err.Error(), `"tpu"`) {
		t.Errorf("Validate(tpu) = %v, want an error naming the device", err)
	}
	if _, _, err := RunPeer(context.Background(), PeerOptions{Device: "gpu0"}, microConfig(), microSpec(), nil); err == nil {
		t.Error("RunPeer accepted device gpu0")
	}
	req, err := PeerRequest(microConfig(), microSpec(), PeerOptions{Device: "cuda", TF32: true})
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Device  string `json:"device"`
		TF32    bool   `json:"tf32"`
		Threads int    `json:"threads"`
	}
	if err := json.Unmarshal(req, &got); err != nil {
		t.Fatal(err)
	}
	if got.Device != "cuda" || !got.TF32 || got.Threads != DefaultPeerThreads {
		t.Errorf("request carries %+v, want device cuda, tf32, %d threads", got, DefaultPeerThreads)
	}

	needPeer(t)
	out, _ := exec.Command(DefaultPython, "-c", "import torch; print(torch.cuda.is_available())").Output()
	if strings.TrimSpace(string(out)) != "False" {
		t.Skipf("torch sees a GPU here (%q): the no-GPU error cannot be checked", strings.TrimSpace(string(out)))
	}
	_, _, err = RunPeer(context.Background(), PeerOptions{Threads: 1, Device: "cuda"}, microConfig(), microSpec(), nil)
	if err == nil || !strings.Contains(err.Error(), "no CUDA GPU") {
		t.Errorf("RunPeer on cuda without a GPU: %v, want an error saying torch sees no CUDA GPU", err)
	}
}
