package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/corpus"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/pretrain"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
	"github.com/r1lab/r1lab/gomlxmodels/trainer"
)

const pretrainSummary = `Pre-train the base model on the synthetic corpus (puzzle text, true statements,
short and sometimes wrong reasoning in the paper's prompt format), so that it
scores low but above zero under the RL prompt. The corpus never uses a puzzle
of the data directories' splits. Writes <out>/model, metrics.parquet,
checkpoints/ and a greedy evaluation on the K&K test set.`

func runPretrain(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("pretrain", pretrainSummary, stderr)
	out := fs.String("out", "runs/base", "run directory")
	resume := fs.Bool("resume", false, "continue the run in --out from its latest checkpoint")
	size := fs.String("size", "tiny", "model size: tiny (CPU), small or medium (GPU)")
	initSeed := fs.Uint64("init-seed", 1, "seed of the model's initial weights")
	initModel := fs.String("init-model", "", "start from this model directory's weights instead of a fresh --size model (a curriculum's second phase)")
	seqLen := fs.Int("seq", 512, "training window length: whole corpus documents are packed into windows of at most this many tokens")
	kkData := fs.String("kk-data", "data/kk", "K&K data directory whose puzzles the corpus must avoid ('' for none)")
	arithData := fs.String("arith-data", "", "ARITH data directory whose problems the corpus must avoid")
	cc := corpus.DefaultConfig()
	words := fs.Int("words", cc.Words, "corpus size in words (≈ tokens)")
	corpusSeed := fs.Uint64("corpus-seed", cc.Seed, "corpus seed")
	correct := fs.Float64("correct-rate", cc.CorrectRate, "share of K&K episodes in the corpus that are fully right (the base's quality dial)")
	minP := fs.Int("corpus-min-people", cc.MinPeople, "fewest people in the corpus's K&K episodes")
	maxP := fs.Int("corpus-max-people", cc.MaxPeople, "most people in the corpus's K&K episodes")
	namePool := fs.Int("corpus-name-pool", -1, "K&K names of the corpus from the first N of the 51 (-1: the --kk-data manifest's name pool; 0: all)")
	mix := fs.String("mix", "", "corpus document mix as kind=weight,… over the defaults ("+cc.Mix.String()+")")
	doEval := fs.Bool("eval", true, "evaluate the base greedily on <kk-data>/rl/test.parquet when done")
	valFrac := fs.Float64("val-fraction", 0.02, "share of packed sequences held out for the validation loss")
	evalN := fs.Int("eval-limit", 100, "K&K test prompts to evaluate the base on, spread over levels (0: all)")
	evalCfg := evalFlags(fs)
	getTrain := trainerFlags(fs, pretrain.DefaultConfig())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *valFrac < 0 || *valFrac >= 1 {
		return usageError{fmt.Errorf("--val-fraction %v is not in [0, 1)", *valFrac)}
	}
	cc.Words, cc.Seed, cc.CorrectRate, cc.MinPeople, cc.MaxPeople = *words, *corpusSeed, *correct, *minP, *maxP
	cc.NamePool = *namePool
	if *namePool < 0 {
		cc.NamePool = 0
		if *kkData != "" {
			var dc kk.DataConfig
			if err := readManifestConfig(*kkData, "kk", &dc); err != nil {
				return err
			}
			cc.NamePool = dc.Splits.NamePool
		}
	}
	if *mix != "" {
		m, err := corpus.ParseMix(*mix, cc.Mix)
		if err != nil {
			return usageError{err}
		}
		cc.Mix = m
	}
	tc := getTrain()
	if err := errors.Join(cc.Validate(), tc.Validate()); err != nil {
		return usageError{err}
	}
	if err := prepareRunDir(*out, *resume); err != nil {
		return err
	}

	// Data: the corpus, minus every puzzle of the experiment's splits.
	tok, err := tokenizer.ForTasks()
	if err != nil {
		return err
	}
	ex, err := exclusionFromData(*kkData, *arithData)
	if err != nil {
		return err
	}
	docs, err := corpus.Generate(cc, ex)
	if err != nil {
		return err
	}
	seqs, nTokens, err := pretrain.Pack(tok, docs, *seqLen)
	if err != nil {
		return err
	}
	nVal := int(float64(len(seqs)) * *valFrac)
	train, val := seqs[nVal:], seqs[:nVal]
	fmt.Fprintf(stderr, "corpus: %d documents, %d tokens → %d windows of ≤ %d (%d held out)\n",
		len(docs), nTokens, len(seqs), *seqLen, nVal)

	// Model: fresh, or the weights of an earlier phase.
	var m *lm.Model
	if *initModel != "" {
		var mtok *tokenizer.Tokenizer
		if m, mtok, err = modeldir.Load(*initModel); err != nil {
			return err
		}
		if !slices.Equal(mtok.Tokens(), tok.Tokens()) {
			return fmt.Errorf("--init-model %s: its tokenizer is not the corpus's (%d and %d tokens)", *initModel, mtok.VocabSize(), tok.VocabSize())
		}
	} else {
		mc, err := lm.ConfigForSize(*size, tok.VocabSize())
		if err != nil {
			return usageError{err}
		}
		if m, err = lm.New(mc, *initSeed); err != nil {
			return err
		}
	}
	mc := m.Config
	if *seqLen > mc.MaxSeqLen {
		return usageError{fmt.Errorf("--seq %d exceeds the model's maximum length %d", *seqLen, mc.MaxSeqLen)}
	}
	// With --init-model the size comes from that model, whatever --size says.
	sizeName := *size
	if *initModel != "" {
		sizeName = ""
		fmt.Fprintf(stderr, "model: %s from %s, %d parameters\n", mc, *initModel, m.NumParams())
	} else {
		fmt.Fprintf(stderr, "model: %s, %d parameters\n", *size, m.NumParams())
	}
	if err := writeRunConfig(*out, *resume, map[string]any{
		"command": "pretrain", "size": sizeName, "init_model": *initModel, "model": mc, "init_seed": *initSeed, "seq_len": *seqLen,
		"corpus": cc, "trainer": tc, "val_fraction": *valFrac, "kk_data": *kkData, "arith_data": *arithData,
		"tokenizer_vocab": tok.VocabSize(),
	}, stderr); err != nil {
		return err
	}
	b, err := openBackend(stderr)
	if err != nil {
		return err
	}
	res, err := trainer.Train(b, m, train, val, tc, trainer.Options{Dir: *out, Pad: tok.PadID(), Progress: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "pre-trained %d steps in %s (%.0f tok/s); final loss %.4f\n",
		res.Steps, res.Wall.Round(1e9), res.TokensPerSec, res.TrainLoss)
	if err := modeldir.Save(filepath.Join(*out, "model"), m, tok); err != nil {
		return err
	}
	if *kkData == "" || !*doEval {
		return nil
	}
	_, err = runEval(b, m, tok, filepath.Join(*kkData, "rl", "test.parquet"),
		filepath.Join(*out, "eval", evalFileName(filepath.Join(*kkData, "rl", "test.parquet"))), *evalN, evalCfg(), stdout, stderr)
	return err
}

// exclusionFromData rebuilds the splits recorded in each data directory's
// manifest and excludes their puzzles and problems from the corpus.
func exclusionFromData(kkDir, arithDir string) (corpus.Exclusion, error) {
	ex := corpus.NewExclusion(nil, nil)
	if kkDir != "" {
		var c kk.DataConfig
		if err := readManifestConfig(kkDir, "kk", &c); err != nil {
			return ex, err
		}
		s, err := kk.BuildSplits(c.Splits, nil)
		if err != nil {
			return ex, fmt.Errorf("%s: %w", kkDir, err)
		}
		ex.AddKKSplits(s)
	}
	if arithDir != "" {
		var c arith.DataConfig
		if err := readManifestConfig(arithDir, "arith", &c); err != nil {
			return ex, err
		}
		s, err := arith.BuildSplits(c, nil)
		if err != nil {
			return ex, fmt.Errorf("%s: %w", arithDir, err)
		}
		ex.AddArithSplits(s)
	}
	return ex, nil
}

// readManifestConfig reads the generator config of a data directory.
func readManifestConfig(dir, task string, config any) error {
	got, err := dataio.ReadManifest(dir, nil)
	if err != nil {
		if os.IsNotExist(err) {
			return fmt.Errorf("%w (generate it with: r1lab data --task %s --out %s)", err, task, dir)
		}
		return err
	}
	if got != task {
		return fmt.Errorf("%s: task %q, want %q", filepath.Join(dir, "manifest.json"), got, task)
	}
	_, err = dataio.ReadManifest(dir, config)
	return err
}
