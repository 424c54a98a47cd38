// Package bench measures the throughput of r1lab's language model ([lm]) on a GoMLX backend and,
// for comparison, of the same model written in PyTorch (the "peer", torchpeer/peer.py).
//
// Four measurements are taken for one [lm.Config] and one [Spec]:
//
//   - "train": one AdamW step on [lm.MaskedNLL] over a [Batch, SeqLen] batch of random tokens
//     with every position in the loss; tokens/s counts Batch·SeqLen per step.
//   - "forward": the token log-probs ([lm.TokenLogProbs]) of the same batch, no gradients.
//   - "decode_kv": greedy generation with the static KV cache of package sample: DecodePrompts
//     prompts of PromptLen tokens, NewTokens new tokens each, no EOS; tokens/s counts new tokens
//     and includes the prefill.
//   - "decode_naive": the same with sample.Options.NoCache (the whole sequence recomputed per
//     token), over NaiveNewTokens new tokens because it is slow.
//
// Every measurement discards Warmup runs (the first one compiles the graph) and reports the
// median of the timed repeats, because timings on a shared 2-core machine vary by ±30 %.
//
// The PyTorch peer is the benchmark reference only; nothing in r1lab depends on Python. It
// implements the same architecture with the same parameter count, the same AdamW
// hyper-parameters and loss reduction, and a hand-written KV cache (torch 1.13 has no SDPA).
// [RunPeer] runs it through an external python3 and parses its one-JSON-line-per-measurement
// output into the same [Result] type. [PeerOptions.Device] "cuda" runs it on the GPU, to compare
// with r1lab on the XLA backend of the same GPU (README: "On a GPU").
package bench
