package redistill

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/splits"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

const rlPrompt = "<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n"

func TestSFTLayout(t *testing.T) {
	r := sftRow(3, rlPrompt, "answer<|endoftext|>", "gt", 4, "kk")
	if r.Prompt != strings.TrimSuffix(rlPrompt, "\n") || r.Response != "\nanswer<|endoftext|>" {
		t.Errorf("Qwen layout: %q + %q", r.Prompt, r.Response)
	}
	if r.Prompt+r.Response != rlPrompt+"answer<|endoftext|>" || generationPrompt(r.Prompt) != rlPrompt {
		t.Error("the trained text or the generation prompt changed")
	}
	base := "Question: Q\nAnswer: Let's think step by step."
	if r := sftRow(0, base, " x", "", 1, "kk"); r.Prompt != base || r.Response != " x" || generationPrompt(base) != base {
		t.Errorf("base template changed: %q %q", r.Prompt, r.Response)
	}
}

// writeBuffer writes rollouts for steps 1..steps: prompt i of step s gets
// samples 0..2, correct when (s+i+sample) % 3 == 0.
func writeBuffer(t *testing.T, steps, prompts int) string {
	dir := t.TempDir()
	for s := 1; s <= steps; s++ {
		var rs []rl.Rollout
		for i := prompts - 1; i >= 0; i-- { // written out of order on purpose
			for j := 0; j < 3; j++ {
				rs = append(rs, rl.Rollout{Step: int64(s), Index: int64(i), Sample: int64(j), Level: 3, DataSource: "kk",
					Prompt: rlPrompt, Response: fmt.Sprintf("s%d p%d j%d<|endoftext|>", s, i, j), GroundTruth: fmt.Sprint("gt", i),
					Correct: (s+i+j)%3 == 0})
			}
		}
		if err := dataio.Write(rl.StepFile(dir, rl.RolloutsDir, s), rs); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFromBuffer(t *testing.T) {
	dir := writeBuffer(t, 6, 20)
	rows, st, err := FromBuffer(dir, BufferConfig{LastSteps: 2, N: 1000, Seed: 0})
	if err != nil {
		t.Fatal(err)
	}
	// Steps 5 and 6; every prompt has a correct sample in step 5 (one j in 0..2 has s+i+j ≡ 0).
	if st.FirstStep != 5 || st.LastStep != 6 || st.Rollouts != 120 || st.Correct != 40 || st.Prompts != 20 || st.Kept != 20 {
		t.Fatalf("stats %+v", st)
	}
	for _, r := range rows {
		j := (3 - (5+int(r.ID))%3) % 3 // the first correct sample, of the first step read
		if want := fmt.Sprintf("\ns5 p%d j%d<|endoftext|>", r.ID, j); r.Response != want || r.GtAnswer != fmt.Sprint("gt", r.ID) {
			t.Errorf("prompt %d: %q, want the first correct rollout %q", r.ID, r.Response, want)
		}
	}
	ids := func(rs []dataio.SFTRow) []int64 {
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	sorted := slices.Sorted(slices.Values(ids(rows)))
	if !slices.Equal(sorted, []int64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19}) || slices.IsSorted(ids(rows)) {
		t.Errorf("ids %v: want each prompt once, shuffled", ids(rows))
	}
	again, _, _ := FromBuffer(dir, BufferConfig{LastSteps: 2, N: 1000, Seed: 0})
	other, _, _ := FromBuffer(dir, BufferConfig{LastSteps: 2, N: 1000, Seed: 1})
	if !slices.Equal(ids(again), ids(rows)) || slices.Equal(ids(other), ids(rows)) {
		t.Error("the shuffle is not a function of the seed")
	}
	few, st, _ := FromBuffer(dir, BufferConfig{LastSteps: 10, N: 7})
	if len(few) != 7 || st.FirstStep != 1 || !slices.Equal(ids(few), ids(mustBuffer(t, dir, 10, 100))[:7]) {
		t.Errorf("N = 7 kept %d (first step %d): want the first 7 of the same shuffle", len(few), st.FirstStep)
	}
	if _, _, err := FromBuffer(t.TempDir(), DefaultBuffer()); err == nil || !strings.Contains(err.Error(), "rollouts") {
		t.Errorf("empty run directory: %v", err)
	}
}

func mustBuffer(t *testing.T, dir string, last, n int) []dataio.SFTRow {
	rows, _, err := FromBuffer(dir, BufferConfig{LastSteps: last, N: n})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestKeepCorrect(t *testing.T) {
	rows := []dataio.SFTRow{{ID: 10, Prompt: "<|im_start|>assistant", GtAnswer: "a", Level: 2, DataSource: "kk"},
		{ID: 11, Prompt: "<|im_start|>assistant", GtAnswer: "b", Level: 3, DataSource: "kk"}}
	answers := []evaluate.Row{
		{Index: 1, Prompt: "<|im_start|>assistant\n", Response: "right<|endoftext|>", Correct: true, Ended: true},
		{Index: 0, Prompt: "<|im_start|>assistant\n", Response: "cut", Correct: false, Ended: false},
	}
	out, st := keepCorrect(rows, answers)
	want := dataio.SFTRow{ID: 11, Prompt: "<|im_start|>assistant", Response: "\nright<|endoftext|>", GtAnswer: "b", Level: 3, DataSource: "kk"}
	if len(out) != 1 || out[0] != want || st != (PolicyStats{Prompts: 2, Correct: 1, Clipped: 1, Accuracy: 0.5}) {
		t.Errorf("kept %+v, stats %+v", out, st)
	}
}

func TestControl(t *testing.T) {
	c := kk.DefaultData()
	c.Splits.Sizes = splits.Sizes{Test: map[int]int{3: 2}, Train: map[int]int{3: 6, 4: 6}, SFT: map[int]int{2: 4}, SFTValFraction: 0.25, ShuffleSeed: 1}
	b, err := kk.BuildBundle(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	dataDir := filepath.Join(t.TempDir(), "kk")
	if err := b.WriteDir(dataDir, false); err != nil {
		t.Fatal(err)
	}
	var bset []dataio.SFTRow
	for _, i := range []int64{9, 2, 5} {
		r := b.RLTrain[i]
		bset = append(bset, sftRow(i, r.PromptText(), "policy<|endoftext|>", r.RewardModel.GroundTruth, r.ExtraInfo.Level, r.DataSource))
	}
	ctl, dropped, err := Control(dataDir, bset)
	if err != nil || dropped != 0 || len(ctl) != len(bset) {
		t.Fatalf("control: %d rows, %d dropped, %v", len(ctl), dropped, err)
	}
	for i := range ctl {
		if ctl[i].Prompt != bset[i].Prompt || ctl[i].GtAnswer != bset[i].GtAnswer || ctl[i].Response == bset[i].Response ||
			!strings.Contains(ctl[i].Response, `\boxed{`+bset[i].GtAnswer+"}") {
			t.Errorf("control row %d does not pair B's prompt with a teacher trace:\n%q\n%q\n%q", i, ctl[i].Prompt, bset[i].Prompt, ctl[i].Response[len(ctl[i].Response)-120:])
		}
	}
	bset[1].GtAnswer = "Zoey is a knight"
	if _, _, err := Control(dataDir, bset); err == nil || !strings.Contains(err.Error(), "other data") {
		t.Errorf("a set from other data: %v", err)
	}
	if _, _, err := Control(t.TempDir(), bset); err == nil || !strings.Contains(err.Error(), "manifest") {
		t.Errorf("no manifest: %v", err)
	}
}

// TestEncodable: a response the model can emit but the tokenizer cannot encode again (an id
// outside the vocabulary, which DecodeLossy writes as U+FFFD) is left out, the others kept in
// order; words a join marker glued together ("That" + join + " Emma") encode and are kept.
func TestEncodable(t *testing.T) {
	tok, err := tokenizer.ForTasks("kk")
	if err != nil {
		t.Fatal(err)
	}
	join, ok := tok.JoinID()
	that, ok2 := tok.ID(" That")
	emma, ok3 := tok.ID(" Emma")
	if !ok || !ok2 || !ok3 {
		t.Fatalf("test premise: join %v, \" That\" %v, \" Emma\" %v in the vocabulary", ok, ok2, ok3)
	}
	glued := tok.DecodeLossy([]int32{that, join, emma})
	outside := tok.DecodeLossy([]int32{that, int32(tok.VocabSize()), emma})
	rows := []dataio.SFTRow{
		{ID: 1, Prompt: " Emma", Response: " That"},
		{ID: 2, Prompt: " Emma", Response: glued},
		{ID: 3, Prompt: outside, Response: " Emma"},
		{ID: 4, Prompt: " That", Response: outside},
		{ID: 5, Prompt: " That", Response: " Emma"},
	}
	kept, dropped := Encodable(tok, rows)
	if dropped != 2 || len(kept) != 3 || kept[0].ID != 1 || kept[1].ID != 2 || kept[2].ID != 5 {
		t.Errorf("kept %+v, dropped %d; want rows 1, 2 and 5, 2 dropped", kept, dropped)
	}
}
