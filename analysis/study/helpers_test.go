package study

import (
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/r1lab/r1lab/analysis/effect"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// One tokenizer for the whole test binary.
var testTok = sync.OnceValues(func() (*tokenizer.Tokenizer, error) { return tokenizer.ForTasks() })

func mustTok(t testing.TB) *tokenizer.Tokenizer {
	t.Helper()
	tok, err := testTok()
	if err != nil {
		t.Fatalf("tokenizer: %v", err)
	}
	return tok
}

// microModel is the "micro" preset with a large init std (0.3), so its next-token distributions
// are far from uniform and samples differ in their gradients.
func microModel(t testing.TB, seed uint64) *lm.Model {
	t.Helper()
	cfg, err := lm.ConfigForSize("micro", mustTok(t).VocabSize())
	if err != nil {
		t.Fatal(err)
	}
	cfg.InitStd = 0.3
	m, err := lm.New(cfg, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Store.Finalize)
	return m
}

// sharpen multiplies m's (tied) embedding by factor, which scales its logits by about as much
// (the final RMSNorm undoes the scale on the input side): a peaked next-token distribution.
func sharpen(t testing.TB, m *lm.Model, factor float64) {
	t.Helper()
	e, err := effect.New(backendtest.Must(t), m, effect.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	l, theta := e.Layout(), e.Weights()
	for i, x := range l.Of(theta, l.Index(lm.ParamEmbed)) {
		l.Of(theta, l.Index(lm.ParamEmbed))[i] = factor * x
	}
	if err := setWeights(m, l, theta); err != nil {
		t.Fatal(err)
	}
}

// spaceReward rewards a response whose text starts with a space: on one-token responses about
// half of the vocabulary (every word has a variant with and without its leading space). Test
// prompts have an empty Text, so the reward sees the response alone.
func spaceReward(text, _ string) reward.Score {
	return reward.Binary(strings.HasPrefix(text, " "))
}

// spacedTokens splits the non-special vocabulary by whether a token's text starts with a space.
func spacedTokens(t testing.TB) (spaced, unspaced []int32) {
	tok := mustTok(t)
	for id, text := range tok.Tokens() {
		if tok.IsSpecial(int32(id)) || text == "" {
			continue
		}
		if strings.HasPrefix(text, " ") {
			spaced = append(spaced, int32(id))
		} else {
			unspaced = append(unspaced, int32(id))
		}
	}
	return spaced, unspaced
}

// randomIDs returns n random token ids from pool.
func randomIDs(rng *rand.Rand, pool []int32, n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = pool[rng.IntN(len(pool))]
	}
	return out
}

// testPrompts returns n prompts of 3–6 random tokens scored by spaceReward.
func testPrompts(t testing.TB, rng *rand.Rand, n int) []Prompt {
	spaced, unspaced := spacedTokens(t)
	pool := append(append([]int32(nil), spaced...), unspaced...)
	out := make([]Prompt, n)
	for i := range out {
		out[i] = Prompt{Index: int64(i), IDs: randomIDs(rng, pool, 3+rng.IntN(4)), Reward: spaceReward}
	}
	return out
}

// oneTokenSet returns a set of n pairs (a random prompt, one token from pool).
func oneTokenSet(rng *rand.Rand, name string, prompts, pool []int32, n int) Set {
	s := Set{Name: name}
	for i := range n {
		s.Pairs = append(s.Pairs, effect.Pair{Prompt: randomIDs(rng, prompts, 3+rng.IntN(4)), Response: randomIDs(rng, pool, 1)})
		s.IDs = append(s.IDs, int64(i))
	}
	return s
}

// fastOptions are small analysis options for tests: one-token test responses.
func fastOptions() Options {
	o := DefaultOptions()
	o.Samples, o.TestGroup, o.MaxNewTokens, o.Resamples = 256, 8, 1, 200
	o.KernelPairs, o.PositionPairs, o.PositionBins = 4, 4, 4
	return o
}

// greedyCase is a sharpened micro model, one fixed prompt, its greedy answer and another token,
// and n copies of the prompt as test prompts whose reward pays for the greedy answer alone.
type greedyCase struct {
	base        *lm.Model
	theta       []float64 // the base's weights
	prompt      []int32
	best, other int32
	test        []Prompt
}

func newGreedyCase(t testing.TB, n int) greedyCase {
	t.Helper()
	rng := rand.New(rand.NewPCG(4, 5))
	tok := mustTok(t)
	spaced, unspaced := spacedTokens(t)
	c := greedyCase{base: microModel(t, 6), prompt: randomIDs(rng, append(spaced, unspaced...), 5)}
	sharpen(t, c.base, 2)
	e, err := effect.New(backendtest.Must(t), c.base, effect.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer e.Finalize()
	c.theta = e.Weights()
	ts, err := e.TokenStats([]effect.Pair{{Prompt: c.prompt, Response: []int32{0}}})
	if err != nil {
		t.Fatal(err)
	}
	c.best, c.other = ts[0].Argmax[0], spaced[0]
	if c.other == c.best {
		c.other = spaced[1]
	}
	bestText, _ := tok.Token(c.best)
	for i := range n {
		c.test = append(c.test, Prompt{Index: int64(i), IDs: c.prompt,
			Reward: func(text, _ string) reward.Score { return reward.Binary(text == bestText) }})
	}
	return c
}
