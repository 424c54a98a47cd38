package rl

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
)

// TestSameSeedSameRollouts: rollouts are a function of the seed (and the weights): two runs with
// one seed sample identical responses, another seed samples other ones. With ValEvery 0 nothing
// is validated.
func TestSameSeedSameRollouts(t *testing.T) {
	c := microConfig(1)
	c.ValEvery = 0
	dirs := []string{t.TempDir(), t.TempDir(), t.TempDir()}
	for i, dir := range dirs {
		c.Seed = 1234 + uint64(i/2) // runs 0 and 1 share a seed, run 2 has another
		mustRun(t, microModel(t, 1), c, Options{Dir: dir, rewardOf: lengthReward})
	}
	a, b, other := readRollouts(t, dirs[0], 1), readRollouts(t, dirs[1], 1), readRollouts(t, dirs[2], 1)
	if !reflect.DeepEqual(a, b) {
		t.Error("two runs with the same seed sampled different rollouts")
	}
	same := 0
	for i := range a {
		if a[i].Response == other[i].Response && a[i].Index == other[i].Index {
			same++
		}
		if a[i].Seed == other[i].Seed {
			t.Errorf("row %d: seed %d under both run seeds", i, a[i].Seed)
		}
	}
	if same == len(a) {
		t.Error("another seed sampled the very same rollouts")
	}
	if _, err := os.Stat(filepath.Join(dirs[0], EvalDir)); !os.IsNotExist(err) {
		t.Errorf("ValEvery 0 wrote validation files: %v", err)
	}
	if _, cols, err := readMetrics(dirs[0]); err != nil || cols["val/test_correctness/kk"] != nil {
		t.Errorf("ValEvery 0: metrics %v, %v", slices.Sorted(mapsKeys(cols)), err)
	}
}

// TestReference: with a KL coefficient the reference is the initial policy, so the KL to it is
// 0 at step 1 (the rollouts come from the initial weights) and positive once the policy moved.
func TestReference(t *testing.T) {
	dir := t.TempDir()
	c := microConfig(2)
	c.ValEvery, c.GRPO.KLCoef = 0, 0.1
	mustRun(t, microModel(t, 1), c, Options{Dir: dir, rewardOf: lengthReward})
	_, cols, err := readMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	kl, loss := cols["critic/kl"], cols["actor/kl_loss"]
	if len(kl) != 2 || len(loss) != 2 || cols["timing_s/ref"] == nil {
		t.Fatalf("critic/kl %v, actor/kl_loss %v, timing_s/ref %v", kl, loss, cols["timing_s/ref"])
	}
	if math.Abs(kl[0]) > 1e-5 || math.Abs(loss[0]) > 1e-5 {
		t.Errorf("step 1: critic/kl %g, actor/kl_loss %g; the policy is still the reference", kl[0], loss[0])
	}
	if !(math.Abs(kl[1]) > 1e-4) || !(loss[1] > 1e-6) {
		t.Errorf("step 2: critic/kl %g, actor/kl_loss %g; the policy has moved", kl[1], loss[1])
	}
}

// TestNonFiniteRewardStops: a NaN reward at step 2 stops the run with an error naming it; the
// checkpoint of step 1 stays the latest, nothing of step 2 is written and no final model is saved.
func TestNonFiniteRewardStops(t *testing.T) {
	dir := t.TempDir()
	c := microConfig(3)
	c.ValEvery, c.CheckpointEvery = 0, 1
	calls := 0
	nanAfterStep1 := func(string) (reward.Func, error) {
		return func(string, string) reward.Score {
			calls++
			if calls > c.PromptsPerStep*c.GRPO.GroupSize {
				return reward.Score{Value: math.NaN()}
			}
			return reward.Score{Value: float64(calls % 2)}
		}, nil
	}
	train, test := mustData(t)
	_, err := Run(backendtest.Must(t), microModel(t, 1), mustTokenizer(t), train, test, c, Options{Dir: dir, rewardOf: nanAfterStep1})
	if err == nil || !strings.Contains(err.Error(), "step 2") || !strings.Contains(err.Error(), "NaN") ||
		!strings.Contains(err.Error(), "last good checkpoint") {
		t.Fatalf("error %v", err)
	}
	if _, at, ok, err := checkpoint.Latest(filepath.Join(dir, "checkpoints")); !ok || at != 1 || err != nil {
		t.Errorf("latest checkpoint: step %d, %v, %v", at, ok, err)
	}
	if _, err := os.Stat(StepFile(dir, RolloutsDir, 2)); !os.IsNotExist(err) {
		t.Errorf("rollouts of the failed step: %v", err)
	}
	if steps, _, err := readMetrics(dir); err != nil || !slices.Equal(steps, []int64{1}) {
		t.Errorf("metrics steps %v, %v", steps, err)
	}
	if _, err := os.Stat(filepath.Join(dir, "model")); !os.IsNotExist(err) {
		t.Errorf("final model saved after a failure: %v", err)
	}
}

// TestBadInput: bad rows and options are reported before anything is written, naming the row set,
// the row and the value.
func TestBadInput(t *testing.T) {
	train, test := mustData(t)
	with := func(rows []dataio.RLRow, i int, f func(*dataio.RLRow)) []dataio.RLRow {
		rows = slices.Clone(rows)
		rows[i].Prompt = slices.Clone(rows[i].Prompt) // the cached data must stay intact
		f(&rows[i])
		return rows
	}
	c := microConfig(1)
	cases := []struct {
		name        string
		train, test []dataio.RLRow
		config      func(*Config)
		want        []string
	}{
		{"unknown train data_source", with(train, 1, func(r *dataio.RLRow) { r.DataSource = "foo" }), test, nil,
			[]string{"rl/train.parquet row 1", `data_source "foo"`, "want kk or arith"}},
		{"unknown test data_source", train, with(test, 0, func(r *dataio.RLRow) { r.DataSource = "bar" }), nil,
			[]string{"rl/test.parquet row 0", `"bar"`}},
		{"repeated group key", with(train, 3, func(r *dataio.RLRow) { r.ExtraInfo.Index = train[0].ExtraInfo.Index }), test, nil,
			[]string{"rl/train.parquet row 3", "extra_info.index repeats row 0"}},
		{"unknown word", with(train, 2, func(r *dataio.RLRow) { r.Prompt[0].Content += " Zorglub" }), test, nil,
			[]string{"rl/train.parquet row 2", "Zorglub"}},
		{"too few prompts", train[:1], test, nil, []string{"1 prompts, fewer than PromptsPerStep 2"}},
		{"too long", train, test, func(c *Config) { c.MaxNewTokens = 200 }, []string{"row 0", "exceeds the model's MaxSeqLen 256"}},
		{"temperature", train, test, func(c *Config) { c.Temperature = 1 }, []string{"equal GRPO.Temperature"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cc := c
			if tc.config != nil {
				tc.config(&cc)
			}
			dir := filepath.Join(t.TempDir(), "run")
			_, err := Run(backendtest.Must(t), microModel(t, 1), mustTokenizer(t), tc.train, tc.test, cc,
				Options{Dir: dir, TrainName: "rl/train.parquet", TestName: "rl/test.parquet"})
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if _, err := os.Stat(dir); !os.IsNotExist(err) {
				t.Errorf("the run directory was created: %v", err)
			}
		})
	}
	if _, err := Run(backendtest.Must(t), microModel(t, 1), mustTokenizer(t), train, test, c, Options{}); err == nil ||
		!strings.Contains(err.Error(), "Dir is required") {
		t.Errorf("no Dir: %v", err)
	}
}

func mapsKeys(m map[string][]float64) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestRandomReward: with Config.RandomReward the rollouts' rewards are seeded coins, not the
// rule's, while their correctness stays the rule's verdict; the coins come up 1 at the asked rate
// and follow the run seed.
func TestRandomReward(t *testing.T) {
	dir := t.TempDir()
	c := microConfig(2)
	c.ValEvery, c.PromptsPerStep, c.RandomReward = 0, 4, 0.5
	mustRun(t, microModel(t, 1), c, Options{Dir: dir, rewardOf: lengthReward})
	ones, differ := 0, 0
	var rows []Rollout
	for step := 1; step <= 2; step++ {
		rows = append(rows, readRollouts(t, dir, step)...)
	}
	for i, r := range rows {
		if r.Reward != 0 && r.Reward != 1 {
			t.Fatalf("row %d: reward %v, want a coin (0 or 1)", i, r.Reward)
		}
		rule := float64(len(r.Prompt+r.Response) % 3) // lengthReward
		if r.Correct != (rule == 2) {
			t.Errorf("row %d: correctness %v, but the rule's value is %v", i, r.Correct, rule)
		}
		ones += int(r.Reward)
		if r.Reward != rule {
			differ++
		}
	}
	if ones == 0 || ones == len(rows) || differ == 0 {
		t.Errorf("%d of %d rewards are 1 and %d differ from the rule's: want coins", ones, len(rows), differ)
	}
	steps, cols, err := readMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := cols["critic/score/mean"][len(steps)-1], mean(rows[len(rows)/2:]); math.Abs(got-want) > 1e-12 {
		t.Errorf("critic/score/mean at step 2 = %v, want the coins' mean %v", got, want)
	}

	// The coins alone: the asked rate, and other coins under another run seed.
	c.RandomReward = 0.3
	other := c
	other.Seed++
	n, heads, same := 20000, 0.0, 0
	for k := range n {
		s, i, j := 1+k%7, int64(k/7), k%8
		a := randomReward(c, s, i, j)
		heads += a
		if a == randomReward(other, s, i, j) {
			same++
		}
		if a != randomReward(c, s, i, j) {
			t.Fatalf("coin (%d, %d, %d) is not a function of its seed", s, i, j)
		}
	}
	if rate := heads / float64(n); math.Abs(rate-0.3) > 0.015 {
		t.Errorf("share of 1s %v, want 0.3", rate)
	}
	if want := 0.3*0.3 + 0.7*0.7; math.Abs(float64(same)/float64(n)-want) > 0.02 {
		t.Errorf("%d of %d coins agree across run seeds, want about %v (independent)", same, n, want)
	}
}

func mean(rows []Rollout) float64 {
	s := 0.0
	for _, r := range rows {
		s += r.Reward
	}
	return s / float64(len(rows))
}
