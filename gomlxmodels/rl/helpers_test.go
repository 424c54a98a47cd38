package rl

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/datasets/splits"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

var testTokenizer = sync.OnceValues(func() (*tokenizer.Tokenizer, error) { return tokenizer.ForTasks("kk") })

func mustTokenizer(t testing.TB) *tokenizer.Tokenizer {
	t.Helper()
	tok, err := testTokenizer()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// microData is six 3-person K&K training prompts (the base template, the shortest) and two test
// prompts at each of levels 3 and 4.
var microData = sync.OnceValues(func() ([2][]dataio.RLRow, error) {
	s, err := kk.BuildSplits(kk.SplitConfig{Seed: 1234, Sizes: splits.Sizes{
		Test: map[int]int{3: 2, 4: 2}, Train: map[int]int{3: 6}, ShuffleSeed: 1234,
	}}, nil)
	if err != nil {
		return [2][]dataio.RLRow{}, err
	}
	return [2][]dataio.RLRow{kk.RLRows(s.Train, dataio.SplitTrain, prompt.Base), kk.RLRows(s.Test, dataio.SplitTest, prompt.Base)}, nil
})

func mustData(t testing.TB) (train, test []dataio.RLRow) {
	t.Helper()
	d, err := microData()
	if err != nil {
		t.Fatal(err)
	}
	return d[0], d[1]
}

// microModel is a one-layer model over the K&K vocabulary. The large init std makes its
// next-token distributions far from uniform, so samples differ from one another; the
// end-of-text embedding (tied with the output layer) is scaled up so that its logit is large,
// of either sign, and some responses end before MaxNewTokens while others are truncated.
func microModel(t testing.TB, seed uint64) *lm.Model {
	t.Helper()
	tok := mustTokenizer(t)
	m, err := lm.New(lm.Config{Vocab: tok.VocabSize(), DModel: 16, Layers: 1, Heads: 2, KVHeads: 1, HeadDim: 8, FFN: 32,
		RoPEBase: 10000, MaxSeqLen: 256, NormEps: 1e-6, InitStd: 0.5, DType: dtypes.Float32}, seed)
	if err != nil {
		t.Fatal(err)
	}
	v := m.Store.GetVariable(m.Path + "/" + lm.ParamEmbed)
	embed := tensors.MustCopyFlatData[float32](v.MustValue())
	eot := int(tok.EndOfTextID())
	for j := range m.Config.DModel {
		embed[eot*m.Config.DModel+j] *= 6
	}
	if err := v.SetValue(tensors.FromFlatDataAndDimensions(embed, m.Config.Vocab, m.Config.DModel)); err != nil {
		t.Fatal(err)
	}
	return m
}

// microConfig is 2 prompts × 4 samples of at most 8 tokens per step, validating every 2 steps on
// 2 test prompts.
func microConfig(steps int) Config {
	c := DefaultConfig()
	c.GRPO.GroupSize, c.GRPO.WarmupSteps, c.GRPO.LearningRate = 4, 0, 1e-2
	c.PromptsPerStep, c.Steps, c.MaxNewTokens = 2, steps, 8
	c.ValEvery, c.ValLimit, c.ValBatchSize = 2, 2, 2
	c.LengthBucket, c.CheckpointEvery, c.Keep = 16, 0, 2
	return c
}

// lengthReward is a reward with spread: it depends on the response's length in bytes, so groups
// get non-zero advantages and every update has a real gradient (random micro models never solve a
// puzzle).
func lengthReward(string) (reward.Func, error) {
	return func(text, _ string) reward.Score {
		v := float64(len(text) % 3)
		return reward.Score{Value: v, Correct: v == 2}
	}, nil
}

func mustRun(t testing.TB, m *lm.Model, c Config, o Options) *Result {
	t.Helper()
	train, test := mustData(t)
	res, err := Run(backendtest.Must(t), m, mustTokenizer(t), train, test, c, o)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func readRollouts(t testing.TB, dir string, step int) []Rollout {
	t.Helper()
	rows, err := dataio.Read[Rollout](StepFile(dir, RolloutsDir, step))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// metricsWithoutTimes reads metrics.parquet, dropping the wall-clock columns (timing_s/*,
// perf/*), which differ from run to run.
func metricsWithoutTimes(t testing.TB, dir string) (steps []int64, cols map[string][]float64) {
	t.Helper()
	steps, cols, err := runlog.Read(filepath.Join(dir, "metrics.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	for name := range cols {
		if strings.HasPrefix(name, "timing_s/") || strings.HasPrefix(name, "perf/") {
			delete(cols, name)
		}
	}
	return steps, cols
}

// sameFloats compares columns treating NaN (not logged) as equal to NaN.
func sameFloats(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !(math.IsNaN(a[i]) && math.IsNaN(b[i])) {
			return false
		}
	}
	return true
}

func sameFile(t testing.TB, a, b string) bool {
	t.Helper()
	x, err := os.ReadFile(a)
	if err != nil {
		t.Fatal(err)
	}
	y, err := os.ReadFile(b)
	if err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

// readMetrics reads metrics.parquet of dir.
func readMetrics(dir string) ([]int64, map[string][]float64, error) {
	return runlog.Read(filepath.Join(dir, "metrics.parquet"))
}
