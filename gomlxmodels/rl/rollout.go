package rl

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/r1lab/r1lab/gomlxmodels/grpo"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// Rollout is one sampled response of a training step: the schema of rollouts/step_NNNNN.parquet,
// the replay buffer. It holds every field of the paper's step_k.jsonl (index, level, correctness,
// ground_truth, data_source; its "output" is prompt + response) and of TRL's completions file
// (step, prompt, completion = response, reward, advantage), plus what the sample-effect analyses
// need to recompute a sample: its seed, length and log-likelihood.
type Rollout struct {
	Step        int64  `parquet:"step"`         // the RL step (1-based)
	Index       int64  `parquet:"index"`        // extra_info.index: the prompt, and the GRPO group key
	Sample      int64  `parquet:"sample"`       // position within the prompt's group, 0 … GroupSize−1
	Level       int64  `parquet:"level"`        // extra_info.level
	DataSource  string `parquet:"data_source"`  // selects the reward
	Prompt      string `parquet:"prompt"`       // the templated prompt
	Response    string `parquet:"response"`     // decoded with special tokens (end-of-text when emitted)
	GroundTruth string `parquet:"ground_truth"` // reward_model.ground_truth
	// Reward is the reward of prompt+response; Correct its verdict (verl's correctness).
	Reward  float64 `parquet:"reward"`
	Correct bool    `parquet:"correctness"`
	// Advantage is the group-relative advantage the update used (grpo.Advantages).
	Advantage float64 `parquet:"advantage"`
	// SumLogProb is Σ log π(token) under the model at temperature 1 (as in eval files);
	// SumSampleLogProb is the same under the tempered policy that sampled it (the old log-probs
	// of the loss).
	SumLogProb       float64 `parquet:"sum_logprob"`
	SumSampleLogProb float64 `parquet:"sum_sample_logprob"`
	Length           int64   `parquet:"length"`    // response tokens
	Truncated        bool    `parquet:"truncated"` // reached MaxNewTokens without end-of-text
	Seed             uint64  `parquet:"seed"`      // sample.SeedFor(Config.Seed, step, index, sample)
}

// stepRollouts is one step's sampled group data: the file rows and the token-level data the
// update needs, aligned.
type stepRollouts struct {
	rows      []Rollout
	prompts   [][]int32
	responses [][]int32
	old       [][]float32 // SampleLogProbs: old log-probs at the rollout temperature
	entropies [][]float32 // the sampling distributions' entropies, for the update's metrics
	groups    []int
	genTime   time.Duration
	tokens    int // generated tokens
}

// generate samples GroupSize responses for each picked prompt, scores them and computes their
// advantages. Rows are prompt-major: the group of picks[p] is rows p·G … p·G+G−1.
func generate(s *sample.Sampler, tok *tokenizer.Tokenizer, c Config, step int, picks []item) (*stepRollouts, error) {
	g := c.GRPO.GroupSize
	n := len(picks) * g
	out := &stepRollouts{rows: make([]Rollout, n), prompts: make([][]int32, n), responses: make([][]int32, n),
		old: make([][]float32, n), entropies: make([][]float32, n), groups: make([]int, n)}
	seeds := make([]uint64, n)
	for p, it := range picks {
		for j := range g {
			k := p*g + j
			out.prompts[k] = it.ids
			out.groups[k] = p
			seeds[k] = sample.SeedFor(c.Seed, uint64(step), uint64(it.index), uint64(j))
		}
	}
	chunk := c.GenBatch
	if chunk <= 0 {
		chunk = n
	}
	opts := c.samplingOptions([]int32{tok.EndOfTextID(), tok.ImEndID()}, tok.PadID())
	start := time.Now()
	results := make([]sample.Result, 0, n)
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		res, err := s.Generate(out.prompts[lo:hi], seeds[lo:hi], opts)
		if err != nil {
			return nil, fmt.Errorf("rl: step %d: rollouts: %w", step, err)
		}
		results = append(results, res...)
	}
	out.genTime = time.Since(start)

	rewards := make([]float64, n)
	for k, r := range results {
		it := picks[k/g]
		text := tok.DecodeLossy(r.Tokens)
		score := it.reward(it.text+text, it.truth)
		if math.IsNaN(score.Value) || math.IsInf(score.Value, 0) {
			return nil, fmt.Errorf("rl: step %d: the %s reward of prompt %d, sample %d is %v",
				step, it.source, it.index, k%g, score.Value)
		}
		if c.RandomReward > 0 {
			score.Value = randomReward(c, step, it.index, k%g)
		}
		rewards[k] = score.Value
		out.responses[k], out.old[k], out.entropies[k] = r.Tokens, r.SampleLogProbs, r.Entropies
		out.tokens += len(r.Tokens)
		out.rows[k] = Rollout{Step: int64(step), Index: it.index, Sample: int64(k % g), Level: it.level,
			DataSource: it.source, Prompt: it.text, Response: text, GroundTruth: it.truth,
			Reward: score.Value, Correct: score.Correct, SumLogProb: sum(r.LogProbs),
			SumSampleLogProb: sum(r.SampleLogProbs), Length: int64(len(r.Tokens)), Truncated: !r.Ended, Seed: seeds[k]}
	}
	// Groups are keyed by the prompt's position in the step; prepare made extra_info.index unique,
	// so this is the same grouping as by index.
	for k, a := range grpo.Advantages(rewards, out.groups, c.GRPO) {
		out.rows[k].Advantage = a
	}
	return out, nil
}

// batch pads the rollouts into the update's batch, with the sampler's entropies (the rollout
// temperature is the loss's: Config.Validate).
func (r *stepRollouts) batch(pad int32, bucket int) (grpo.Batch, error) {
	adv := make([]float64, len(r.rows))
	for k, row := range r.rows {
		adv[k] = row.Advantage
	}
	return grpo.NewBatch(r.prompts, r.responses, r.old, adv, pad, bucket).WithEntropies(r.entropies)
}

func sum(xs []float32) float64 {
	s := 0.0
	for _, x := range xs {
		s += float64(x)
	}
	return s
}

// rolloutMetrics returns the step's rollout metrics under verl's names: critic/score/* (the
// training accuracy for 0/1 rewards), critic/advantages/*, response_length/* (clip_ratio: share
// of responses whose length is maxNew, verl's definition) and, per level L,
// train_level_correctness/L_correctness and train_level_clip_ratio/L_clip_ratio (share not
// ending in end-of-text, deep-reasoning's definition).
func rolloutMetrics(rows []Rollout, maxNew int) map[string]float64 {
	m := map[string]float64{}
	stats := func(name string, f func(Rollout) float64) {
		lo, hi, total := math.Inf(1), math.Inf(-1), 0.0
		for _, r := range rows {
			v := f(r)
			lo, hi, total = min(lo, v), max(hi, v), total+v
		}
		m[name+"/mean"], m[name+"/max"], m[name+"/min"] = total/float64(len(rows)), hi, lo
	}
	stats("critic/score", func(r Rollout) float64 { return r.Reward })
	stats("critic/advantages", func(r Rollout) float64 { return r.Advantage })
	stats("response_length", func(r Rollout) float64 { return float64(r.Length) })
	m["response_length/clip_ratio"] = share(rows, func(r Rollout) bool { return r.Length >= int64(maxNew) })

	byLevel := map[int64][]Rollout{}
	for _, r := range rows {
		byLevel[r.Level] = append(byLevel[r.Level], r)
	}
	for l, rs := range byLevel {
		m[fmt.Sprintf("train_level_correctness/%d_correctness", l)] = share(rs, func(r Rollout) bool { return r.Correct })
		m[fmt.Sprintf("train_level_clip_ratio/%d_clip_ratio", l)] = share(rs, func(r Rollout) bool { return r.Truncated })
	}
	return m
}

func share(rows []Rollout, f func(Rollout) bool) float64 {
	n := 0
	for _, r := range rows {
		if f(r) {
			n++
		}
	}
	return float64(n) / float64(max(len(rows), 1))
}

// randomReward is Config.RandomReward's coin for sample j of the prompt with index i at step s:
// 1 with probability c.RandomReward, from its own seed (see Config.RandomReward).
func randomReward(c Config, s int, i int64, j int) float64 {
	seed := sample.SeedFor(sample.SeedFor(c.Seed, uint64(s), RewardSeedStream, 0), 0, uint64(i), uint64(j))
	if rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)).Float64() < c.RandomReward {
		return 1
	}
	return 0
}
