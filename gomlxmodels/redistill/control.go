package redistill

import (
	"fmt"
	"path/filepath"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/kk"
)

// Control builds the control set of a B set: the same prompts (rows' ids are
// rl/train.parquet row indices, as FromBuffer writes them) with the
// teacher's long-CoT responses, regenerated from the data directory's
// manifest.json. The paper used DeepSeek-R1 as the teacher; ours is the
// task's long-CoT teacher. Traces the teacher drops (over its word cap) are
// counted in dropped, so the control can be a little smaller than B. The
// control rows' ids are the teacher's (the puzzle or problem index in its
// generator run), as in the task's own SFT files.
func Control(dataDir string, rows []dataio.SFTRow) (out []dataio.SFTRow, dropped int, err error) {
	path := filepath.Join(dataDir, "manifest.json")
	task, err := dataio.ReadManifest(dataDir, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("redistill: control needs the data manifest: %w", err)
	}
	idx, err := checkAgainstTrain(dataDir, rows)
	if err != nil {
		return nil, 0, err
	}
	switch task {
	case kk.DataSource:
		var c kk.DataConfig
		if _, err = dataio.ReadManifest(dataDir, &c); err == nil {
			out, dropped, err = kk.TrainTeacherRows(c, idx)
		}
	case arith.DataSource:
		var c arith.DataConfig
		if _, err = dataio.ReadManifest(dataDir, &c); err == nil {
			out, err = arith.TrainTeacherRows(c, idx)
		}
	default:
		return nil, 0, fmt.Errorf("redistill: %s: task %q has no teacher (want %q or %q)", path, task, kk.DataSource, arith.DataSource)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("redistill: %s: %w", path, err)
	}
	return out, dropped, nil
}

// checkAgainstTrain checks that every row is the rl/train.parquet row its id
// names (same ground truth and prompt), so a B set is never paired with the
// teacher of another data directory, and returns the ids.
func checkAgainstTrain(dataDir string, rows []dataio.SFTRow) ([]int64, error) {
	path := filepath.Join(dataDir, "rl", "train.parquet")
	train, err := dataio.ReadRL(path)
	if err != nil {
		return nil, fmt.Errorf("redistill: control: %w", err)
	}
	idx := make([]int64, len(rows))
	for i, r := range rows {
		if r.ID < 0 || r.ID >= int64(len(train)) {
			return nil, fmt.Errorf("redistill: control: row %d has id %d, not a row of %s (%d rows)", i, r.ID, path, len(train))
		}
		t := train[r.ID]
		if t.RewardModel.GroundTruth != r.GtAnswer || generationPrompt(r.Prompt) != t.PromptText() {
			return nil, fmt.Errorf("redistill: control: row %d (id %d) is not row %d of %s: the set comes from other data", i, r.ID, r.ID, path)
		}
		idx[i] = r.ID
	}
	return idx, nil
}
