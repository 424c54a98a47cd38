package sft

import (
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

func TestExamples(t *testing.T) {
	tok, err := tokenizer.ForTasks()
	if err != nil {
		t.Fatal(err)
	}
	rows := []dataio.SFTRow{{ID: 7, Prompt: "<|im_start|>user\nZoey?<|im_end|>\n<|im_start|>assistant",
		Response: "\nZoey is a knight.<|endoftext|>"}}
	ex, err := Examples(tok, rows, "f.parquet", 100)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := tok.Encode(rows[0].Prompt)
	full, _ := tok.Encode(rows[0].Prompt + rows[0].Response)
	if !slices.Equal(ex[0].Tokens, full) || ex[0].LossFrom != len(p) {
		t.Errorf("example %v from %d, want %v from %d (loss on the response only)", ex[0].Tokens, ex[0].LossFrom, full, len(p))
	}
	for _, tc := range []struct {
		row    dataio.SFTRow
		maxLen int
		want   string
	}{
		{dataio.SFTRow{ID: 3, Prompt: "Zoey", Response: "\nknightz"}, 100, "id 3): response"},
		{dataio.SFTRow{ID: 4, Prompt: "Zoey", Response: ""}, 100, "empty response"},
		{rows[0], 5, "exceed the model's maximum length 5"},
	} {
		_, err := Examples(tok, []dataio.SFTRow{tc.row}, "f.parquet", tc.maxLen)
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "f.parquet") {
			t.Errorf("%+v: %v, want %q with the file name", tc.row, err, tc.want)
		}
	}
}
