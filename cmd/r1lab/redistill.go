package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/redistill"
	"github.com/r1lab/r1lab/gomlxmodels/sft"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

const redistillSummary = `Re-distillation (the paper's §5): build an SFT set from an RL-trained policy,
then fine-tune the base model on it.
  --mode a        the policy's greedy, correct answers to the long-CoT SFT prompts
                  (<data>/sft_long_cot/train.parquet); needs --policy
  --mode b        correct rollouts of the last --last-steps steps of an RL run's
                  replay buffer, one per prompt, seeded shuffle, --n kept; needs --rl-run
  --mode control  the prompts of a B set (--b-set) with the task teacher's long-CoT
                  responses (same prompts, other responses)
The set goes to <out>/data/{train,val}.parquet (validation: the long-CoT val set,
as in the paper) with <out>/data/redistill.json (what was kept); then, unless
--no-sft, the base (--base) is fine-tuned into <out> as by r1lab sft.`

func runRedistill(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("redistill", redistillSummary, stderr)
	mode := fs.String("mode", "", "a, b or control (required)")
	data := fs.String("data", "data/kk", "task data directory (SFT prompts, long-CoT val set, manifest)")
	policy := fs.String("policy", "", "mode a: the RL policy's model directory, e.g. runs/rl-long/model")
	rlRun := fs.String("rl-run", "", "mode b: the RL run directory whose rollouts/ is the replay buffer")
	bSet := fs.String("b-set", "", "mode control: the B set's directory (…/data with train.parquet)")
	bc := redistill.DefaultBuffer()
	last := fs.Int("last-steps", bc.LastSteps, "mode b: rollouts of that many last steps")
	n := fs.Int("n", bc.N, "mode b: samples kept")
	seed := fs.Uint64("shuffle-seed", bc.Seed, "mode b: seed of the shuffle that picks the --n samples")
	base := fs.String("base", "runs/base/model", "model fine-tuned on the set")
	out := fs.String("out", "", "run directory (default runs/redistill-<mode>)")
	noSFT := fs.Bool("no-sft", false, "only write the set")
	resume := fs.Bool("resume", false, "keep the set already in <out>/data and continue its SFT from the latest checkpoint")
	evalData := fs.String("eval-data", "data/kk/rl/test.parquet", "test file to evaluate the result on ('' to skip)")
	evalN := fs.Int("eval-limit", 100, "test prompts to evaluate, spread over levels (0: all)")
	evalCfg := evalFlags(fs)
	getTrain := trainerFlags(fs, sft.PaperConfig())
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case *mode != "a" && *mode != "b" && *mode != "control":
		return usageError{fmt.Errorf("--mode %q: want a, b or control", *mode)}
	case *mode == "a" && *policy == "":
		return usageError{errors.New("--mode a needs --policy")}
	case *mode == "b" && *rlRun == "":
		return usageError{errors.New("--mode b needs --rl-run")}
	case *mode == "control" && *bSet == "":
		return usageError{errors.New("--mode control needs --b-set")}
	}
	if *out == "" {
		*out = filepath.Join("runs", "redistill-"+*mode)
	}
	setDir := filepath.Join(*out, "data")
	_, statErr := os.Stat(filepath.Join(setDir, "train.parquet"))
	if !*resume || statErr != nil {
		if err := prepareRunDir(*out, false); err != nil {
			return err
		}
		bc = redistill.BufferConfig{LastSteps: *last, N: *n, Seed: *seed}
		if err := writeRedistillSet(*mode, *data, *policy, *rlRun, *bSet, *base, bc, setDir, evalCfg(), stdout, stderr); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(stderr, "redistill: keeping the set in %s\n", setDir)
	}
	if *noSFT {
		return nil
	}
	return sftJob{model: *base, data: setDir, out: *out, resume: *resume, evalData: *evalData, evalN: *evalN,
		eval: evalCfg(), train: getTrain(), extra: map[string]any{"redistill": *mode}, fitBatch: true}.run(stdout, stderr)
}

// writeRedistillSet builds the set of one mode and writes it, with the
// long-CoT validation set and a summary, into setDir all at once. Sets A
// and B keep only the rows the tokenizer of base encodes (redistill.Encodable).
func writeRedistillSet(mode, data, policy, rlRun, bSet, base string, bc redistill.BufferConfig, setDir string,
	ec evaluate.Config, stdout, stderr io.Writer) error {
	valFile := filepath.Join(data, "sft_long_cot", "val.parquet")
	val, err := dataio.ReadSFT(valFile)
	if err != nil {
		return err
	}
	summary := map[string]any{"mode": mode, "data": data}
	var rows []dataio.SFTRow
	switch mode {
	case "a":
		promptFile := filepath.Join(data, "sft_long_cot", "train.parquet")
		prompts, err := dataio.ReadSFT(promptFile)
		if err != nil {
			return err
		}
		m, tok, err := modeldir.Load(policy)
		if err != nil {
			return err
		}
		b, err := openBackend(stderr)
		if err != nil {
			return err
		}
		var st redistill.PolicyStats
		rows, _, st, err = redistill.FromPolicy(b, m, tok, prompts, ec, stderr)
		if err != nil {
			return err
		}
		summary["policy"], summary["prompts_file"], summary["stats"], summary["decoding"] = policy, promptFile, st, ec
		fmt.Fprintf(stdout, "set A: %d of %d prompts answered correctly by %s (%.1f%%; %d cut at %d tokens)\n",
			st.Correct, st.Prompts, policy, 100*st.Accuracy, st.Clipped, ec.MaxNewTokens)
	case "b":
		var st redistill.BufferStats
		if rows, st, err = redistill.FromBuffer(rlRun, bc); err != nil {
			return err
		}
		summary["rl_run"], summary["buffer"], summary["stats"] = rlRun, bc, st
		fmt.Fprintf(stdout, "set B: steps %d–%d of %s: %d rollouts, %d correct, %d prompts → %d kept\n",
			st.FirstStep, st.LastStep, rlRun, st.Rollouts, st.Correct, st.Prompts, st.Kept)
	case "control":
		brows, err := dataio.ReadSFT(filepath.Join(bSet, "train.parquet"))
		if err != nil {
			return err
		}
		var dropped int
		if rows, dropped, err = redistill.Control(data, brows); err != nil {
			return err
		}
		summary["b_set"], summary["dropped"] = bSet, dropped
		fmt.Fprintf(stdout, "control: %d teacher traces for the %d prompts of %s (%d over the word cap)\n", len(rows), len(brows), bSet, dropped)
	}
	if mode != "control" { // a policy's own text: keep what the base's tokenizer encodes
		baseTok, err := tokenizer.Load(filepath.Join(base, modeldir.TokenizerFile))
		if err != nil {
			return err
		}
		var dropped int
		if rows, dropped = redistill.Encodable(baseTok, rows); dropped > 0 {
			fmt.Fprintf(stdout, "set %s: %d responses left out: their text does not encode again (a join marker glued to a word)\n",
				strings.ToUpper(mode), dropped)
		}
		summary["unencodable"] = dropped
	}
	if len(rows) == 0 {
		return fmt.Errorf("redistill: the %s set: %w: nothing to fine-tune on", mode, redistill.ErrEmpty)
	}
	summary["train_rows"], summary["val_file"], summary["val_rows"] = len(rows), valFile, len(val)
	js, err := json.MarshalIndent(summary, "", "  ")
	if err != nil {
		return err
	}
	return dataio.WriteDirAtomic(setDir, func(dir string) error {
		if err := dataio.WriteSFT(filepath.Join(dir, "train.parquet"), rows); err != nil {
			return err
		}
		if err := dataio.WriteSFT(filepath.Join(dir, "val.parquet"), val); err != nil {
			return err
		}
		return dataio.WriteBytesAtomic(filepath.Join(dir, "redistill.json"), append(js, '\n'))
	})
}
