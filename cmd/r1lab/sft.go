package main

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/sft"
	"github.com/r1lab/r1lab/gomlxmodels/trainer"
)

const sftSummary = `Supervised fine-tuning of a model on an SFT set (train.parquet and val.parquet,
e.g. data/kk/sft_short_cot): response-only NLL averaged per sequence then over
sequences, AdamW, cosine schedule, grad-norm clip, 2 epochs (the paper's
settings, with a learning rate for a small model). Validation loss at each
epoch end; metrics.parquet, checkpoints/ (--resume continues exactly), the
fine-tuned <out>/model and, with --eval-data, a greedy evaluation.`

func runSFT(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sft", sftSummary, stderr)
	modelPath := fs.String("model", "runs/base/model", "model directory to start from")
	data := fs.String("data", "data/kk/sft_short_cot", "SFT directory with train.parquet and val.parquet")
	out := fs.String("out", "runs/sft", "run directory")
	resume := fs.Bool("resume", false, "continue the run in --out from its latest checkpoint")
	evalData := fs.String("eval-data", "data/kk/rl/test.parquet", "test file to evaluate the result on ('' to skip)")
	evalN := fs.Int("eval-limit", 100, "test prompts to evaluate, spread over levels (0: all)")
	evalCfg := evalFlags(fs)
	getTrain := trainerFlags(fs, sft.PaperConfig())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	return sftJob{model: *modelPath, data: *data, out: *out, resume: *resume, evalData: *evalData, evalN: *evalN,
		eval: evalCfg(), train: getTrain()}.run(stdout, stderr)
}

// sftJob is one SFT run: the flags of `r1lab sft`, also used by redistill.
type sftJob struct {
	model, data, out string // start model, SFT directory (train/val.parquet), run directory
	resume           bool
	evalData         string // test file evaluated after training ("": none)
	evalN            int
	eval             evaluate.Config
	train            trainer.Config
	extra            map[string]any // more entries for config.json
	// fitBatch shrinks the batch to the training set when the set is smaller than one batch
	// (a re-distilled set's size is known only once it is built); otherwise that is an error.
	fitBatch bool
}

func (j sftJob) run(stdout, stderr io.Writer) error {
	tc := j.train
	if err := tc.Validate(); err != nil {
		return usageError{err}
	}
	if err := prepareRunDir(j.out, j.resume); err != nil {
		return err
	}
	m, tok, err := modeldir.Load(j.model)
	if err != nil {
		return err
	}
	trainFile, valFile := filepath.Join(j.data, "train.parquet"), filepath.Join(j.data, "val.parquet")
	trainRows, err := dataio.ReadSFT(trainFile)
	if err != nil {
		return err
	}
	valRows, err := dataio.ReadSFT(valFile)
	if err != nil {
		return err
	}
	train, err := sft.Examples(tok, trainRows, trainFile, m.Config.MaxSeqLen)
	if err != nil {
		return err
	}
	val, err := sft.Examples(tok, valRows, valFile, m.Config.MaxSeqLen)
	if err != nil {
		return err
	}
	if len(train) < tc.BatchSize && j.fitBatch && len(train) > 0 {
		fmt.Fprintf(stdout, "sft: %d training rows, fewer than one batch of %d: batch %d\n", len(train), tc.BatchSize, len(train))
		tc.BatchSize = len(train)
	}
	if len(train) < tc.BatchSize {
		return errors.New(trainFile + fmt.Sprintf(": %d rows, fewer than one batch of %d (lower --batch)", len(train), tc.BatchSize))
	}
	config := map[string]any{
		"command": "sft", "model": j.model, "model_config": m.Config, "data": j.data,
		"train_rows": len(train), "val_rows": len(val), "trainer": tc,
	}
	for k, v := range j.extra {
		config[k] = v
	}
	if err := writeRunConfig(j.out, j.resume, config, stderr); err != nil {
		return err
	}
	b, err := openBackend(stderr)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "sft: %d train, %d val sequences from %s; %d parameters\n", len(train), len(val), j.data, m.NumParams())
	res, err := trainer.Train(b, m, train, val, tc, trainer.Options{Dir: j.out, Pad: tok.PadID(), Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "SFT: %d steps in %s (%.0f tok/s); final loss %.4f", res.Steps, res.Wall.Round(1e9), res.TokensPerSec, res.TrainLoss)
	if n := len(res.ValLoss); n > 0 {
		fmt.Fprintf(stdout, ", validation loss %.4f", res.ValLoss[n-1])
	}
	fmt.Fprintln(stdout)
	if err := modeldir.Save(filepath.Join(j.out, "model"), m, tok); err != nil {
		return err
	}
	if j.evalData == "" {
		return nil
	}
	_, err = runEval(b, m, tok, j.evalData, filepath.Join(j.out, "eval", evalFileName(j.evalData)), j.evalN, j.eval, stdout, stderr)
	return err
}
