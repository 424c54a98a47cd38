package pretrain

import (
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

func TestPack(t *testing.T) {
	tok, err := tokenizer.ForTasks()
	if err != nil {
		t.Fatal(err)
	}
	enc := func(s string) []int32 {
		ids, err := tok.Encode(s)
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	docs := []string{"Zoey is a knight.<|endoftext|>", "1 + 2 = 3.<|endoftext|>", "Oliver is a knave.<|endoftext|>",
		"Zoey is a knight and Oliver is a knave and Zoey is a knight.<|endoftext|>"}
	a, b, c, d := enc(docs[0]), enc(docs[1]), enc(docs[2]), enc(docs[3])
	seqLen := len(a) + len(b) // the first two documents fill a window exactly
	if len(d) <= seqLen || len(d) > 2*seqLen {
		t.Fatalf("test documents have unexpected lengths %d %d %d %d", len(a), len(b), len(c), len(d))
	}
	seqs, n, err := Pack(tok, docs, seqLen)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int32{
		slices.Concat(a, b), // whole documents while they fit
		c,                   // d does not fit after c: c's window ends early
		d[:seqLen],          // a document longer than a window is cut
		d[seqLen:],
	}
	if n != len(a)+len(b)+len(c)+len(d) || len(seqs) != len(want) {
		t.Fatalf("%d tokens in %d windows, want %d in %d", n, len(seqs), len(a)+len(b)+len(c)+len(d), len(want))
	}
	for i, s := range seqs {
		if !slices.Equal(s.Tokens, want[i]) || s.LossFrom != 1 {
			t.Errorf("window %d = %v (loss from %d), want %v", i, s.Tokens, s.LossFrom, want[i])
		}
	}
	if _, _, err := Pack(tok, []string{"Zoey is a knightx"}, 5); err == nil || !strings.Contains(err.Error(), "document 0") {
		t.Errorf("unknown word: %v", err)
	}
	if _, _, err := Pack(tok, docs, 1); err == nil {
		t.Error("sequence length 1 accepted")
	}
}
