package tokenizer

import (
	"fmt"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// lengths accumulates token counts of one kind of text.
type lengths struct{ n, sum, max int }

func (l *lengths) add(n int) {
	l.n++
	l.sum += n
	l.max = max(l.max, n)
}

func (l lengths) String() string {
	return fmt.Sprintf("%6.1f %5d", float64(l.sum)/float64(max(l.n, 1)), l.max)
}

// count encodes text and checks the count against bounds every text obeys:
// at least one token per blank-separated field (a field is one or more
// pieces) and at most one per byte.
func count(t *testing.T, tok *Tokenizer, text string) int {
	t.Helper()
	ids, err := tok.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < len(strings.Fields(text)) || len(ids) > len(text) {
		t.Errorf("%d tokens for %d fields and %d bytes: %q", len(ids), len(strings.Fields(text)), len(text), text)
	}
	return len(ids)
}

// TestSequenceLengths logs the token counts per level (mean and max) that
// set the model's maximum sequence length; run with -v to see them.
func TestSequenceLengths(t *testing.T) {
	tok := forTasks(t)
	t.Logf("vocabulary: %d tokens (%d special)", tok.VocabSize(), tok.NumSpecial())
	t.Logf("K&K (100 puzzles per level; Qwen prompts)   mean/max tokens")
	t.Logf("people  prompt        short CoT     long CoT")
	for people := kk.MinPeople; people <= 8; people++ {
		var pr, short, long lengths
		for _, p := range kk.Generate(1234, people, 100) {
			pr.add(count(t, tok, prompt.Qwen.RL(p.UserMessage())))
			short.add(count(t, tok, p.ShortCoTResponse()))
			if resp, err := p.LongCoTResponse(kk.DefaultTeacher); err == nil {
				long.add(count(t, tok, resp))
			}
		}
		t.Logf("%6d  %v  %v  %v (%d of 100 within the teacher's cap)", people, pr, short, long, long.n)
	}
	t.Logf("ARITH (100 problems per level; Qwen prompts)")
	t.Logf("level   prompt        short CoT     long CoT")
	for level := 1; level <= arith.MaxLevel; level++ {
		ps, err := arith.Generate(1234, level, 100)
		if err != nil {
			t.Fatal(err)
		}
		var pr, short, long lengths
		for i, p := range ps {
			pr.add(count(t, tok, prompt.Qwen.RL(p.Question)))
			short.add(count(t, tok, "\n"+p.ShortCoT()+prompt.EndOfText))
			long.add(count(t, tok, "\n"+p.LongCoT(uint64(i))+prompt.EndOfText))
		}
		t.Logf("%6d  %v  %v  %v", level, pr, short, long)
	}
}
