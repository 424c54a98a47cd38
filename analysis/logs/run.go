package logs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/r1lab/r1lab/gomlxmodels/rl"
)

// Run is everything ReadRun found at a path.
type Run struct {
	Path   string
	Layout Layout
	// Samples are the training rollouts, then the evaluation responses
	// (Eval true), each in step order; see ReadRollouts, ReadEval,
	// ReadPaperBuffer, ReadTRL.
	Samples []Sample
	// Metrics is the per-step metrics table of an r1lab run directory that
	// has one; nil otherwise (the paper's and TRL's metrics live in their
	// loggers, not in these files).
	Metrics *Metrics
}

// Split returns the run's training and evaluation samples.
func (r *Run) Split() (train, eval []Sample) {
	for _, s := range r.Samples {
		if s.Eval {
			eval = append(eval, s)
		} else {
			train = append(train, s)
		}
	}
	return train, eval
}

// Detect says which layout path holds. A directory is r1lab's when it has
// metrics.parquet, rollouts/step_*.parquet or eval/step_*.parquet; the paper's when
// it has step_<k>.jsonl or val_step_<k>.jsonl files; TRL's when it (or its
// completions/, train/ or eval/ sub-directory) has completions_NNNNN.parquet
// files — tried in that order. A file is the paper's when it ends in .jsonl;
// a Parquet file is TRL's when it has a completion column, r1lab's when it
// has a response column.
func Detect(path string) (Layout, error) {
	st, err := os.Stat(path)
	if err != nil {
		return "", fmt.Errorf("logs: %w", err)
	}
	if !st.IsDir() {
		return detectFile(path)
	}
	has := func(dir, prefix, ext string) (bool, error) {
		files, err := stepFiles(dir, prefix, ext)
		return len(files) > 0, err
	}
	checks := []struct {
		layout Layout
		found  func() (bool, error)
	}{
		{Ours, func() (bool, error) {
			if _, err := os.Stat(filepath.Join(path, MetricsFile)); err == nil {
				return true, nil
			} else if !errors.Is(err, fs.ErrNotExist) {
				return false, fmt.Errorf("logs: %w", err)
			}
			if ok, err := has(filepath.Join(path, rl.RolloutsDir), stepPrefix, parquetExt); ok || err != nil {
				return ok, err
			}
			// Only step files: TRL has an eval/ directory too.
			return has(filepath.Join(path, rl.EvalDir), stepPrefix, parquetExt)
		}},
		{Paper, func() (bool, error) {
			if ok, err := has(path, paperTrainPrefix, jsonlExt); ok || err != nil {
				return ok, err
			}
			return has(path, paperValPrefix, jsonlExt)
		}},
		{TRL, func() (bool, error) {
			for _, dir := range trlDirs(path) {
				if ok, err := has(dir, trlPrefix, parquetExt); ok || err != nil {
					return ok, err
				}
			}
			return false, nil
		}},
	}
	for _, c := range checks {
		ok, err := c.found()
		if err != nil {
			return "", err
		}
		if ok {
			return c.layout, nil
		}
	}
	return "", fmt.Errorf("logs: %s: no run logs found (want metrics.parquet or rollouts/step_*.parquet, "+
		"step_<k>.jsonl, or completions_NNNNN.parquet)", path)
}

// detectFile says which layout one file holds.
func detectFile(path string) (Layout, error) {
	switch filepath.Ext(path) {
	case jsonlExt:
		return Paper, nil
	case parquetExt:
	default:
		return "", fmt.Errorf("logs: %s: not a log file (want .jsonl or .parquet)", path)
	}
	t, err := openTable(path)
	if err != nil {
		return "", err
	}
	defer t.Close()
	switch {
	case t.cols["completion"] != nil:
		return TRL, nil
	case t.cols["response"] != nil:
		return Ours, nil
	}
	return "", fmt.Errorf("logs: %s: a Parquet file with neither a completion (TRL) nor a response (r1lab) column", path)
}

// ReadRun reads the logs at path, a run directory or one log file, after
// detecting their layout (Detect). TRL logs are read with default
// TRLOptions; call ReadTRL to choose the reward columns. An r1lab file is a
// rollout file when it has rollout columns, else an eval file.
func ReadRun(path string) (*Run, error) {
	layout, err := Detect(path)
	if err != nil {
		return nil, err
	}
	run := &Run{Path: path, Layout: layout}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	isDir := st.IsDir()
	switch {
	case layout == Paper && isDir:
		run.Samples, err = ReadPaperBuffer(path)
	case layout == Paper:
		run.Samples, err = ReadPaperFile(path)
	case layout == TRL:
		run.Samples, err = ReadTRL(path, TRLOptions{})
	case isDir:
		err = readOurRun(run)
	default:
		run.Samples, err = readOurFile(path)
	}
	if err != nil {
		return nil, err
	}
	return run, nil
}

// readOurRun reads an r1lab run directory: rollouts, eval files, metrics.
func readOurRun(run *Run) error {
	train, err := ReadRollouts(run.Path)
	if err != nil {
		return err
	}
	eval, err := ReadEval(run.Path)
	if err != nil {
		return err
	}
	run.Samples = append(train, eval...)
	if _, err := os.Stat(filepath.Join(run.Path, MetricsFile)); err == nil {
		if run.Metrics, err = ReadMetrics(run.Path); err != nil {
			return err
		}
	}
	return nil
}

// readOurFile reads one r1lab Parquet file: a rollout file if it has the
// rollout-only column advantage, else an eval file (its step from
// a step_NNNNN name, or −1).
func readOurFile(path string) ([]Sample, error) {
	t, err := openTable(path)
	if err != nil {
		return nil, err
	}
	rollout := t.cols["advantage"] != nil
	t.Close()
	if rollout {
		return ReadRolloutFile(path)
	}
	step, ok := stepOf(filepath.Base(path), stepPrefix, parquetExt)
	if !ok {
		step = -1
	}
	return ReadEvalFile(path, step)
}
