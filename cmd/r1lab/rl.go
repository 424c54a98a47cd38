package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/grpo"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
)

const rlSummary = `GRPO on a task's RL prompts (<data>/rl/train.parquet), the paper's recipe:
per step, --prompts-per-step prompts × --group responses sampled at temperature
0.7, the rule reward (data_source kk or arith), group z-scored advantages, one
AdamW step on the token-mean policy-gradient loss; greedy validation on
<data>/rl/test.parquet every --val-every steps and before training (or
--val-samples responses per prompt: mean@n and pass@n). Writes
config.json, metrics.parquet (verl's metric names), rollouts/step_NNNNN.parquet
(the replay buffer), eval/step_NNNNN.parquet, checkpoints/ (--resume continues
exactly) and the final policy in <out>/model.`

func runRL(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rl", rlSummary, stderr)
	modelPath := fs.String("model", "runs/sft/model", "model directory to start from (the policy and the KL reference)")
	data := fs.String("data", "data/kk", "data directory with rl/train.parquet and rl/test.parquet")
	out := fs.String("out", "runs/rl", "run directory")
	resume := fs.Bool("resume", false, "continue the run in --out from its latest checkpoint")
	getConfig := rlFlags(fs, rl.DefaultConfig())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	c := getConfig()
	if err := c.Validate(); err != nil {
		return usageError{err}
	}
	if err := prepareRunDir(*out, *resume); err != nil {
		return err
	}
	m, tok, err := modeldir.Load(*modelPath)
	if err != nil {
		return err
	}
	trainFile, testFile := filepath.Join(*data, "rl", "train.parquet"), filepath.Join(*data, "rl", "test.parquet")
	train, err := dataio.ReadRL(trainFile)
	if err != nil {
		return err
	}
	test, err := dataio.ReadRL(testFile)
	if err != nil {
		return err
	}
	if len(train) == 0 {
		return errors.New(trainFile + ": no rows")
	}
	if err := writeRunConfig(*out, *resume, map[string]any{
		"command": "rl", "model": *modelPath, "model_config": m.Config, "data": *data,
		"train_file": trainFile, "test_file": testFile, "train_rows": len(train), "test_rows": len(test), "rl": c,
	}, stderr); err != nil {
		return err
	}
	b, err := openBackend(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "rl: %d train prompts, %d test prompts from %s; %d parameters; %d × %d responses per step\n",
		len(train), len(test), *data, m.NumParams(), c.PromptsPerStep, c.GRPO.GroupSize)
	res, err := rl.Run(b, m, tok, train, test, c, rl.Options{Dir: *out, Progress: stderr, TrainName: trainFile, TestName: testFile})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "RL: %d/%d steps in %s (%.0f rollout tok/s)", res.Steps, c.Steps, res.Wall.Round(1e9), res.RolloutTokensPerSec)
	if res.Steps > res.ResumedFrom {
		fmt.Fprintf(stdout, "; last train score %.3f", res.Score)
	}
	if n := len(res.Val); n > 0 {
		what := "greedy validation accuracy"
		if c.ValSamples > 1 {
			what = fmt.Sprintf("validation mean@%d", c.ValSamples)
		}
		fmt.Fprintf(stdout, "; %s %.3f at step %d", what, res.Val[n-1].Accuracy, res.Val[n-1].Step)
	}
	fmt.Fprintln(stdout)
	if res.Done {
		fmt.Fprintf(stdout, "policy: %s\n", filepath.Join(*out, "model"))
	} else {
		fmt.Fprintf(stdout, "stopped at step %d: continue with --resume\n", res.Steps)
	}
	return nil
}

// rlFlags registers the RL options on fs, with c's values as defaults, and returns a function
// that reads them back. The rollout temperature sets both the sampler's and the loss's.
func rlFlags(fs *flag.FlagSet, c rl.Config) func() rl.Config {
	g := c.GRPO
	steps := fs.Int("steps", c.Steps, "RL steps (paper: ~125 for K&K)")
	prompts := fs.Int("prompts-per-step", c.PromptsPerStep, "prompts per step (paper: 128)")
	group := fs.Int("group", g.GroupSize, "responses sampled per prompt")
	maxNew := fs.Int("max-new", c.MaxNewTokens, "maximum response tokens, rollouts and validation (paper: 4096)")
	temp := fs.Float64("temperature", c.Temperature, "rollout temperature (the loss uses the same)")
	lr := fs.Float64("lr", g.LearningRate, "AdamW learning rate after warmup (paper, 1.5B model: 5e-6)")
	warmup := fs.Int("warmup", g.WarmupSteps, "linear warmup steps, then constant")
	kl := fs.Float64("kl-coef", g.KLCoef, "weight of the KL-to-reference loss (paper: 0)")
	logKL := fs.Bool("log-ref-kl", c.LogRefKL, "log critic/kl to the initial policy even with --kl-coef 0 (one more forward pass per step)")
	entropy := fs.Float64("entropy-coef", g.EntropyCoef, "weight of the entropy bonus (paper: 0)")
	agg := fs.String("loss-agg", g.LossAgg, "loss aggregation: token-mean (paper), grpo, dr_grpo or dapo")
	scale := fs.String("scale-rewards", g.ScaleRewards, "advantage scaling: group (paper), batch or none")
	epochs := fs.Int("ppo-epochs", g.PPOEpochs, "passes over each batch (paper: 1)")
	mini := fs.Int("mini-batches", g.MiniBatches, "optimizer steps per pass (paper: 1)")
	skip := fs.Bool("skip-zero-advantage", g.SkipZeroAdvantage,
		"leave rows with advantage 0 out of the backward pass (same update and metrics; ignored with --kl-coef or --entropy-coef)")
	maxUpd := fs.Int("max-update-tokens", g.MaxUpdateTokens,
		"padded tokens per backward pass; more rows are done in chunks whose gradients are summed (same update, bounded memory; 0: no limit)")
	valEvery := fs.Int("val-every", c.ValEvery, "greedy validation every N steps, plus step 0 and the last (0: never)")
	valLimit := fs.Int("val-limit", c.ValLimit, "test prompts to validate on, spread over levels (0: all)")
	valBatch := fs.Int("val-batch", c.ValBatchSize, "test responses decoded together")
	valSamples := fs.Int("val-samples", c.ValSamples,
		"responses per test prompt at each validation: mean@n and pass@n instead of greedy accuracy (verl val_kwargs.n; 0 or 1: one)")
	valTemp := fs.Float64("val-temperature", c.ValTemperature,
		"validation temperature (0: greedy); with --val-samples above 1 it defaults to the rollout --temperature")
	genBatch := fs.Int("gen-batch", c.GenBatch, "responses sampled together (0: the whole step)")
	ckpt := fs.Int("checkpoint-every", c.CheckpointEvery, "checkpoint every N steps (and at the end)")
	keep := fs.Int("keep", c.Keep, "newest checkpoints kept (the sample-effect analyses read every kept one)")
	seed := fs.Uint64("seed", c.Seed, "seed of the prompt shuffles and of every rollout")
	random := fs.Float64("random-reward", c.RandomReward,
		"replace the rule reward by a seeded coin that is 1 with this probability: the random-reward control (Shao et al. 2025 used 0.5; 0: the rule reward, the paper)")
	return func() rl.Config {
		c.Steps, c.PromptsPerStep, c.MaxNewTokens, c.Temperature = *steps, *prompts, *maxNew, *temp
		c.LogRefKL, c.ValEvery, c.ValLimit, c.ValBatchSize, c.GenBatch = *logKL, *valEvery, *valLimit, *valBatch, *genBatch
		c.CheckpointEvery, c.Keep, c.Seed, c.RandomReward = *ckpt, *keep, *seed, *random
		c.ValSamples, c.ValTemperature = *valSamples, *valTemp
		if c.ValSamples > 1 && !flagSet(fs, "val-temperature") {
			c.ValTemperature = *temp // sample the validation as the policy samples its rollouts
		}
		g.GroupSize, g.Temperature, g.LearningRate, g.WarmupSteps = *group, *temp, *lr, *warmup
		g.KLCoef, g.EntropyCoef, g.LossAgg, g.ScaleRewards = *kl, *entropy, *agg, *scale
		g.PPOEpochs, g.MiniBatches, g.SkipZeroAdvantage, g.MaxUpdateTokens = *epochs, *mini, *skip, *maxUpd
		if g.LossAgg == grpo.AggDrGRPO {
			g.MaxCompletionLength = *maxNew // TRL's max_completion_length is the generation limit
		}
		c.GRPO = g
		return c
	}
}
