// Package evaluate scores a model greedily on a test set, as the paper's
// validation does (research/paper.md §6.1, §6.3): one greedy response per
// prompt, the task's reward on the decoded prompt+response (so a response
// that never emits end-of-text scores 0), accuracy overall and per level,
// the clip ratio (responses cut at the length limit) and mean length. Every
// response is kept for the eval Parquet file.
package evaluate

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/gomlx/compute"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// Config sets an evaluation.
type Config struct {
	// MaxNewTokens caps each response (the paper: 4096 for a 1.5B model).
	// Default 1024.
	MaxNewTokens int
	// BatchSize is the number of prompts decoded together. Default 32.
	BatchSize int
	// Temperature 0 (default) is greedy decoding, the paper's validation.
	// Above 0, each prompt's seed is sample.SeedFor(Seed, 0, index, 0).
	Temperature float64
	// Seed is used only when Temperature > 0. Default 0.
	Seed uint64
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config { return Config{MaxNewTokens: 1024, BatchSize: 32} }

// Prompt is one test item.
type Prompt struct {
	Index       int64  // the row's index in its file
	Level       int64  // people (K&K) or difficulty level (ARITH)
	DataSource  string // selects the reward: "kk" or "arith"
	Text        string // the full templated prompt
	GroundTruth string
}

// FromRL converts RL/test rows (verl layout).
func FromRL(rows []dataio.RLRow) []Prompt {
	out := make([]Prompt, len(rows))
	for i, r := range rows {
		out[i] = Prompt{Index: r.ExtraInfo.Index, Level: r.ExtraInfo.Level, DataSource: r.DataSource,
			Text: r.PromptText(), GroundTruth: r.RewardModel.GroundTruth}
	}
	return out
}

// Row is one scored response; it is also the schema of eval/*.parquet.
type Row struct {
	Index       int64   `parquet:"index"`
	Level       int64   `parquet:"level"`
	DataSource  string  `parquet:"data_source"`
	Prompt      string  `parquet:"prompt"`
	Response    string  `parquet:"response"` // decoded with special tokens (EOS included when emitted)
	GroundTruth string  `parquet:"ground_truth"`
	Reward      float64 `parquet:"reward"`
	Correct     bool    `parquet:"correctness"`
	Ended       bool    `parquet:"ended"`       // emitted end-of-text before the limit
	Length      int64   `parquet:"length"`      // response tokens
	SumLogProb  float64 `parquet:"sum_logprob"` // Σ log π(token) of the response
}

// Summary aggregates rows.
type Summary struct {
	N          int
	Accuracy   float64
	ClipRatio  float64 // share of responses without end-of-text within MaxNewTokens
	MeanLength float64
	Levels     []LevelSummary
	Wall       time.Duration
	NewTokens  int
}

// LevelSummary is the summary of one level.
type LevelSummary struct {
	Level      int64
	N          int
	Accuracy   float64
	ClipRatio  float64
	MeanLength float64
}

// rewardFor returns the paper's reward for a data source.
func rewardFor(source string) (reward.Func, error) {
	switch source {
	case "kk":
		return reward.KK, nil
	case "arith":
		return reward.Arith, nil
	}
	return nil, fmt.Errorf("evaluate: no reward for data_source %q (want kk or arith)", source)
}

// Run generates one response per prompt and scores it. progress, if not
// nil, receives a line per batch.
func Run(b compute.Backend, m *lm.Model, tok *tokenizer.Tokenizer, prompts []Prompt, c Config, progress io.Writer) ([]Row, Summary, error) {
	if c.MaxNewTokens < 1 || c.BatchSize < 1 {
		return nil, Summary{}, fmt.Errorf("evaluate: MaxNewTokens %d and BatchSize %d must be ≥ 1", c.MaxNewTokens, c.BatchSize)
	}
	encoded := make([][]int32, len(prompts))
	funcs := make([]reward.Func, len(prompts))
	for i, p := range prompts {
		ids, err := tok.Encode(p.Text)
		if err != nil {
			return nil, Summary{}, fmt.Errorf("evaluate: prompt %d (index %d): %w", i, p.Index, err)
		}
		if len(ids)+c.MaxNewTokens > m.Config.MaxSeqLen {
			return nil, Summary{}, fmt.Errorf("evaluate: prompt %d (index %d): %d prompt tokens + %d new exceed the model's maximum length %d",
				i, p.Index, len(ids), c.MaxNewTokens, m.Config.MaxSeqLen)
		}
		if funcs[i], err = rewardFor(p.DataSource); err != nil {
			return nil, Summary{}, err
		}
		encoded[i] = ids
	}
	s, err := sample.New(b, m)
	if err != nil {
		return nil, Summary{}, err
	}
	defer s.Finalize()
	opts := sample.Options{MaxNewTokens: c.MaxNewTokens, Temperature: c.Temperature, TopP: 1,
		EOS: []int32{tok.EndOfTextID(), tok.ImEndID()}, Pad: tok.PadID()}

	// Decode prompts of similar length together: less padding, fewer shapes.
	order := make([]int, len(prompts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(encoded[a]) - len(encoded[b]) })

	rows := make([]Row, len(prompts))
	start := time.Now()
	newTokens := 0
	for lo := 0; lo < len(order); lo += c.BatchSize {
		idx := order[lo:min(lo+c.BatchSize, len(order))]
		batch := make([][]int32, len(idx))
		seeds := make([]uint64, len(idx))
		for j, i := range idx {
			batch[j] = encoded[i]
			seeds[j] = sample.SeedFor(c.Seed, 0, uint64(prompts[i].Index), 0)
		}
		results, err := s.Generate(batch, seeds, opts)
		if err != nil {
			return nil, Summary{}, fmt.Errorf("evaluate: %w", err)
		}
		for j, i := range idx {
			r, p := results[j], prompts[i]
			text := tok.DecodeLossy(r.Tokens)
			score := funcs[i](p.Text+text, p.GroundTruth)
			var sum float64
			for _, lp := range r.LogProbs {
				sum += float64(lp)
			}
			rows[i] = Row{Index: p.Index, Level: p.Level, DataSource: p.DataSource, Prompt: p.Text, Response: text,
				GroundTruth: p.GroundTruth, Reward: score.Value, Correct: score.Correct, Ended: r.Ended,
				Length: int64(len(r.Tokens)), SumLogProb: sum}
			newTokens += len(r.Tokens)
		}
		if progress != nil {
			fmt.Fprintf(progress, "eval: %d/%d prompts, %.0f new tok/s\n", lo+len(idx), len(prompts),
				float64(newTokens)/time.Since(start).Seconds())
		}
	}
	sum := Summarize(rows)
	sum.Wall, sum.NewTokens = time.Since(start), newTokens
	return rows, sum, nil
}

// Summarize aggregates rows overall and per level (levels ascending).
func Summarize(rows []Row) Summary {
	agg := func(rs []Row) (acc, clip, length float64) {
		for _, r := range rs {
			if r.Correct {
				acc++
			}
			if !r.Ended {
				clip++
			}
			length += float64(r.Length)
		}
		n := float64(max(1, len(rs)))
		return acc / n, clip / n, length / n
	}
	s := Summary{N: len(rows)}
	s.Accuracy, s.ClipRatio, s.MeanLength = agg(rows)
	byLevel := map[int64][]Row{}
	for _, r := range rows {
		byLevel[r.Level] = append(byLevel[r.Level], r)
	}
	levels := make([]int64, 0, len(byLevel))
	for l := range byLevel {
		levels = append(levels, l)
	}
	slices.Sort(levels)
	for _, l := range levels {
		ls := LevelSummary{Level: l, N: len(byLevel[l])}
		ls.Accuracy, ls.ClipRatio, ls.MeanLength = agg(byLevel[l])
		s.Levels = append(s.Levels, ls)
	}
	return s
}

// Metrics returns the summary under verl's validation metric names:
// val/test_correctness/<source>, val_level_correctness/<L>_correctness,
// val_level_clip_ratio/<L>_clip_ratio, val_level_response_length/<L>_response_length,
// plus val/clip_ratio and val/response_length/mean.
func (s Summary) Metrics(source string) map[string]float64 {
	m := map[string]float64{
		"val/test_correctness/" + source: s.Accuracy,
		"val/clip_ratio":                 s.ClipRatio,
		"val/response_length/mean":       s.MeanLength,
	}
	for _, l := range s.Levels {
		m[fmt.Sprintf("val_level_correctness/%d_correctness", l.Level)] = l.Accuracy
		m[fmt.Sprintf("val_level_clip_ratio/%d_clip_ratio", l.Level)] = l.ClipRatio
		m[fmt.Sprintf("val_level_response_length/%d_response_length", l.Level)] = l.MeanLength
	}
	return m
}

// Print writes a per-level table of s.
func (s Summary) Print(w io.Writer) {
	fmt.Fprintf(w, "%-6s %6s %9s %6s %8s\n", "level", "n", "accuracy", "clip", "length")
	for _, l := range s.Levels {
		fmt.Fprintf(w, "%-6d %6d %9.3f %6.3f %8.1f\n", l.Level, l.N, l.Accuracy, l.ClipRatio, l.MeanLength)
	}
	fmt.Fprintf(w, "%-6s %6d %9.3f %6.3f %8.1f\n", "all", s.N, s.Accuracy, s.ClipRatio, s.MeanLength)
}
