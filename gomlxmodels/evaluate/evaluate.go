// Package evaluate scores a model on a test set. By default it does what the
// paper's validation does (research/paper.md §6.1, §6.3): one greedy response
// per prompt, the task's reward on the decoded prompt+response (so a response
// that never emits end-of-text scores 0), accuracy overall and per level,
// the clip ratio (responses cut at the length limit) and mean length. With a
// temperature and several samples per prompt (verl's val_kwargs n and
// temperature) it reports mean@n accuracy and pass@n as well. On K&K it
// also splits the answers into naming the puzzle's people and getting their
// roles right (Summary.Named, Summary.RoleAccuracy). Every response is kept
// for the eval Parquet file.
package evaluate

import (
	"fmt"
	"io"
	"math"
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
	// BatchSize is the number of responses decoded together. Default 32.
	BatchSize int
	// Temperature 0 (default) is greedy decoding, the paper's validation.
	// Above 0, sample j of the prompt with dataset index i is drawn with the
	// seed sample.SeedFor(Seed, 0, i, j).
	Temperature float64
	// Seed is used only when Temperature > 0. Default 0.
	Seed uint64
	// Samples is the number of responses drawn per prompt (verl's
	// val_kwargs.n). Above 1 it needs Temperature > 0, and Summary.Accuracy
	// is then mean@n, the mean over every response, with Summary.PassAtN the
	// share of prompts answered correctly at least once. A greedy accuracy
	// moves in steps of 1/prompts; mean@n at the policy's own temperature
	// shows smaller changes of the policy. Default 1.
	Samples int
}

// DefaultConfig returns the defaults documented on Config.
func DefaultConfig() Config { return Config{MaxNewTokens: 1024, BatchSize: 32, Samples: 1} }

// Validate checks c.
func (c Config) Validate() error {
	switch {
	case c.MaxNewTokens < 1 || c.BatchSize < 1:
		return fmt.Errorf("evaluate: MaxNewTokens %d and BatchSize %d must be ≥ 1", c.MaxNewTokens, c.BatchSize)
	case c.Samples < 0:
		return fmt.Errorf("evaluate: Samples %d is negative", c.Samples)
	case c.Samples > 1 && !(c.Temperature > 0):
		return fmt.Errorf("evaluate: %d samples per prompt need a temperature above 0 (greedy responses are all the same)", c.Samples)
	}
	return nil
}

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
	Sample      *int64  `parquet:"sample,optional"` // which of the prompt's Config.Samples responses, from 0; nil in files written before the column existed (greedy)
	Response    string  `parquet:"response"`        // decoded with special tokens (EOS included when emitted)
	GroundTruth string  `parquet:"ground_truth"`
	Reward      float64 `parquet:"reward"`
	Correct     bool    `parquet:"correctness"`
	Ended       bool    `parquet:"ended"`       // emitted end-of-text before the limit
	Length      int64   `parquet:"length"`      // response tokens
	SumLogProb  float64 `parquet:"sum_logprob"` // Σ log π(token) of the response
	// SumSampleLogProb is Σ log q(token) under the distribution the tokens were drawn from (the
	// tempered policy); equal to SumLogProb for greedy responses. Nil in files written before
	// the column existed (all greedy).
	SumSampleLogProb *float64 `parquet:"sum_sample_logprob,optional"`
}

// Summary aggregates rows.
type Summary struct {
	N          int     // responses
	Prompts    int     // distinct prompts
	Samples    int     // the most responses any prompt has (1 for greedy evaluation)
	Accuracy   float64 // share of correct responses: greedy accuracy, or mean@n
	PassAtN    float64 // share of prompts with at least one correct response (= Accuracy when Samples is 1)
	ClipRatio  float64 // share of responses without end-of-text within MaxNewTokens
	MeanLength float64
	// Named and RoleAccuracy split the K&K accuracy into copying and
	// reasoning (see LevelSummary); NaN without K&K responses.
	Named, RoleAccuracy float64
	// KnightShare and TrueKnightShare: see LevelSummary.
	KnightShare, TrueKnightShare float64
	Levels                       []LevelSummary
	Wall                         time.Duration
	NewTokens                    int
}

// LevelSummary is the summary of one level.
type LevelSummary struct {
	Level      int64
	N          int
	Prompts    int
	Accuracy   float64
	PassAtN    float64
	ClipRatio  float64
	MeanLength float64
	// Named is the share of the K&K responses that ended with a box naming
	// exactly the puzzle's people, each once (reward.KKAnswerParts): the
	// copying half of the task. NaN without K&K responses.
	Named float64
	// RoleAccuracy is the share of right roles over the people of the Named
	// responses: the reasoning half, 0.5 being a coin flip per role. NaN
	// when no response names the people.
	RoleAccuracy float64
	// KnightShare is the share of knights among the roles the Named
	// responses give, TrueKnightShare among their people's true roles: a
	// bias in the roles, apart from reasoning (reward.KKParts). NaN when no
	// response names the people.
	KnightShare, TrueKnightShare float64
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

// Run generates c.Samples responses per prompt (one by default) and scores
// them. Row i·n+j is sample j of prompts[i]. progress, if not nil, receives a
// line per batch.
func Run(b compute.Backend, m *lm.Model, tok *tokenizer.Tokenizer, prompts []Prompt, c Config, progress io.Writer) ([]Row, Summary, error) {
	if err := c.Validate(); err != nil {
		return nil, Summary{}, err
	}
	n := max(c.Samples, 1)
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
	// Response r is sample r%n of prompt r/n; a prompt's samples stay together.
	order := make([]int, len(prompts)*n)
	for r := range order {
		order[r] = r
	}
	slices.SortStableFunc(order, func(a, b int) int { return len(encoded[a/n]) - len(encoded[b/n]) })

	rows := make([]Row, len(order))
	start := time.Now()
	newTokens := 0
	for lo := 0; lo < len(order); lo += c.BatchSize {
		idx := order[lo:min(lo+c.BatchSize, len(order))]
		batch := make([][]int32, len(idx))
		seeds := make([]uint64, len(idx))
		for j, r := range idx {
			batch[j] = encoded[r/n]
			seeds[j] = sample.SeedFor(c.Seed, 0, uint64(prompts[r/n].Index), uint64(r%n))
		}
		results, err := s.Generate(batch, seeds, opts)
		if err != nil {
			return nil, Summary{}, fmt.Errorf("evaluate: %w", err)
		}
		for j, k := range idx {
			r, p := results[j], prompts[k/n]
			text := tok.DecodeLossy(r.Tokens)
			score := funcs[k/n](p.Text+text, p.GroundTruth)
			var sum, sumSample float64
			for i, lp := range r.LogProbs {
				sum += float64(lp)
				sumSample += float64(r.SampleLogProbs[i])
			}
			if c.Temperature == 0 {
				sumSample = sum // greedy: the sampler reports no sampling distribution
			}
			rows[k] = Row{Index: p.Index, Level: p.Level, DataSource: p.DataSource, Prompt: p.Text, Sample: ptr(int64(k % n)), Response: text,
				GroundTruth: p.GroundTruth, Reward: score.Value, Correct: score.Correct, Ended: r.Ended,
				Length: int64(len(r.Tokens)), SumLogProb: sum, SumSampleLogProb: ptr(sumSample)}
			newTokens += len(r.Tokens)
		}
		if progress != nil {
			fmt.Fprintf(progress, "eval: %d/%d responses, %.0f new tok/s\n", lo+len(idx), len(order),
				float64(newTokens)/time.Since(start).Seconds())
		}
	}
	sum := Summarize(rows)
	sum.Wall, sum.NewTokens = time.Since(start), newTokens
	return rows, sum, nil
}

func ptr[T any](v T) *T { return &v }

// Summarize aggregates rows overall and per level (levels ascending). Rows
// with the same data source and index are one prompt's samples.
func Summarize(rows []Row) Summary {
	type key struct {
		source string
		index  int64
	}
	// agg returns rs's summary (Level unset) and the most samples of one prompt.
	agg := func(rs []Row) (l LevelSummary, most int) {
		var acc, clip, length float64
		var kk, named, people, rolesRight, knights, trueKnights int
		solved, seen := map[key]bool{}, map[key]int{}
		for _, r := range rs {
			if r.DataSource == "kk" {
				kk++
				if kp := reward.KKAnswerParts(r.Response, r.GroundTruth); r.Ended && kp.Named {
					named, people, rolesRight = named+1, people+kp.People, rolesRight+kp.RolesRight
					knights, trueKnights = knights+kp.Knights, trueKnights+kp.TrueKnights
				}
			}
			k := key{r.DataSource, r.Index}
			seen[k]++
			most = max(most, seen[k])
			if r.Correct {
				acc++
				solved[k] = true
			}
			if !r.Ended {
				clip++
			}
			length += float64(r.Length)
		}
		n := float64(max(1, len(rs)))
		return LevelSummary{N: len(rs), Prompts: len(seen), Accuracy: acc / n, PassAtN: float64(len(solved)) / float64(max(1, len(seen))),
			ClipRatio: clip / n, MeanLength: length / n, Named: share(named, kk), RoleAccuracy: share(rolesRight, people),
			KnightShare: share(knights, people), TrueKnightShare: share(trueKnights, people)}, most
	}
	all, most := agg(rows)
	s := Summary{N: all.N, Prompts: all.Prompts, Samples: most, Accuracy: all.Accuracy, PassAtN: all.PassAtN,
		ClipRatio: all.ClipRatio, MeanLength: all.MeanLength, Named: all.Named, RoleAccuracy: all.RoleAccuracy,
		KnightShare: all.KnightShare, TrueKnightShare: all.TrueKnightShare}
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
		ls, _ := agg(byLevel[l])
		ls.Level = l
		s.Levels = append(s.Levels, ls)
	}
	return s
}

// share is a/n, NaN when n is 0.
func share(a, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return float64(a) / float64(n)
}

// Metrics returns the summary under verl's validation metric names:
// val/test_correctness/<source>, val_level_correctness/<L>_correctness,
// val_level_clip_ratio/<L>_clip_ratio, val_level_response_length/<L>_response_length,
// plus val/clip_ratio and val/response_length/mean. With several samples per
// prompt the correctness metrics are mean@n, and val/test_pass@<n>/<source>
// and val_level_pass@<n>/<L> are added. With K&K responses, the answer
// breakdown is added where defined: val/named/kk, val/role_accuracy/kk,
// val/knight_share/kk, val/true_knight_share/kk, val_level_named/<L>_named
// and val_level_role_accuracy/<L>_role_accuracy.
func (s Summary) Metrics(source string) map[string]float64 {
	m := map[string]float64{
		"val/test_correctness/" + source: s.Accuracy,
		"val/clip_ratio":                 s.ClipRatio,
		"val/response_length/mean":       s.MeanLength,
	}
	// addDefined adds a metric that is not NaN (the K&K breakdown).
	addDefined := func(name string, v float64) {
		if !math.IsNaN(v) {
			m[name] = v
		}
	}
	addDefined("val/named/kk", s.Named)
	addDefined("val/role_accuracy/kk", s.RoleAccuracy)
	addDefined("val/knight_share/kk", s.KnightShare)
	addDefined("val/true_knight_share/kk", s.TrueKnightShare)
	if s.Samples > 1 {
		m[fmt.Sprintf("val/test_pass@%d/%s", s.Samples, source)] = s.PassAtN
	}
	for _, l := range s.Levels {
		addDefined(fmt.Sprintf("val_level_named/%d_named", l.Level), l.Named)
		addDefined(fmt.Sprintf("val_level_role_accuracy/%d_role_accuracy", l.Level), l.RoleAccuracy)
		if s.Samples > 1 {
			m[fmt.Sprintf("val_level_pass@%d/%d", s.Samples, l.Level)] = l.PassAtN
		}
		m[fmt.Sprintf("val_level_correctness/%d_correctness", l.Level)] = l.Accuracy
		m[fmt.Sprintf("val_level_clip_ratio/%d_clip_ratio", l.Level)] = l.ClipRatio
		m[fmt.Sprintf("val_level_response_length/%d_response_length", l.Level)] = l.MeanLength
	}
	return m
}

// Print writes a per-level table of s; with several samples per prompt,
// accuracy is mean@n and a pass@n column is added.
func (s Summary) Print(w io.Writer) {
	if s.Samples <= 1 {
		fmt.Fprintf(w, "%-6s %6s %9s %6s %8s\n", "level", "n", "accuracy", "clip", "length")
		for _, l := range s.Levels {
			fmt.Fprintf(w, "%-6d %6d %9.3f %6.3f %8.1f\n", l.Level, l.N, l.Accuracy, l.ClipRatio, l.MeanLength)
		}
		fmt.Fprintf(w, "%-6s %6d %9.3f %6.3f %8.1f\n", "all", s.N, s.Accuracy, s.ClipRatio, s.MeanLength)
		return
	}
	mean, pass := fmt.Sprintf("mean@%d", s.Samples), fmt.Sprintf("pass@%d", s.Samples)
	fmt.Fprintf(w, "%-6s %7s %9s %9s %9s %6s %8s\n", "level", "prompts", "responses", mean, pass, "clip", "length")
	for _, l := range s.Levels {
		fmt.Fprintf(w, "%-6d %7d %9d %9.3f %9.3f %6.3f %8.1f\n", l.Level, l.Prompts, l.N, l.Accuracy, l.PassAtN, l.ClipRatio, l.MeanLength)
	}
	fmt.Fprintf(w, "%-6s %7d %9d %9.3f %9.3f %6.3f %8.1f\n", "all", s.Prompts, s.N, s.Accuracy, s.PassAtN, s.ClipRatio, s.MeanLength)
}
