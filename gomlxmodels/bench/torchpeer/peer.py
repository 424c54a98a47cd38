#!/usr/bin/env python3
"""PyTorch peer of r1lab's model benchmark (package gomlxmodels/bench), on the CPU or a CUDA GPU.

This is the benchmark reference only: r1lab itself has no Python. It builds the same
Qwen2-style decoder as gomlxmodels/lm (tied embeddings, fused q|k|v projection with bias, RoPE
rotate-half, grouped-query attention, RMSNorm, SwiGLU with fused gate|up, no other biases), with
the same parameter count, and times the same four measurements as bench.Run:

  train         one AdamW step on the per-sequence-mean NLL (lm.MaskedNLL), all positions in the loss
  forward       next-token log-probs of the batch, no gradients
  decode_kv     greedy decoding with a hand-written static KV cache (torch 1.13 has no SDPA)
  decode_naive  greedy decoding recomputing the whole sequence per token

Usage (what `r1lab bench` runs; Debian's python3-torch 1.13 with libopenblas0-pthread; the
script itself defaults OPENBLAS_NUM_THREADS=1 and OMP_WAIT_POLICY=PASSIVE, see below):

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 peer.py --json '{"model": {...}, "spec": {...}, "threads": 2}'

The JSON carries the model dimensions ("model", lm.Config's JSON names) and the bench.Spec
("spec", its JSON names), and optionally "device" ("cpu", the default, or "cuda") and "tf32"
(let float32 matmuls use TF32 on the GPU; default false, i.e. full float32 like r1lab's model).
On CUDA every timed run ends with torch.cuda.synchronize(), so the times are the GPU's, not the
launch queue's; the model stays eager float32 (no torch.compile, no CUDA graphs), the same
program as on the CPU. Output: one JSON line describing the peer ("name": "peer"), then one
JSON line per measurement with bench.Result's JSON names. With a "check" object instead (r1lab's
weights, tokens and prompts; see bench's peer_test.go) it prints the log-probs and greedy
continuations of those weights, which the test compares with r1lab's own.
"""

import argparse
import json
import math
import os
import statistics
import sys
import time

# Must precede the torch import: OpenBLAS's own threads oversubscribe the 2 cores that torch's
# intra-op pool already uses (research/stack.md §2 measured 0.41–1.33 s/step instead of 0.27).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# Also before the import: libgomp's busy-waiting threads collapse when another process holds a
# core. On a shared 2-core VM with load ≈ 1.5, torch with 2 threads took 3.3 s per d128 train
# step with the default (active) wait policy, 0.40 s with PASSIVE, 0.36 s with 1 thread.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402


class RMSNorm(torch.nn.Module):
    """x / sqrt(mean(x^2) + eps) * weight, as lm's rmsNorm."""

    def __init__(self, d, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(d))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rope(x, cos, sin):
    """Rotate-half RoPE of x [B, heads, S, hd] with cos, sin [S, hd/2]."""
    half = x.shape[-1] // 2
    x1, x2 = x[..., :half], x[..., half:]
    return torch.cat((x1 * cos - x2 * sin, x2 * cos + x1 * sin), dim=-1)


class Block(torch.nn.Module):
    """Pre-norm GQA attention with RoPE, then a pre-norm SwiGLU MLP, both residual."""

    def __init__(self, m):
        super().__init__()
        d, self.h, self.kv, self.hd, self.ffn = m["d_model"], m["heads"], m["kv_heads"], m["head_dim"], m["ffn"]
        self.attn_norm = RMSNorm(d, m["norm_eps"])
        self.qkv = torch.nn.Linear(d, (self.h + 2 * self.kv) * self.hd, bias=True)
        self.out = torch.nn.Linear(self.h * self.hd, d, bias=False)
        self.mlp_norm = RMSNorm(d, m["norm_eps"])
        self.gate_up = torch.nn.Linear(d, 2 * self.ffn, bias=False)
        self.down = torch.nn.Linear(self.ffn, d, bias=False)

    def forward(self, x, cos, sin, mask, cache, pos):
        b, s, _ = x.shape
        h, kv, hd = self.h, self.kv, self.hd
        q, k, v = self.qkv(self.attn_norm(x)).split([h * hd, kv * hd, kv * hd], dim=-1)
        q = rope(q.view(b, s, h, hd).transpose(1, 2), cos, sin)  # [B, H, S, hd]
        k = rope(k.view(b, s, kv, hd).transpose(1, 2), cos, sin)  # [B, KV, S, hd]
        v = v.view(b, s, kv, hd).transpose(1, 2)
        if cache is not None:  # static cache [B, KV, T, hd]: write slots [pos, pos+s), read [0, pos+s)
            ck, cv = cache
            ck[:, :, pos:pos + s] = k
            cv[:, :, pos:pos + s] = v
            k, v = ck[:, :, :pos + s], cv[:, :, :pos + s]
        # Query head i uses KV head i // groups (Qwen2's repeat_kv), via broadcasting.
        qg = q.reshape(b, kv, h // kv, s, hd)
        scores = torch.matmul(qg, k.unsqueeze(2).transpose(-1, -2)) / math.sqrt(hd)  # [B, KV, G, S, L]
        if mask is not None:
            scores = scores + mask
        o = torch.matmul(torch.softmax(scores, dim=-1), v.unsqueeze(2))  # [B, KV, G, S, hd]
        x = x + self.out(o.reshape(b, h, s, hd).transpose(1, 2).reshape(b, s, h * hd))
        gate, up = self.gate_up(self.mlp_norm(x)).chunk(2, dim=-1)
        return x + self.down(F.silu(gate) * up)


class LM(torch.nn.Module):
    """The decoder; logits go through the transposed token embedding (tied weights)."""

    def __init__(self, m, max_len):
        super().__init__()
        self.m = m
        self.embed = torch.nn.Parameter(torch.empty(m["vocab"], m["d_model"]))
        self.blocks = torch.nn.ModuleList(Block(m) for _ in range(m["layers"]))
        self.norm = RMSNorm(m["d_model"], m["norm_eps"])
        half = m["head_dim"] // 2
        inv = m["rope_base"] ** (-2 * torch.arange(half, dtype=torch.float64) / m["head_dim"])
        ang = torch.arange(max_len, dtype=torch.float64)[:, None] * inv[None, :]
        self.register_buffer("cos", ang.cos().float(), persistent=False)
        self.register_buffer("sin", ang.sin().float(), persistent=False)
        std = m["init_std"]
        with torch.no_grad():  # lm.Init: N(0, std), residual outputs N(0, std/sqrt(2·layers)), biases 0
            for name, p in self.named_parameters():
                if name.endswith("norm.weight"):
                    continue
                if name.endswith("bias"):
                    p.zero_()
                elif name.endswith("out.weight") or name.endswith("down.weight"):
                    p.normal_(0, std / math.sqrt(2 * m["layers"]))
                else:
                    p.normal_(0, std)

    def hidden(self, tokens, cache=None, pos=0):
        s = tokens.shape[1]
        x = F.embedding(tokens, self.embed)
        cos, sin = self.cos[pos:pos + s], self.sin[pos:pos + s]
        mask = None
        if s > 1:  # causal; a decode step (s == 1) sees every cached slot
            mask = torch.full((s, s), float("-inf"), device=tokens.device).triu(1)
        for i, blk in enumerate(self.blocks):
            x = blk(x, cos, sin, mask, None if cache is None else cache[i], pos)
        return self.norm(x)

    def logits(self, h):
        return h @ self.embed.t()


def next_targets(tokens):
    """lm.NextTokenTargets(tokens, 0): shift left, 0 in the last column."""
    return torch.cat((tokens[:, 1:], torch.zeros_like(tokens[:, :1])), dim=1)


def token_nll(model, tokens):
    """−log π(target | prefix) per slot, [B, S] (lm.TokenLogProbs, negated)."""
    logits = model.logits(model.hidden(tokens))
    b, s, v = logits.shape
    return F.cross_entropy(logits.reshape(b * s, v), next_targets(tokens).reshape(b * s), reduction="none").view(b, s)


def masked_nll(nll, mask):
    """lm.MaskedNLL: mean over each row's loss tokens, then over rows that have any."""
    count = mask.sum(-1)
    per_seq = (nll * mask).sum(-1) / count.clamp(min=1)
    has = (count > 0).to(nll.dtype)
    return (per_seq * has).sum() / has.sum().clamp(min=1)


@torch.inference_mode()
def generate(model, prompts, n, use_cache):
    """Greedy decoding of n new tokens per row, no EOS; returns [B, n]."""
    b, p = prompts.shape
    m = model.m
    out = []
    if use_cache:
        slots = p + n - 1  # the last generated token is never fed back
        dev = prompts.device
        cache = [(torch.zeros(b, m["kv_heads"], slots, m["head_dim"], device=dev),
                  torch.zeros(b, m["kv_heads"], slots, m["head_dim"], device=dev)) for _ in range(m["layers"])]
        nxt = model.logits(model.hidden(prompts, cache, 0)[:, -1]).argmax(-1)
        out.append(nxt)
        for i in range(1, n):
            nxt = model.logits(model.hidden(nxt[:, None], cache, p + i - 1)[:, -1]).argmax(-1)
            out.append(nxt)
    else:
        seq = prompts
        for _ in range(n):
            nxt = model.logits(model.hidden(seq)[:, -1]).argmax(-1)
            out.append(nxt)
            seq = torch.cat((seq, nxt[:, None]), dim=1)
    return torch.stack(out, dim=1)


def load_go_weights(model, weights):
    """Copies lm's weights (Go names, [in, out] matrices) into model, for the equivalence check."""
    def get(name):
        w = weights[name]
        return torch.tensor(w["data"], dtype=torch.float32).view(*w["dims"])

    with torch.no_grad():
        model.embed.copy_(get("embed"))
        model.norm.weight.copy_(get("final_norm_scale"))
        for i, blk in enumerate(model.blocks):
            p = "layer_%d/" % i
            blk.attn_norm.weight.copy_(get(p + "attn_norm_scale"))
            blk.qkv.weight.copy_(get(p + "qkv_weights").t())
            blk.qkv.bias.copy_(get(p + "qkv_bias"))
            blk.out.weight.copy_(get(p + "attn_out_weights").t())
            blk.mlp_norm.weight.copy_(get(p + "mlp_norm_scale"))
            blk.gate_up.weight.copy_(get(p + "gate_up_weights").t())
            blk.down.weight.copy_(get(p + "down_weights").t())


def check(model, req, device):
    """Equivalence check (bench's tests): with r1lab's weights, print the token log-probs of
    req["tokens"] and the greedy continuations of req["prompts"] with and without the KV cache."""
    load_go_weights(model, req["weights"])
    tokens = torch.tensor(req["tokens"], device=device)
    prompts = torch.tensor(req["prompts"], device=device)
    with torch.inference_mode():
        lp = (-token_nll(model, tokens)).tolist()
    n = req["new_tokens"]
    print(json.dumps({"name": "check", "log_probs": lp,
                      "greedy_kv": generate(model, prompts, n, True).tolist(),
                      "greedy_naive": generate(model, prompts, n, False).tolist()}), flush=True)


def time_runs(warmup, repeats, fn, sync=lambda: None):
    """bench's timeRuns: ≥1 untimed warm-up run (its time is reported as first), then timed runs.
    sync waits for the device (torch.cuda.synchronize on a GPU) before each clock is read."""
    first = None
    for _ in range(max(warmup, 1)):
        t0 = time.perf_counter()
        fn()
        sync()
        if first is None:
            first = time.perf_counter() - t0
    runs = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        sync()
        runs.append(time.perf_counter() - t0)
    return first, runs


def emit(name, shape, tokens, params, first, runs):
    med = statistics.median(runs)
    print(json.dumps({
        "name": name, "impl": "pytorch", "tokens_per_sec": tokens / med, "seconds_per_step": med,
        "min_seconds": min(runs), "max_seconds": max(runs), "first_seconds": first,
        "tokens_per_step": tokens, "repeats": len(runs), "params": params, "shape": shape,
    }), flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", required=True, help="model, spec and threads, as JSON")
    args = ap.parse_args()
    req = json.loads(args.json)
    m, spec = req["model"], req["spec"]
    threads = int(req.get("threads") or 2)
    torch.set_num_threads(threads)
    torch.manual_seed(spec["seed"])
    only = spec.get("only") or ["train", "forward", "decode_kv", "decode_naive"]
    device = torch.device(req.get("device") or "cpu")
    sync = lambda: None  # noqa: E731
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("device cuda: torch %s sees no CUDA GPU" % torch.__version__)
        torch.backends.cuda.matmul.allow_tf32 = bool(req.get("tf32"))
        torch.backends.cudnn.allow_tf32 = bool(req.get("tf32"))
        sync = torch.cuda.synchronize

    max_len = max(spec["seq_len"], spec["prompt_len"] + max(spec["new_tokens"], spec["naive_new_tokens"]))
    model = LM(m, max_len)  # initialised on the CPU, so the weights do not depend on the device
    params = sum(p.numel() for p in model.parameters())
    model.to(device)
    print(json.dumps({"name": "peer", "params": params, "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"),
                      "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "device": str(device),
                      "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else "",
                      "tf32": torch.backends.cuda.matmul.allow_tf32 if device.type == "cuda" else False}), flush=True)

    if "check" in req:
        check(model, req["check"], device)
        return 0
    gen = torch.Generator().manual_seed(spec["seed"])
    b, s = spec["batch"], spec["seq_len"]
    shape = "B=%d S=%d" % (b, s)
    if "train" in only:
        opt = torch.optim.AdamW(model.parameters(), lr=spec["lr"], betas=(spec["beta1"], spec["beta2"]),
                                eps=spec["eps"], weight_decay=spec["weight_decay"])
        tokens = torch.randint(m["vocab"], (b, s), generator=gen).to(device)
        mask = torch.ones(b, s, device=device)

        def step():
            loss = masked_nll(token_nll(model, tokens), mask)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if not math.isfinite(loss.item()):
                raise RuntimeError("non-finite loss")

        emit("train", shape, b * s, params, *time_runs(spec["warmup"], spec["steps"], step, sync))
    if "forward" in only:
        tokens = torch.randint(m["vocab"], (b, s), generator=gen).to(device)

        def fwd():  # the log-probs reach the host, as r1lab's forward measurement fetches them
            with torch.inference_mode():
                (-token_nll(model, tokens)).cpu().numpy()

        emit("forward", shape, b * s, params, *time_runs(spec["warmup"], spec["steps"], fwd, sync))
    prompts = torch.randint(m["vocab"], (spec["decode_prompts"], spec["prompt_len"]), generator=gen).to(device)
    for name, n, cached in (("decode_kv", spec["new_tokens"], True), ("decode_naive", spec["naive_new_tokens"], False)):
        if name not in only:
            continue
        shape = "%d×%d prompt +%d new" % (spec["decode_prompts"], spec["prompt_len"], n)
        first, runs = time_runs(spec["warmup"], spec["decode_repeats"],
                                lambda: generate(model, prompts, n, cached).cpu(), sync)
        emit(name, shape, spec["decode_prompts"] * n, params, first, runs)


if __name__ == "__main__":
    sys.exit(main())
