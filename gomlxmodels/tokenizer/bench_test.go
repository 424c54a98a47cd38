package tokenizer

import (
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// benchCorpus is a mix of real texts: K&K prompts, short and long CoT for
// 3–5 people, and ARITH prompts and long CoT.
func benchCorpus(b *testing.B) []string {
	var texts []string
	for people := 3; people <= 5; people++ {
		for _, p := range kk.Generate(1234, people, 20) {
			long, _ := p.LongCoTResponse(kk.DefaultTeacher)
			texts = append(texts, prompt.Qwen.RL(p.UserMessage()), p.ShortCoTResponse(), long)
		}
	}
	ps, err := arith.Generate(1234, 3, 20)
	if err != nil {
		b.Fatal(err)
	}
	for i, p := range ps {
		texts = append(texts, prompt.Qwen.RL(p.Question), p.LongCoT(uint64(i)))
	}
	return texts
}

func BenchmarkEncode(b *testing.B) {
	tok := forTasks(b)
	texts := benchCorpus(b)
	bytes, tokens := 0, 0
	for _, s := range texts {
		ids, err := tok.Encode(s)
		if err != nil {
			b.Fatal(err)
		}
		bytes += len(s)
		tokens += len(ids)
	}
	b.SetBytes(int64(bytes))
	buf := make([]int32, 0, tokens)
	b.ResetTimer()
	for b.Loop() {
		for _, s := range texts {
			buf, _ = tok.AppendEncode(buf[:0], s)
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func BenchmarkDecode(b *testing.B) {
	tok := forTasks(b)
	var all [][]int32
	tokens := 0
	for _, s := range benchCorpus(b) {
		ids, _ := tok.Encode(s)
		all = append(all, ids)
		tokens += len(ids)
	}
	b.ResetTimer()
	for b.Loop() {
		for _, ids := range all {
			if _, err := tok.Decode(ids); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// BenchmarkEncodeError measures the rejection path, which builds an error.
func BenchmarkEncodeError(b *testing.B) {
	tok := forTasks(b)
	text := strings.Repeat("Zoey is a knight. ", 20) + "Zoey is a wizard."
	for b.Loop() {
		if _, err := tok.Encode(text); err == nil {
			b.Fatal("no error")
		}
	}
}
