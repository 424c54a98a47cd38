package evaluate

import (
	"slices"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// TestRunSamples: several samples per prompt come back grouped by prompt,
// numbered, reproducible from the seed, and sample 0 is the response a
// one-sample evaluation with the same seed draws.
func TestRunSamples(t *testing.T) {
	tok, err := tokenizer.ForTasks("kk")
	if err != nil {
		t.Fatal(err)
	}
	m, err := lm.New(lm.Config{Vocab: tok.VocabSize(), DModel: 16, Layers: 1, Heads: 2, KVHeads: 1, HeadDim: 8, FFN: 32,
		RoPEBase: 10000, MaxSeqLen: 128, NormEps: 1e-6, InitStd: 0.5, DType: dtypes.Float32}, 3)
	if err != nil {
		t.Fatal(err)
	}
	b := backendtest.Must(t)
	prompts := []Prompt{
		{Index: 11, Level: 2, DataSource: "kk", Text: "A very special island is inhabited only by knights and knaves.", GroundTruth: "(1) Zoey is a knight"},
		{Index: 4, Level: 3, DataSource: "kk", Text: "Knights always tell the truth.", GroundTruth: "(1) Zoey is a knave"},
	}
	c := Config{MaxNewTokens: 12, BatchSize: 4, Temperature: 1, Seed: 7, Samples: 3}
	rows, sum, err := Run(b, m, tok, prompts, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || sum.N != 6 || sum.Prompts != 2 || sum.Samples != 3 {
		t.Fatalf("%d rows, summary %+v: want 2 prompts × 3 samples", len(rows), sum)
	}
	for r, row := range rows {
		if row.Index != prompts[r/3].Index || row.Sample == nil || *row.Sample != int64(r%3) {
			t.Errorf("row %d is prompt %d sample %v, want prompt %d sample %d", r, row.Index, row.Sample, prompts[r/3].Index, r%3)
		}
	}
	if rows[0].Response == rows[1].Response && rows[1].Response == rows[2].Response {
		t.Errorf("three samples at temperature 1 are the same response %q", rows[0].Response)
	}
	again, _, err := Run(b, m, tok, prompts, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.EqualFunc(again, rows, func(a, b Row) bool {
		return *a.Sample == *b.Sample && a.Response == b.Response && a.SumLogProb == b.SumLogProb && a.Index == b.Index
	}) {
		t.Error("the same seed gave other responses")
	}
	c.Samples = 1
	one, _, err := Run(b, m, tok, prompts, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	if one[0].Response != rows[0].Response || one[1].Response != rows[3].Response {
		t.Errorf("one-sample responses %q, %q differ from sample 0 of three: %q, %q",
			one[0].Response, one[1].Response, rows[0].Response, rows[3].Response)
	}
	c.Samples, c.Temperature = 2, 0
	if _, _, err := Run(b, m, tok, prompts, c, nil); err == nil {
		t.Error("two greedy samples per prompt accepted")
	}
}
