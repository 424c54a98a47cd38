package trainer

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/r1lab/r1lab/gomlxmodels/backend/backendtest"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
)

func tinyConfig() lm.Config {
	return lm.Config{Vocab: 16, DModel: 16, Layers: 1, Heads: 2, KVHeads: 1, HeadDim: 8, FFN: 32,
		RoPEBase: 10000, MaxSeqLen: 64, NormEps: 1e-6, InitStd: 0.1, DType: dtypes.Float32}
}

// copyTask makes SFT-like examples: a random "prompt" of digits 2..9, a
// separator 1, then the prompt repeated as the "response" (loss only there).
// A model can learn it, so the loss must fall far below log(vocab).
func copyTask(n int, seed uint64) []Example {
	rng := rand.New(rand.NewPCG(seed, 3))
	out := make([]Example, n)
	for i := range out {
		k := 3 + rng.IntN(4)
		p := make([]int32, k)
		for j := range p {
			p[j] = int32(2 + rng.IntN(8))
		}
		toks := append(append(append([]int32{}, p...), 1), p...)
		out[i] = Example{Tokens: toks, LossFrom: k + 1}
	}
	return out
}

func newModel(t *testing.T, seed uint64) *lm.Model {
	t.Helper()
	m, err := lm.New(tinyConfig(), seed)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func testTrainConfig() Config {
	c := DefaultConfig()
	c.LearningRate, c.BatchSize, c.Epochs, c.LengthBucket = 1e-2, 8, 3, 8
	c.CheckpointEverySteps = 4
	return c
}

func TestTrainLearnsAndLogs(t *testing.T) {
	dir := t.TempDir()
	m := newModel(t, 1)
	res, err := Train(backendtest.Must(t), m, copyTask(96, 1), copyTask(16, 2), testTrainConfig(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Done || res.Steps != 36 {
		t.Errorf("steps %d done %v, want 36 (96/8 × 3 epochs) and done", res.Steps, res.Done)
	}
	if len(res.ValLoss) != 3 {
		t.Fatalf("validation losses %v, want one per epoch", res.ValLoss)
	}
	// Uniform guessing over 16 tokens costs log 16 ≈ 2.77 nats; the copy task is learnable.
	if res.ValLoss[0] >= math.Log(16) || res.ValLoss[2] >= res.ValLoss[0] {
		t.Errorf("validation loss %v: want below log(16)=2.77 and falling", res.ValLoss)
	}
	steps, cols, err := runlog.Read(filepath.Join(dir, "metrics.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 36 || steps[0] != 1 || steps[35] != 36 {
		t.Errorf("metrics steps %v, want 1..36", steps)
	}
	lr := cols["train/lr"]
	if lr[0] != 1e-2 || !(lr[35] < lr[17] && lr[17] < lr[0]) {
		t.Errorf("learning rates not a cosine decay from 1e-2: first %g mid %g last %g", lr[0], lr[17], lr[35])
	}
	if vl := cols["val/loss"]; math.IsNaN(vl[11]) || !math.IsNaN(vl[10]) {
		t.Errorf("val/loss should be present at epoch ends only (step 12 = %v, step 11 = %v)", vl[11], vl[10])
	}
	if cps, _ := checkpoint.List(filepath.Join(dir, "checkpoints")); len(cps) != 2 || cps[len(cps)-1].Step != 36 {
		t.Errorf("checkpoints %v, want the newest 2 ending at step 36", cps)
	}
}

// weights returns every variable of the model as flat float32 data.
func weights(t *testing.T, m *lm.Model) map[string][]float32 {
	out := map[string][]float32{}
	for v := range m.Store.IterVariables() {
		if !strings.HasPrefix(v.Path(), m.Path) {
			continue
		}
		val, err := v.Value()
		if err != nil {
			t.Fatal(err)
		}
		out[v.Path()] = tensors.MustCopyFlatData[float32](val)
	}
	return out
}

// An interrupted run resumed from its checkpoint ends with the same weights
// and the same metrics as an uninterrupted one: no missing or repeated step,
// with batches drawn from a plain shuffle or grouped by length.
func TestResumeIsExact(t *testing.T) {
	for _, grouped := range []bool{false, true} {
		t.Run(map[bool]string{false: "shuffled", true: "grouped by length"}[grouped], func(t *testing.T) {
			testResumeIsExact(t, grouped)
		})
	}
}

func testResumeIsExact(t *testing.T, grouped bool) {
	b := backendtest.Must(t)
	train, val := copyTask(64, 5), copyTask(8, 6)
	c := testTrainConfig()
	c.Epochs = 2 // 16 steps
	c.GroupByLength = grouped

	straight := newModel(t, 3)
	dirA := t.TempDir()
	if _, err := Train(b, straight, train, val, c, Options{Dir: dirA}); err != nil {
		t.Fatal(err)
	}

	dirB := t.TempDir()
	first := newModel(t, 3)
	res, err := Train(b, first, train, val, c, Options{Dir: dirB, StopAfterSteps: 7})
	if err != nil || res.Done || res.Steps != 7 {
		t.Fatalf("interrupted run: steps %d done %v err %v", res.Steps, res.Done, err)
	}
	// A fresh process: another initialisation, everything comes from the checkpoint.
	resumed := newModel(t, 99)
	res, err = Train(b, resumed, train, val, c, Options{Dir: dirB})
	if err != nil || !res.Done || res.ResumedFrom != 7 {
		t.Fatalf("resumed run: %+v, %v", res, err)
	}
	want, got := weights(t, straight), weights(t, resumed)
	for path, w := range want {
		g := got[path]
		for i := range w {
			if w[i] != g[i] {
				t.Fatalf("%s[%d]: resumed %v, straight %v", path, i, g[i], w[i])
			}
		}
	}
	stepsA, colsA, _ := runlog.Read(filepath.Join(dirA, "metrics.parquet"))
	stepsB, colsB, err := runlog.Read(filepath.Join(dirB, "metrics.parquet"))
	if err != nil || len(stepsB) != len(stepsA) {
		t.Fatalf("metrics rows: straight %d, resumed %d (%v)", len(stepsA), len(stepsB), err)
	}
	for i := range stepsA {
		if stepsA[i] != stepsB[i] || colsA["train/loss"][i] != colsB["train/loss"][i] {
			t.Fatalf("metrics row %d: step %d loss %v vs step %d loss %v", i, stepsA[i], colsA["train/loss"][i], stepsB[i], colsB["train/loss"][i])
		}
	}
	// Resuming with another configuration is refused.
	c.LearningRate *= 2
	if _, err := Train(b, newModel(t, 1), train, val, c, Options{Dir: dirB}); err == nil || !strings.Contains(err.Error(), "another config") {
		t.Errorf("resume with another config: %v", err)
	}
}

func TestNaNStopsAndKeepsLastGoodCheckpoint(t *testing.T) {
	dir := t.TempDir()
	c := testTrainConfig()
	c.LearningRate, c.ClipGradNorm, c.CheckpointEverySteps, c.Schedule = 1e30, 0, 1, "constant"
	_, err := Train(backendtest.Must(t), newModel(t, 1), copyTask(64, 1), nil, c, Options{Dir: dir})
	if err == nil || !strings.Contains(err.Error(), "stopping") {
		t.Fatalf("want a NaN/Inf stop, got %v", err)
	}
	_, step, ok, err := checkpoint.Latest(filepath.Join(dir, "checkpoints"))
	if err != nil || !ok || step < 1 {
		t.Errorf("last good checkpoint: step %d ok %v err %v", step, ok, err)
	}
}

func TestBadInput(t *testing.T) {
	m := newModel(t, 1)
	c := testTrainConfig()
	for _, tc := range []struct {
		name  string
		train []Example
		want  string
	}{
		{"too long", []Example{{Tokens: make([]int32, 65), LossFrom: 1}}, "maximum length 64"},
		{"bad id", []Example{{Tokens: []int32{1, 2, 99}, LossFrom: 1}}, "token 99 at position 2"},
		{"no loss", []Example{{Tokens: []int32{1, 2}, LossFrom: 2}}, "nothing to train on"},
		{"no batch", copyTask(3, 1), "make no batch"},
	} {
		_, err := Train(backendtest.Must(t), m, tc.train, nil, c, Options{Dir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	c.Loss = "median"
	if _, err := Train(backendtest.Must(t), m, copyTask(16, 1), nil, c, Options{Dir: t.TempDir()}); err == nil {
		t.Error("unknown loss accepted")
	}
}

func TestLearningRateSchedule(t *testing.T) {
	c := DefaultConfig()
	c.LearningRate, c.WarmupSteps = 1, 2
	// transformers' get_cosine_schedule_with_warmup with 2 warmup steps of 10.
	want := []float64{0, 0.5, 1, 0.5 * (1 + math.Cos(math.Pi/8))}
	for i, w := range want {
		if got := c.LearningRateAt(i+1, 10); math.Abs(got-w) > 1e-12 {
			t.Errorf("step %d: lr %g, want %g", i+1, got, w)
		}
	}
	c.Schedule = "constant"
	if got := c.LearningRateAt(9, 10); got != 1 {
		t.Errorf("constant schedule at step 9: %g", got)
	}
}

// TestGroupByLength: grouping permutes the epoch's shuffle without losing or
// repeating a sequence, keeps the dropped tail, cuts each chunk into batches of
// neighbouring lengths (so no batch is padded more than sorting allows), and
// still shuffles the order of the batches, differently per epoch.
func TestGroupByLength(t *testing.T) {
	const batch = 4
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{GroupChunk*batch/2 + 3, GroupChunk*batch + 2*batch + 1} { // one chunk / two chunks, plus a tail
		train := make([]Example, n)
		for i := range train {
			train[i] = Example{Tokens: make([]int32, 2+rng.IntN(500))}
		}
		for epoch := range 2 {
			order := epochOrder(n, 1234, epoch)
			got := groupByLength(order, train, batch, 1234, epoch)
			if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(order))) {
				t.Fatalf("n %d: grouped order is not a permutation of the shuffle", n)
			}
			full := n / batch * batch
			if !slices.Equal(got[full:], order[full:]) {
				t.Errorf("n %d: the dropped tail changed: %v vs %v", n, got[full:], order[full:])
			}
			if again := groupByLength(order, train, batch, 1234, epoch); !slices.Equal(again, got) {
				t.Errorf("n %d: not deterministic", n)
			}
			padded := func(o []int) (sum int, maxima []int) {
				for k := 0; k < full; k += batch {
					m := 0
					for _, i := range o[k : k+batch] {
						m = max(m, len(train[i].Tokens))
					}
					sum += batch * m
					maxima = append(maxima, m)
				}
				return sum, maxima
			}
			plain, _ := padded(order)
			grouped, maxima := padded(got)
			// The least padding batches cut from each chunk can have: sort the
			// chunk's lengths and cut consecutive runs.
			least := 0
			for lo := 0; lo < full; lo += GroupChunk * batch {
				var ls []int
				for _, i := range order[lo:min(lo+GroupChunk*batch, full)] {
					ls = append(ls, len(train[i].Tokens))
				}
				slices.Sort(ls)
				for k := batch - 1; k < len(ls); k += batch {
					least += batch * ls[k]
				}
			}
			if grouped != least || grouped >= plain*3/4 {
				t.Errorf("n %d: %d padded tokens grouped, %d at best, %d shuffled", n, grouped, least, plain)
			}
			if slices.IsSorted(maxima) {
				t.Errorf("n %d epoch %d: batches run in length order %v; want them shuffled", n, epoch, maxima)
			}
		}
		if a, b := groupByLength(epochOrder(n, 1234, 0), train, batch, 1234, 0), groupByLength(epochOrder(n, 1234, 1), train, batch, 1234, 1); slices.Equal(a, b) {
			t.Errorf("n %d: epochs 0 and 1 have the same batches", n)
		}
	}
}

// TestValidationOrder: Train validates on the set sorted by length, which
// must give the loss of the set in its own order (to float rounding) under
// both reductions, while padding less.
func TestValidationOrder(t *testing.T) {
	val := copyTask(21, 5)
	for i := range val { // lengths 5..42: batches in file order pad a lot
		extra := make([]int32, (i*7)%29)
		for j := range extra {
			extra[j] = int32(2 + j%8)
		}
		val[i].Tokens = append(val[i].Tokens, extra...)
	}
	sorted := byLength(val)
	if !slices.IsSortedFunc(sorted, func(a, b Example) int { return len(a.Tokens) - len(b.Tokens) }) || len(sorted) != len(val) {
		t.Fatalf("byLength did not sort: %d examples", len(sorted))
	}
	if &sorted[0] == &val[0] {
		t.Fatal("byLength sorted the caller's slice in place")
	}
	b := backendtest.Must(t)
	m := newModel(t, 3)
	eval, err := newEvalExec(b, m)
	if err != nil {
		t.Fatal(err)
	}
	defer eval.Finalize()
	c := testTrainConfig()
	for _, loss := range []Loss{SequenceMean, TokenMean} {
		c.Loss = loss
		want, err := validate(eval, val, c, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, err := validate(eval, sorted, c, 0)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-6*want {
			t.Errorf("%v: sorted validation loss %v, file order %v", loss, got, want)
		}
	}
	padded := func(ex []Example) (n int) {
		for i := 0; i < len(ex); i += c.BatchSize {
			bt := makeBatch(ex[i:min(i+c.BatchSize, len(ex))], c.LengthBucket, 0)
			n += len(bt.tokens) * len(bt.tokens[0])
		}
		return n
	}
	if p, q := padded(sorted), padded(val); p >= q {
		t.Errorf("sorted validation pads %d tokens, file order %d", p, q)
	}
}
