package rl

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Sub-directories of a run directory that hold one Parquet file per step.
const (
	RolloutsDir = "rollouts" // training rollouts, []Rollout per step
	EvalDir     = "eval"     // greedy validation responses, []evaluate.Row per validation step
)

// StepFile returns the path of step's file in the run directory's sub-directory sub (RolloutsDir
// or EvalDir): <dir>/<sub>/step_00005.parquet (five digits, as the paper's replay-buffer names).
func StepFile(dir, sub string, step int) string {
	return filepath.Join(dir, sub, fmt.Sprintf("step_%05d.parquet", step))
}

// removeStepFilesAfter deletes the per-step files of steps after step in the rollout and eval
// directories: a resumed run re-runs those steps, and a stop before it reaches them again must not
// leave files of the abandoned attempt next to the metrics that were truncated.
func removeStepFilesAfter(dir string, step int) error {
	for _, sub := range []string{RolloutsDir, EvalDir} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("rl: %w", err)
		}
		for _, e := range entries {
			digits, ok := strings.CutPrefix(e.Name(), "step_")
			if !ok {
				continue
			}
			digits, ok = strings.CutSuffix(digits, ".parquet")
			n, err := strconv.Atoi(digits)
			if !ok || err != nil || n <= step {
				continue
			}
			if err := os.Remove(filepath.Join(dir, sub, e.Name())); err != nil {
				return fmt.Errorf("rl: %w", err)
			}
		}
	}
	return nil
}
