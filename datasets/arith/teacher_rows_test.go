package arith

import (
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/splits"
)

// The control rows of training indices pair the very prompts of
// rl/train.parquet with the teacher's traces.
func TestTrainTeacherRows(t *testing.T) {
	c := DefaultData()
	c.Splits = splits.Sizes{Test: map[int]int{1: 2}, Train: map[int]int{1: 4, 2: 4}, SFT: map[int]int{1: 4}, SFTValFraction: 0.25, ShuffleSeed: 1}
	b, err := BuildBundle(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	idx := []int64{5, 0}
	rows, err := TrainTeacherRows(c, idx)
	if err != nil || len(rows) != len(idx) {
		t.Fatalf("rows %d err %v", len(rows), err)
	}
	for i, r := range rows {
		rl := b.RLTrain[idx[i]]
		if r.Prompt+"\n" != rl.PromptText() || r.GtAnswer != rl.RewardModel.GroundTruth || r.Level != rl.ExtraInfo.Level {
			t.Errorf("row %d (index %d): prompt/answer/level differ from rl/train", i, idx[i])
		}
		if !strings.Contains(r.Response, `\boxed{`+r.GtAnswer+"}") || !strings.HasSuffix(r.Response, "<|endoftext|>") {
			t.Errorf("row %d: response is not a boxed, ended teacher trace: %q", i, r.Response)
		}
	}
	if _, err := TrainTeacherRows(c, []int64{-1}); err == nil || !strings.Contains(err.Error(), "index -1") {
		t.Errorf("out-of-range index: %v", err)
	}
}
