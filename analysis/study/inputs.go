package study

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/analysis/logs"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// Prompt is one test prompt: the text, its token ids, the ground truth and the reward that
// scores a response (on the decoded prompt+response, as in RL).
type Prompt struct {
	Index  int64  // extra_info.index
	Level  int64  // extra_info.level
	Text   string // the templated prompt
	IDs    []int32
	Truth  string
	Reward reward.Func
}

// Set is one named SFT set: (prompt, response) pairs, the response ending with its end-of-text
// as in SFT.
type Set struct {
	Name  string
	Pairs []effect.Pair
	IDs   []int64 // each pair's row id in its file
}

// Rollout is one response of an RL step's replay buffer.
type Rollout struct {
	effect.Pair
	Correct   bool
	Advantage float64 // the group-relative advantage the update used
}

// PromptsFromRL encodes RL/test rows (verl layout) as test prompts; file names them in errors.
func PromptsFromRL(tok *tokenizer.Tokenizer, rows []dataio.RLRow, file string) ([]Prompt, error) {
	out := make([]Prompt, len(rows))
	for i, r := range rows {
		fn, err := rl.RewardFor(r.DataSource)
		if err != nil {
			return nil, fmt.Errorf("study: %s row %d: data_source: %w", file, i, err)
		}
		ids, err := tok.Encode(r.PromptText())
		if err != nil {
			return nil, fmt.Errorf("study: %s row %d: prompt: %w", file, i, err)
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("study: %s row %d: empty prompt", file, i)
		}
		out[i] = Prompt{Index: r.ExtraInfo.Index, Level: r.ExtraInfo.Level, Text: r.PromptText(), IDs: ids,
			Truth: r.RewardModel.GroundTruth, Reward: fn}
	}
	return out, nil
}

// SetFromSFT encodes n rows of an SFT file (a subset drawn with seed; every row when the file has
// at most n) as the set name. Prompt and response are encoded separately, as the SFT trainer
// does; rows longer than maxLen tokens are an error naming the file.
func SetFromSFT(tok *tokenizer.Tokenizer, name string, rows []dataio.SFTRow, file string, n, maxLen int, seed uint64) (Set, error) {
	s := Set{Name: name}
	for _, i := range subset(len(rows), n, seed, streamOf(name)) {
		r := rows[i]
		p, err := encodePair(tok, r.Prompt, r.Response)
		if err != nil {
			return Set{}, fmt.Errorf("study: %s row %d (id %d): %w", file, i, r.ID, err)
		}
		if l := len(p.Prompt) + len(p.Response); l > maxLen {
			return Set{}, fmt.Errorf("study: %s row %d (id %d): %d tokens, more than the model's MaxSeqLen %d", file, i, r.ID, l, maxLen)
		}
		s.Pairs, s.IDs = append(s.Pairs, p), append(s.IDs, r.ID)
	}
	return s, nil
}

// RolloutsFromLog encodes at most n of an RL step's logged rollouts (a subset drawn with seed;
// see LoggedPair for how a response is re-encoded). A response that cannot be re-encoded into
// its logged number of tokens is left out and counted in dropped.
func RolloutsFromLog(tok *tokenizer.Tokenizer, samples []logs.Sample, n int, seed uint64) (out []Rollout, dropped int, err error) {
	for _, i := range subset(len(samples), n, seed, 0x5e1f) {
		s := samples[i]
		p, ok, err := LoggedPair(tok, s)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			dropped++
			continue
		}
		out = append(out, Rollout{Pair: p, Correct: s.Correct, Advantage: s.Advantage})
	}
	return out, dropped, nil
}

// PairsFromLog encodes at most n logged responses (e.g. greedy validation responses), the first
// n in file order that are not empty and re-encode into their logged length (see LoggedPair);
// dropped counts those left out on the way.
func PairsFromLog(tok *tokenizer.Tokenizer, samples []logs.Sample, n int) (out []effect.Pair, dropped int, err error) {
	for _, s := range samples {
		if len(out) == n {
			break
		}
		if s.Response == "" {
			continue
		}
		p, ok, err := LoggedPair(tok, s)
		if err != nil {
			return nil, 0, err
		}
		if !ok {
			dropped++
			continue
		}
		out = append(out, p)
	}
	return out, dropped, nil
}

// LoggedPair re-encodes a logged (prompt, response): logs keep decoded text, which Encode reads
// back (words a policy glued together with Join are split into the fewest that spell them; see
// the tokenizer). ok is false when the response cannot be encoded or its token count differs
// from the logged Length (then it is not the sampled sequence); a prompt that does not encode is
// an error naming the file and row.
func LoggedPair(tok *tokenizer.Tokenizer, l logs.Sample) (p effect.Pair, ok bool, err error) {
	x, err := tok.Encode(l.Prompt)
	if err != nil || len(x) == 0 {
		return effect.Pair{}, false, fmt.Errorf("study: %s row %d: prompt: %v", l.Source, l.Pos, err)
	}
	y, err := tok.Encode(l.Response)
	if err != nil || len(y) == 0 || l.Length >= 0 && int64(len(y)) != l.Length {
		return effect.Pair{}, false, nil
	}
	return effect.Pair{Prompt: x, Response: y}, true, nil
}

func encodePair(tok *tokenizer.Tokenizer, prompt, response string) (effect.Pair, error) {
	x, err := tok.Encode(prompt)
	if err != nil {
		return effect.Pair{}, fmt.Errorf("prompt: %w", err)
	}
	y, err := tok.Encode(response)
	if err != nil {
		return effect.Pair{}, fmt.Errorf("response: %w", err)
	}
	if len(x) == 0 || len(y) == 0 {
		return effect.Pair{}, fmt.Errorf("empty prompt or response")
	}
	return effect.Pair{Prompt: x, Response: y}, nil
}

// subset returns min(n, total) distinct indices of [0, total), ascending, drawn with a PCG
// generator seeded with (seed, stream): the same arguments give the same subset.
func subset(total, n int, seed, stream uint64) []int {
	if n >= total {
		idx := make([]int, total)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := rand.New(rand.NewPCG(seed, stream)).Perm(total)[:n]
	slices.Sort(idx)
	return idx
}

// streamOf derives a generator stream from a name (FNV-1a), so each set gets its own subset.
func streamOf(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return h
}
