package rl

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/gomlx/compute"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/grpo"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/modeldir"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// Options are the parts of a run that are not hyper-parameters.
type Options struct {
	// Dir is the run directory (see the package doc for its files). A Dir holding checkpoints
	// resumes from the latest one; without checkpoints, stale metrics, rollouts and eval files
	// there are replaced.
	Dir string
	// Progress receives a line per step and per validation (nil: silent).
	Progress io.Writer
	// StopAfterSteps ends this process's share of the run after that many steps, with a
	// checkpoint, as if it had been killed right after one; calling Run again with the same
	// arguments resumes. 0: run to the end.
	StopAfterSteps int
	// TrainName and TestName name the two row sets in error messages, e.g. their files.
	// Defaults "train" and "test".
	TrainName, TestName string

	// rewardOf overrides RewardFor (tests: a reward that returns NaN).
	rewardOf func(dataSource string) (reward.Func, error)
}

// Result summarises the run so far.
type Result struct {
	Steps       int        // the run's last completed step (resumed ones included)
	Done        bool       // the run reached Config.Steps (false after StopAfterSteps)
	ResumedFrom int        // step of the checkpoint the run resumed from (0: fresh)
	Score       float64    // critic/score/mean of the last step run by this process (0 if none)
	Val         []ValPoint // the validations run by this process, in order
	// RolloutTokensPerSec is the generated tokens per second of sampling in this process.
	RolloutTokensPerSec float64
	Wall                time.Duration
}

// ValPoint is one validation.
type ValPoint struct {
	Step     int
	Accuracy float64 // share of correct responses over all validation responses: greedy accuracy, or mean@n
}

// state is what a checkpoint stores besides the Store's variables. The data cursor is the step
// itself (see epochOrder) and sampling seeds are functions of the step, so nothing else is needed
// to resume exactly.
type state struct {
	Step             int    `json:"step"`
	Config           Config `json:"config"`
	DataFingerprint  string `json:"data_fingerprint"`
	ModelFingerprint string `json:"model_fingerprint"` // of the initial weights (the reference policy)
}

// runner holds what the steps of one Run share.
type runner struct {
	b     compute.Backend
	m     *lm.Model // the policy, updated in place
	tok   *tokenizer.Tokenizer
	c     Config
	o     Options
	train []item
	val   []item // the validation prompts (ValLimit of the test rows)
}

// Run trains m (in place) with GRPO on the train rows, validating on the test rows (ValLimit of
// them; none: no validation; greedily unless Config.ValSamples says otherwise), and returns a summary. It resumes exactly from the
// latest checkpoint in o.Dir, refusing one written with another config, other data or other
// initial weights. When the run is done, the policy is saved to <o.Dir>/model.
//
// metrics.parquet gets one row per step with verl's names: critic/score/{mean,max,min},
// critic/advantages/{mean,max,min}, response_length/{mean,max,min,clip_ratio}, actor/pg_loss,
// actor/pg_clipfrac, actor/ppo_kl, actor/entropy_loss, actor/grad_norm, actor/lr (and
// actor/kl_loss, critic/kl with a reference), train_level_correctness/<L>_correctness,
// train_level_clip_ratio/<L>_clip_ratio, timing_s/{gen,ref,update,testing,step},
// perf/rollout_tokens_per_s and training/epoch; at validation steps (step 0 included) evaluate's
// val/… and val_level_… names (val/named/kk and val/role_accuracy/kk among them on K&K) and
// val/test_score/<data_source>.
//
// A non-finite reward, loss or gradient norm stops the run with an error; the checkpoints on
// disk are those of earlier steps, so the run can be resumed (e.g. with other settings in a new
// directory) from the last good one.
func Run(b compute.Backend, m *lm.Model, tok *tokenizer.Tokenizer, train, test []dataio.RLRow, c Config, o Options) (*Result, error) {
	if b == nil || m == nil || m.Store == nil || tok == nil {
		return nil, errors.New("rl.Run: nil backend, model or tokenizer")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.LengthBucket = backend.LengthBucket(b, c.LengthBucket) // coarser where shapes compile slowly
	if o.Dir == "" {
		return nil, errors.New("rl.Run: Options.Dir is required")
	}
	if m.Config.Vocab != tok.VocabSize() {
		return nil, fmt.Errorf("rl: model vocabulary %d ≠ tokenizer's %d", m.Config.Vocab, tok.VocabSize())
	}
	r := &runner{b: b, m: m, tok: tok, c: c, o: o}
	if err := r.prepareData(train, test); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("rl: %w", err)
	}
	dataFP := fingerprintItems(r.train, r.val)
	modelFP, err := fingerprintWeights(m)
	if err != nil {
		return nil, err
	}

	// The reference is the initial policy: copied before a checkpoint overwrites the weights.
	var ref *grpo.LogProber
	if c.UseReference() {
		refModel, err := frozenCopy(m)
		if err != nil {
			return nil, err
		}
		if ref, err = grpo.NewLogProber(b, refModel, c.GRPO.Temperature); err != nil {
			return nil, err
		}
		defer ref.Finalize()
	}
	smp, err := sample.New(b, m)
	if err != nil {
		return nil, err
	}
	smp.WithLengthBucket(c.LengthBucket)
	defer smp.Finalize()
	upd, err := grpo.NewUpdater(b, m, c.GRPO)
	if err != nil {
		return nil, err
	}
	defer upd.Finalize()

	// Restore the latest checkpoint; drop what a crashed attempt logged after it.
	ckptDir := filepath.Join(o.Dir, "checkpoints")
	log, err := runlog.Open(filepath.Join(o.Dir, "metrics.parquet"))
	if err != nil {
		return nil, err
	}
	res := &Result{}
	start := 0
	if path, at, ok, err := checkpoint.Latest(ckptDir); err != nil {
		return nil, err
	} else if ok {
		var st state
		if err := checkpoint.Load(path, m.Store, &st); err != nil {
			return nil, err
		}
		switch {
		case st.Config != c:
			return nil, fmt.Errorf("rl: %s was written by a run with another config; use a new run directory", path)
		case st.DataFingerprint != dataFP:
			return nil, fmt.Errorf("rl: %s was written by a run on other data; use a new run directory", path)
		case st.ModelFingerprint != modelFP:
			return nil, fmt.Errorf("rl: %s was written by a run from other initial weights; use a new run directory", path)
		}
		start, res.ResumedFrom = at, at
	}
	keep := start // the steps whose metrics and files stay: ≤ the checkpoint's, none when fresh
	if start == 0 {
		keep = -1
	}
	log.TruncateAfter(keep)
	if err := removeStepFilesAfter(o.Dir, keep); err != nil {
		return nil, err
	}

	began := time.Now()
	bar := &progress{w: o.Progress, total: c.Steps, first: start + 1, start: began}
	if start == 0 && r.validating() {
		vm, sum, err := r.validate(0)
		if err != nil {
			return nil, err
		}
		res.Val = append(res.Val, ValPoint{Step: 0, Accuracy: sum.Accuracy})
		if err := errors.Join(log.Add(0, vm), log.Flush()); err != nil {
			return nil, err
		}
		bar.step(0, vm)
	}

	res.Steps = start
	var genTime time.Duration
	var genTokens int
	for s := start + 1; s <= c.Steps; s++ {
		t0 := time.Now()
		metrics, ro, err := r.trainStep(s, smp, upd, ref)
		if err != nil {
			return nil, fmt.Errorf("rl: step %d: %w; stopping: the last good checkpoint is kept in %s", s, err, ckptDir)
		}
		genTime += ro.genTime
		genTokens += ro.tokens
		if err := dataio.Write(StepFile(o.Dir, RolloutsDir, s), ro.rows); err != nil {
			return nil, err
		}
		if r.validating() && (s%c.ValEvery == 0 || s == c.Steps) {
			vm, sum, err := r.validate(s)
			if err != nil {
				return nil, err
			}
			res.Val = append(res.Val, ValPoint{Step: s, Accuracy: sum.Accuracy})
			for name, v := range vm {
				metrics[name] = v
			}
		}
		metrics["timing_s/step"] = time.Since(t0).Seconds()
		// Metrics are flushed every step (steps are slow; notebooks follow a live run) and
		// before the checkpoint: a crash between the two leaves metrics ahead of the
		// checkpoint, which resume truncates.
		if err := errors.Join(log.Add(s, metrics), log.Flush()); err != nil {
			return nil, err
		}
		bar.step(s, metrics)
		res.Steps, res.Score = s, metrics["critic/score/mean"]
		halt := o.StopAfterSteps > 0 && s-start >= o.StopAfterSteps
		if halt || s == c.Steps || (c.CheckpointEvery > 0 && s%c.CheckpointEvery == 0) {
			st := state{Step: s, Config: c, DataFingerprint: dataFP, ModelFingerprint: modelFP}
			if _, err := checkpoint.Save(ckptDir, s, m.Store, st); err != nil {
				return nil, err
			}
			if err := checkpoint.Prune(ckptDir, c.Keep); err != nil {
				return nil, err
			}
		}
		if halt {
			break
		}
	}
	res.Done = res.Steps == c.Steps
	res.Wall = time.Since(began)
	if genTime > 0 {
		res.RolloutTokensPerSec = float64(genTokens) / genTime.Seconds()
	}
	if res.Done {
		if err := modeldir.Save(filepath.Join(o.Dir, "model"), m, tok); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// prepareData checks and encodes the rows, and picks the validation prompts.
func (r *runner) prepareData(train, test []dataio.RLRow) error {
	rewardOf := r.o.rewardOf
	if rewardOf == nil {
		rewardOf = RewardFor
	}
	trainName, testName := r.o.TrainName, r.o.TestName
	if trainName == "" {
		trainName = "train"
	}
	if testName == "" {
		testName = "test"
	}
	maxLen := r.m.Config.MaxSeqLen
	var err error
	if r.train, err = prepare(train, trainName, r.tok, rewardOf, maxLen, r.c.MaxNewTokens, true); err != nil {
		return err
	}
	if len(r.train) < r.c.PromptsPerStep {
		return fmt.Errorf("rl: %s: %d prompts, fewer than PromptsPerStep %d", trainName, len(r.train), r.c.PromptsPerStep)
	}
	// Validation scores with evaluate's rewards (the paper's), whatever rewardOf says.
	val, err := prepare(test, testName, r.tok, RewardFor, maxLen, r.c.MaxNewTokens, false)
	if err != nil {
		return err
	}
	r.val = spreadOverLevels(val, r.c.ValLimit)
	return nil
}

// validating reports whether the run validates at all.
func (r *runner) validating() bool { return r.c.ValEvery > 0 && len(r.val) > 0 }
