package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/compute"
	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
	"github.com/r1lab/r1lab/gomlxmodels/trainer"
)

// trainerFlags registers the trainer's hyper-parameters on fs, with c's
// values as defaults, and returns a function that reads them back.
func trainerFlags(fs *flag.FlagSet, c trainer.Config) func() trainer.Config {
	lr := fs.Float64("lr", c.LearningRate, "peak learning rate")
	wd := fs.Float64("weight-decay", c.WeightDecay, "AdamW weight decay")
	b1 := fs.Float64("beta1", c.Beta1, "AdamW β1")
	b2 := fs.Float64("beta2", c.Beta2, "AdamW β2")
	sched := fs.String("schedule", c.Schedule, "learning-rate schedule after warmup: cosine or constant")
	warm := fs.Int("warmup", c.WarmupSteps, "linear warmup steps")
	clip := fs.Float64("clip", c.ClipGradNorm, "global grad-norm clip (0: off)")
	epochs := fs.Int("epochs", c.Epochs, "epochs over the training set")
	maxSteps := fs.Int("max-steps", c.MaxSteps, "stop after this many steps (0: all epochs)")
	batch := fs.Int("batch", c.BatchSize, "sequences per optimizer step")
	seed := fs.Uint64("seed", c.Seed, "seed of the per-epoch data shuffles")
	ckpt := fs.Int("checkpoint-every", c.CheckpointEverySteps, "checkpoint every N steps (and at the end)")
	evalEvery := fs.Int("val-every", c.EvalEverySteps, "validation loss every N steps (0: at each epoch end)")
	group := fs.Bool("group-by-length", c.GroupByLength, "batch sequences of similar length together (less padding; the paper does not)")
	return func() trainer.Config {
		c.LearningRate, c.WeightDecay, c.Beta1, c.Beta2 = *lr, *wd, *b1, *b2
		c.Schedule, c.WarmupSteps, c.ClipGradNorm = *sched, *warm, *clip
		c.Epochs, c.MaxSteps, c.BatchSize, c.Seed = *epochs, *maxSteps, *batch, *seed
		c.CheckpointEverySteps, c.EvalEverySteps, c.GroupByLength = *ckpt, *evalEvery, *group
		return c
	}
}

// openBackend starts the compute backend and says which one runs.
func openBackend(stderr io.Writer) (compute.Backend, error) {
	b, err := backend.New()
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "backend: %s\n", backend.Describe(b))
	printBuild(stderr, b)
	return b, nil
}

// printBuild says how this binary was built and on what CPU it runs, with advice when the
// build is the slower one there (backend.SIMDAdvice); the build matters only for the Go backend.
func printBuild(w io.Writer, b compute.Backend) {
	fmt.Fprintf(w, "build: %s\n", backend.DescribeBuild())
	if b.String() != "go" { // the Go backend's short name (its Name() is "Go Backend")
		return
	}
	if advice := backend.SIMDAdvice(); advice != "" {
		fmt.Fprintf(w, "note: %s\n", advice)
	}
}

// writeRunConfig writes a run's config.json with the environment it runs in (backend
// configuration, build, Go, CPU). When a run is resumed in another backend configuration or
// build it says so on stderr, since the continuation cannot be the bytes an uninterrupted run
// would have written, and keeps the environment the run started in as "environment_started".
func writeRunConfig(dir string, resume bool, config map[string]any, stderr io.Writer) error {
	path := filepath.Join(dir, "config.json")
	env := backend.HostEnvironment()
	config["environment"] = env
	if resume {
		var old struct {
			Env     *backend.Environment `json:"environment"`
			Started *backend.Environment `json:"environment_started"`
		}
		if js, err := os.ReadFile(path); err == nil && json.Unmarshal(js, &old) == nil && old.Env != nil {
			changed := old.Env.SameResults(env) != ""
			if changed {
				fmt.Fprintf(stderr, "warning: %s was run with %s; resuming with %s: the steps from here on will "+
					"differ by float rounding from an uninterrupted run's\n", dir, old.Env.Brief(), env.Brief())
			}
			switch {
			case old.Started != nil:
				config["environment_started"] = old.Started
			case changed:
				config["environment_started"] = old.Env
			}
		}
	}
	return writeJSON(path, config)
}

// prepareRunDir creates dir, or checks that a run there may continue: a
// directory holding checkpoints is resumed only with resume set, so a typo
// in --out never silently continues (or clobbers) another run.
func prepareRunDir(dir string, resume bool) error {
	_, _, found, err := checkpoint.Latest(filepath.Join(dir, "checkpoints"))
	if err != nil {
		return err
	}
	if found && !resume {
		return usageError{fmt.Errorf("%s holds checkpoints of a run: pass --resume to continue it, or choose another --out", dir)}
	}
	if !found && resume {
		return usageError{fmt.Errorf("--resume: no checkpoint in %s", filepath.Join(dir, "checkpoints"))}
	}
	return os.MkdirAll(dir, 0o755)
}

// writeJSON writes v as indented JSON, atomically.
func writeJSON(path string, v any) error {
	js, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return dataio.WriteBytesAtomic(path, append(js, '\n'))
}

// evalFlags registers the evaluation options.
func evalFlags(fs *flag.FlagSet) func() evaluate.Config {
	c := evaluate.DefaultConfig()
	maxNew := fs.Int("max-new", c.MaxNewTokens, "maximum response tokens in evaluation")
	batch := fs.Int("eval-batch", c.BatchSize, "prompts decoded together in evaluation")
	return func() evaluate.Config {
		c.MaxNewTokens, c.BatchSize = *maxNew, *batch
		return c
	}
}

// runEval evaluates m greedily on the RL/test Parquet file (first limit
// rows, 0: all), writes every response to out, and prints the table.
func runEval(b compute.Backend, m *lm.Model, tok *tokenizer.Tokenizer, testFile, out string, limit int,
	c evaluate.Config, stdout, stderr io.Writer) (evaluate.Summary, error) {
	rows, err := dataio.ReadRL(testFile)
	if err != nil {
		return evaluate.Summary{}, err
	}
	if len(rows) == 0 {
		return evaluate.Summary{}, fmt.Errorf("%s: no rows", testFile)
	}
	if limit > 0 && limit < len(rows) {
		rows = evenlyAcrossLevels(rows, limit)
	}
	scored, sum, err := evaluate.Run(b, m, tok, evaluate.FromRL(rows), c, stderr)
	if err != nil {
		return sum, err
	}
	if out != "" {
		if err := dataio.Write(out, scored); err != nil {
			return sum, err
		}
	}
	how := "greedy evaluation"
	if c.Temperature > 0 {
		how = fmt.Sprintf("evaluation at temperature %g, %d sample(s) per prompt, seed %d,", c.Temperature, max(c.Samples, 1), c.Seed)
	}
	fmt.Fprintf(stdout, "%s on %s (%d prompts, %.0f new tok/s):\n", how, testFile, sum.Prompts,
		float64(sum.NewTokens)/sum.Wall.Seconds())
	sum.Print(stdout)
	if err := printParts(stdout, scored); err != nil {
		return sum, err
	}
	return sum, nil
}

// printParts prints how K&K answers split into naming the puzzle's people
// and getting their roles right (experiment.Parts); nothing for other tasks.
func printParts(w io.Writer, scored []evaluate.Row) error {
	answers := make([]experiment.Answer, len(scored))
	for i, r := range scored {
		if r.DataSource != "kk" {
			return nil
		}
		answers[i] = experiment.Answer{Index: r.Index, Level: r.Level, DataSource: r.DataSource, Response: r.Response,
			GroundTruth: r.GroundTruth, Correct: r.Correct, Ended: r.Ended}
	}
	parts, err := experiment.SummarizeParts(answers)
	if err != nil {
		return err
	}
	pc := func(v float64) string { // a percentage, "–" when undefined
		if math.IsNaN(v) {
			return "–"
		}
		return pct(v) + "%"
	}
	all := parts[0]
	fmt.Fprintf(w, "answers naming the puzzle's people: %s (%d of %d); roles right in them: %s (guessing: 50%%); right when named: %s (by guessing roles: %s)\n",
		pc(all.NamedRate()), all.Named, all.N, pc(all.RoleAccuracy()), pc(all.CorrectGivenNamed()), pc(all.ChanceGivenNamed()))
	if all.Named > 0 {
		fmt.Fprintf(w, "  knights among the roles they give: %s (the truth's for the same people: %s)\n", pc(all.KnightShare()), pc(all.TrueKnightShare()))
	}
	if all.Named > 0 {
		roles, beyond, err := experiment.PartsCI(answers, 10000, 1234)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  95%% bootstrap over prompts: roles right [%.1f, %.1f]%%; right when named minus guessing %+.1f [%+.1f, %+.1f] points\n",
			100*roles.Lo, 100*roles.Hi, 100*beyond.Estimate, 100*beyond.Lo, 100*beyond.Hi)
	}
	for _, p := range parts[1:] {
		fmt.Fprintf(w, "  level %d: named %s, roles right %s, right when named %s (guessing %s)\n",
			p.Level, pc(p.NamedRate()), pc(p.RoleAccuracy()), pc(p.CorrectGivenNamed()), pc(p.ChanceGivenNamed()))
	}
	return nil
}

// evalFileName names the eval file of a test file after the last three
// elements of its path (data/kk/rl/test.parquet → kk_rl_test.parquet), so
// evaluations of one model on different test sets do not overwrite each other.
func evalFileName(testFile string) string {
	parts := strings.Split(filepath.ToSlash(filepath.Clean(testFile)), "/")
	if len(parts) > 3 {
		parts = parts[len(parts)-3:]
	}
	for len(parts) > 1 && (parts[0] == "." || parts[0] == "..") {
		parts = parts[1:]
	}
	return strings.Join(parts, "_")
}

// evenlyAcrossLevels keeps n rows spread evenly over the levels (the first
// rows of each level), so a quick evaluation still reports every level.
func evenlyAcrossLevels(rows []dataio.RLRow, n int) []dataio.RLRow {
	byLevel := map[int64][]dataio.RLRow{}
	var levels []int64
	for _, r := range rows {
		if _, ok := byLevel[r.ExtraInfo.Level]; !ok {
			levels = append(levels, r.ExtraInfo.Level)
		}
		byLevel[r.ExtraInfo.Level] = append(byLevel[r.ExtraInfo.Level], r)
	}
	var out []dataio.RLRow
	for k := 0; len(out) < n; k++ {
		added := false
		for _, l := range levels {
			if k < len(byLevel[l]) && len(out) < n {
				out = append(out, byLevel[l][k])
				added = true
			}
		}
		if !added {
			break
		}
	}
	return out
}

const evalSummary = `Evaluate a model on a test file (verl RL layout, e.g. data/kk/rl/test.parquet):
accuracy per level, clip ratio and mean length under the paper's reward; every
response is written to --out. Greedy by default, as the paper's validation; with
--temperature and --samples N, N responses per prompt: mean@N accuracy and pass@N.`

func runEvalCmd(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("eval", evalSummary, stderr)
	modelDir := fs.String("model", "", "model directory (written by pretrain or sft), required")
	data := fs.String("data", "data/kk/rl/test.parquet", "test file")
	out := fs.String("out", "", "eval Parquet file to write (default <model>/../eval/<name from the test path>, e.g. kk_rl_test.parquet)")
	limit := fs.Int("limit", 0, "evaluate only this many prompts, spread over levels (0: all)")
	evalCfg := evalFlags(fs)
	temp := fs.Float64("temperature", 0, "sampling temperature (0: greedy)")
	samples := fs.Int("samples", 1, "responses per prompt (above 1 needs --temperature > 0): accuracy is then mean@N, plus pass@N")
	seed := fs.Uint64("seed", 1234, "seed of the sampled responses (response j of the prompt with index i: sample.SeedFor(seed, 0, i, j))")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *modelDir == "" {
		return usageError{errors.New("--model is required")}
	}
	c := evalCfg()
	c.Temperature, c.Samples, c.Seed = *temp, *samples, *seed
	if err := c.Validate(); err != nil {
		return usageError{err}
	}
	if *out == "" {
		*out = filepath.Join(filepath.Dir(filepath.Clean(*modelDir)), "eval", evalFileName(*data))
	}
	b, err := openBackend(stderr)
	if err != nil {
		return err
	}
	m, tok, err := modeldir.Load(*modelDir)
	if err != nil {
		return err
	}
	_, err = runEval(b, m, tok, *data, *out, *limit, c, stdout, stderr)
	if err == nil {
		fmt.Fprintf(stdout, "responses: %s\n", *out)
	}
	return err
}
