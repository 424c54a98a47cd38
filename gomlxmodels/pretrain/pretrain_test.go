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
	docs := []string{"Zoey is a knight.<|endoftext|>", "1 + 2 = 3.<|endoftext|>", "Oliver is a knave.<|endoftext|>"}
	var stream []int32
	for _, d := range docs {
		ids, _ := tok.Encode(d)
		stream = append(stream, ids...)
	}
	seqs, n, err := Pack(tok, docs, 5)
	if err != nil {
		t.Fatal(err)
	}
	if n != len(stream) || len(seqs) != len(stream)/5 {
		t.Fatalf("%d tokens in %d windows, want %d in %d", n, len(seqs), len(stream), len(stream)/5)
	}
	// Windows are consecutive slices of the concatenated stream, loss on every prediction.
	for i, s := range seqs {
		if !slices.Equal(s.Tokens, stream[i*5:(i+1)*5]) || s.LossFrom != 1 {
			t.Errorf("window %d = %v (loss from %d), want %v", i, s.Tokens, s.LossFrom, stream[i*5:(i+1)*5])
		}
	}
	if _, _, err := Pack(tok, []string{"Zoey is a knightx"}, 5); err == nil || !strings.Contains(err.Error(), "document 0") {
		t.Errorf("unknown word: %v", err)
	}
	if _, _, err := Pack(tok, docs, 1); err == nil {
		t.Error("sequence length 1 accepted")
	}
}
