package tokenizer

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/splits"
)

// forTasks builds the tokenizer of both tasks or stops the test.
func forTasks(t testing.TB) *Tokenizer {
	t.Helper()
	tok, err := ForTasks()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// roundTrip encodes text, checks that it decodes back exactly and returns
// the number of tokens.
func roundTrip(t *testing.T, tok *Tokenizer, what, text string) int {
	t.Helper()
	ids, err := tok.Encode(text)
	if err != nil {
		t.Errorf("%s: %v\ntext: %q", what, err, text)
		return 0
	}
	if got, err := tok.Decode(ids); err != nil || got != text {
		t.Errorf("%s: Decode(Encode(text)) = %q, %v\nwant %q", what, got, err, text)
	}
	return len(ids)
}

func TestForTasksDeterministic(t *testing.T) {
	a, b := forTasks(t), forTasks(t)
	if !slices.Equal(a.Tokens(), b.Tokens()) {
		t.Fatal("two ForTasks() builds give different ids")
	}
	both, err := ForTasks(arith.DataSource, kk.DataSource, kk.DataSource)
	if err != nil || !slices.Equal(both.Tokens(), a.Tokens()) {
		t.Errorf("ForTasks(arith, kk, kk) differs from ForTasks(): %v", err)
	}
	toks := a.Tokens()
	if want := append(StandardSpecials(), Join); !slices.Equal(toks[:5], want) || a.PadID() != 0 {
		t.Errorf("specials are %q, want %q with Pad at id 0", toks[:5], want)
	}
	if !slices.IsSorted(toks[5:]) {
		t.Error("words are not in byte order")
	}
	for _, tok := range []string{"\n", BoxOpen, " " + BoxOpen, "}", " knight", " Zoey", "7", " 7", " (", " \"", " assistant", " Question"} {
		if _, ok := a.ID(tok); !ok {
			t.Errorf("ForTasks() lacks the token %q", tok)
		}
	}
	for _, tok := range []string{"knight", "Zoey", "assistant"} {
		if _, ok := a.ID(tok); ok {
			t.Errorf("ForTasks() has the bare token %q, which Join replaces", tok)
		}
	}
}

// A name is one token wherever it occurs: in the prompt's list, at the
// start of a quoted claim and first in the boxed answer.
func TestForTasksOneTokenPerName(t *testing.T) {
	tok := forTasks(t)
	text := `You meet 2 inhabitants: Zoey, and Owen. Owen said, "Zoey is a knave." So` + "\n" + `\boxed{Zoey is a knight, Owen is a knave}`
	ids, err := tok.Encode(text)
	if err != nil {
		t.Fatal(err)
	}
	zoey, _ := tok.ID(" Zoey")
	join, _ := tok.JoinID()
	var at []int
	for i, id := range ids {
		if id == zoey {
			at = append(at, i)
		}
	}
	if len(at) != 3 {
		t.Fatalf("Zoey is token %d at positions %v, want 3 occurrences in %v", zoey, at, ids)
	}
	for _, i := range at[1:] { // after the quote and after \boxed{: no space, so joined
		if ids[i-1] != join {
			t.Errorf("token before Zoey at %d is %d, want Join %d", i, ids[i-1], join)
		}
	}
	if got, _ := tok.Decode(ids); got != text {
		t.Errorf("round trip gives %q", got)
	}
}

func TestForTasksSubsets(t *testing.T) {
	all := forTasks(t)
	kkTok, err := ForTasks(kk.DataSource)
	if err != nil {
		t.Fatal(err)
	}
	arTok, err := ForTasks(arith.DataSource)
	if err != nil {
		t.Fatal(err)
	}
	if kkTok.VocabSize() >= all.VocabSize() || arTok.VocabSize() >= all.VocabSize() {
		t.Errorf("task vocabularies %d (kk), %d (arith) are not smaller than both tasks' %d",
			kkTok.VocabSize(), arTok.VocabSize(), all.VocabSize())
	}
	if _, err := kkTok.Encode("Compute the value"); err == nil {
		t.Error(`the K&K tokenizer encodes the ARITH word "Compute"`)
	}
	if _, err := ForTasks("kk", "gsm8k"); err == nil || !strings.Contains(err.Error(), `"gsm8k"`) {
		t.Errorf("ForTasks with an unknown task: %v, want an error naming it", err)
	}
}

// smallSizes is a reduced version of a task's split sizes: every level of
// def, n items each.
func smallSizes(def splits.Sizes, n int) splits.Sizes {
	shrink := func(m map[int]int) map[int]int {
		out := map[int]int{}
		for l := range m {
			out[l] = n
		}
		return out
	}
	return splits.Sizes{Test: shrink(def.Test), Train: shrink(def.Train), SFT: shrink(def.SFT),
		SFTValFraction: 0.2, ShuffleSeed: def.ShuffleSeed}
}

// TestRoundTripDataDir writes small data directories of both tasks, with
// both prompt templates, reads every file back and round-trips every
// prompt and response.
func TestRoundTripDataDir(t *testing.T) {
	tok := forTasks(t)
	for _, tmpl := range []prompt.Template{prompt.Qwen, prompt.Base} {
		kc := kk.DefaultData()
		kc.Splits.Sizes = smallSizes(kc.Splits.Sizes, 8)
		kc.Template = tmpl
		ac := arith.DefaultData()
		ac.Splits = smallSizes(ac.Splits, 8)
		ac.Template = tmpl
		kb, err := kk.BuildBundle(kc, nil)
		if err != nil {
			t.Fatal(err)
		}
		ab, err := arith.BuildBundle(ac, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range []*dataio.Bundle{kb, ab} {
			dir := filepath.Join(t.TempDir(), b.Task)
			if err := b.WriteDir(dir, false); err != nil {
				t.Fatal(err)
			}
			for name, rows := range b.Files() {
				texts := dirTexts(t, tok, filepath.Join(dir, name), name)
				if len(texts) < rows || rows == 0 {
					t.Errorf("%s/%s: %d texts for %d rows", b.Task, name, len(texts), rows)
				}
				for i, text := range texts {
					roundTrip(t, tok, fmt.Sprintf("%s/%s text %d", b.Task, name, i), text)
				}
			}
		}
	}
}

// dirTexts reads one Parquet file of a data directory and returns all its
// texts: prompts, responses and ground truths. For SFT rows it also checks
// that prompt and response encode to the ids of their concatenation, so a
// trainer may encode them separately (the response starts with "\n", a
// token boundary).
func dirTexts(t *testing.T, tok *Tokenizer, path, name string) []string {
	t.Helper()
	var texts []string
	switch {
	case strings.HasPrefix(name, "rl/"):
		rows, err := dataio.ReadRL(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			texts = append(texts, r.PromptText(), r.RewardModel.GroundTruth)
		}
	case strings.HasPrefix(name, "eval/"):
		rows, err := dataio.ReadEval(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			texts = append(texts, r.Prompt, r.ExtraInfo.GtAnswer)
		}
	case strings.HasPrefix(name, "sft_"):
		rows, err := dataio.ReadSFT(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			texts = append(texts, r.Prompt, r.Response, r.Prompt+r.Response, r.GtAnswer)
			p, err1 := tok.Encode(r.Prompt)
			resp, err2 := tok.Encode(r.Response)
			whole, err3 := tok.Encode(r.Prompt + r.Response)
			if err := errors.Join(err1, err2, err3); err != nil || !slices.Equal(append(p, resp...), whole) {
				t.Errorf("%s row %d: prompt and response ids do not concatenate to the pair's ids (%v)", name, r.ID, err)
			}
		}
	default:
		t.Fatalf("unexpected data file %s", name)
	}
	return texts
}

// TestRoundTripKKPuzzles round-trips every text kind of K&K puzzles with
// 2–8 people, with several teacher seeds and terse traces.
func TestRoundTripKKPuzzles(t *testing.T) {
	tok := forTasks(t)
	for people := kk.MinPeople; people <= 8; people++ {
		for _, p := range kk.Generate(99, people, 40) {
			for _, text := range []string{prompt.Qwen.RL(p.UserMessage()), prompt.Base.RL(p.UserMessage()),
				p.ShortCoTResponse(), p.GroundTruth(), p.SolutionText(), p.SolutionTextFormat()} {
				roundTrip(t, tok, "kk", text)
			}
			for _, seed := range []uint64{1234, 7} {
				long, err := p.LongCoTResponse(kk.TeacherConfig{Seed: seed, MaxWords: 1 << 20})
				if err != nil {
					t.Fatal(err)
				}
				roundTrip(t, tok, "kk long CoT", long)
				terse, err := p.LongCoTResponse(kk.TeacherConfig{Seed: seed, MaxWords: len(strings.Fields(long)) - 1})
				if err == nil {
					roundTrip(t, tok, "kk terse long CoT", terse)
				}
			}
		}
	}
}

// TestRoundTripArithProblems round-trips every text kind of ARITH problems
// of every level.
func TestRoundTripArithProblems(t *testing.T) {
	tok := forTasks(t)
	for level := 1; level <= arith.MaxLevel; level++ {
		ps, err := arith.Generate(99, level, 100)
		if err != nil {
			t.Fatal(err)
		}
		for i, p := range ps {
			for _, text := range []string{prompt.Qwen.RL(p.Question), p.ShortCoT(), p.LongCoT(uint64(i)),
				p.LongCoTWithin(uint64(i), 150), p.GroundTruth()} {
				roundTrip(t, tok, "arith", text)
			}
		}
	}
}
