package rl

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"hash"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/nprand"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// RewardFor returns the paper's reward for a row's data_source: "kk" → reward.KK, "arith" →
// reward.Arith. Both score the decoded prompt+response and need the response to end with
// end-of-text, so a truncated response scores 0.
func RewardFor(dataSource string) (reward.Func, error) {
	switch dataSource {
	case "kk":
		return reward.KK, nil
	case "arith":
		return reward.Arith, nil
	}
	return nil, fmt.Errorf("no reward for data_source %q (want kk or arith)", dataSource)
}

// item is one prompt, checked and encoded once per run.
type item struct {
	index, level int64
	source       string
	text, truth  string
	ids          []int32
	reward       reward.Func
}

// prepare checks and encodes rows (named name in errors, e.g. the file they came from): every
// row needs a known data_source, a prompt the tokenizer can encode, and room for maxNew response
// tokens within maxLen. With uniqueIndex, extra_info.index (the GRPO group key and the sampling
// seed's prompt coordinate) must not repeat.
func prepare(rows []dataio.RLRow, name string, tok *tokenizer.Tokenizer, rewardOf func(string) (reward.Func, error),
	maxLen, maxNew int, uniqueIndex bool) ([]item, error) {
	items := make([]item, len(rows))
	seen := map[int64]int{}
	for i, r := range rows {
		at := fmt.Sprintf("rl: %s row %d (extra_info.index %d)", name, i, r.ExtraInfo.Index)
		if j, dup := seen[r.ExtraInfo.Index]; dup && uniqueIndex {
			return nil, fmt.Errorf("%s: extra_info.index repeats row %d's; it is the GRPO group key and must be unique", at, j)
		}
		seen[r.ExtraInfo.Index] = i
		fn, err := rewardOf(r.DataSource)
		if err != nil {
			return nil, fmt.Errorf("%s: data_source: %w", at, err)
		}
		text := r.PromptText()
		ids, err := tok.Encode(text)
		if err != nil {
			return nil, fmt.Errorf("%s: prompt: %w", at, err)
		}
		if len(ids) == 0 {
			return nil, fmt.Errorf("%s: prompt is empty", at)
		}
		if len(ids)+maxNew > maxLen {
			return nil, fmt.Errorf("%s: prompt has %d tokens; with %d new tokens it exceeds the model's MaxSeqLen %d",
				at, len(ids), maxNew, maxLen)
		}
		items[i] = item{index: r.ExtraInfo.Index, level: r.ExtraInfo.Level, source: r.DataSource, text: text,
			truth: r.RewardModel.GroundTruth, ids: ids, reward: fn}
	}
	return items, nil
}

// evalPrompts converts items to evaluate's prompts.
func evalPrompts(items []item) []evaluate.Prompt {
	out := make([]evaluate.Prompt, len(items))
	for i, it := range items {
		out[i] = evaluate.Prompt{Index: it.index, Level: it.level, DataSource: it.source, Text: it.text, GroundTruth: it.truth}
	}
	return out
}

// spreadOverLevels keeps n items (0: all) spread evenly over the levels: the first item of each
// level in order of first appearance, then the second of each, and so on — so a small
// validation set still reports every level. It is the CLI's rule for --eval-limit.
func spreadOverLevels(items []item, n int) []item {
	if n <= 0 || n >= len(items) {
		return items
	}
	byLevel := map[int64][]item{}
	var levels []int64
	for _, it := range items {
		if _, ok := byLevel[it.level]; !ok {
			levels = append(levels, it.level)
		}
		byLevel[it.level] = append(byLevel[it.level], it)
	}
	out := make([]item, 0, n)
	for k := 0; len(out) < n; k++ {
		for _, l := range levels {
			if k < len(byLevel[l]) && len(out) < n {
				out = append(out, byLevel[l][k])
			}
		}
	}
	return out
}

// epochOrder is the order of the training prompts in epoch epoch: a shuffle seeded by (seed,
// epoch) alone (numpy-compatible generator, the SFT trainer's rule), so any step's prompts can be
// recomputed without replaying earlier steps.
func epochOrder(n int, seed uint64, epoch int) []int {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	g := nprand.New(seed ^ uint64(epoch+1)*0x9e3779b97f4a7c15)
	g.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
	return order
}

// fingerprintItems identifies the prompts of a run, so a resume with other data fails.
func fingerprintItems(sets ...[]item) string {
	h := sha256.New()
	for _, set := range sets {
		writeInt(h, int64(len(set)))
		for _, it := range set {
			writeInt(h, it.index)
			writeInt(h, it.level)
			for _, s := range []string{it.source, it.text, it.truth} {
				writeInt(h, int64(len(s)))
				h.Write([]byte(s))
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

func writeInt(h hash.Hash, v int64) {
	var buf [8]byte
	binary.LittleEndian.PutUint64(buf[:], uint64(v))
	h.Write(buf[:])
}
