package experiment

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"path/filepath"

	"github.com/r1lab/r1lab/datasets/dataio"
)

// rlConfig is the part of an RL run's config.json the arms need (cmd/r1lab/rl.go).
type rlConfig struct {
	TestRows int `json:"test_rows"`
	RL       struct {
		ValLimit       int     `json:"val_limit"`
		ValSamples     int     `json:"val_samples"`
		ValTemperature float64 `json:"val_temperature"`
		PromptsPerStep int     `json:"prompts_per_step"`
		GRPO           struct {
			GroupSize int `json:"group_size"`
		} `json:"grpo"`
	} `json:"rl"`
}

// sftConfig is the part of an SFT run's config.json the arms need (cmd/r1lab/sft.go).
type sftConfig struct {
	TrainRows int `json:"train_rows"`
}

// evalLevel is the one column of a validation file (gomlxmodels/evaluate.Row) the arms need.
type evalLevel struct {
	Level int64 `parquet:"level"`
}

// ConfigFile is the name of a run's configuration, in its run directory.
const ConfigFile = "config.json"

// readArm reads one arm; see ArmResult.
func (e *Experiment) readArm(arm Arm) (ArmResult, error) {
	a := ArmResult{Arm: arm, Skipped: e.armStatus(arm)}
	if !a.Ran() {
		return a, nil
	}
	runDir := e.RunDir(arm.Name)
	m, err := ReadMetrics(runDir)
	if err != nil {
		return a, err
	}
	a.Metrics, a.Levels, a.LevelN = m, map[int64][]float64{}, map[int64]int{}
	acc := m.Cols["val/test_correctness/"+e.Task]
	score, length := m.Cols["critic/score/mean"], m.Cols["response_length/mean"]
	valLength, valClip := m.Cols["val/response_length/mean"], m.Cols["val/clip_ratio"]
	for i, s := range m.Steps {
		a.TrainSteps = append(a.TrainSteps, s)
		a.TrainScore = append(a.TrainScore, at(score, i))
		a.TrainLen = append(a.TrainLen, at(length, i))
		if math.IsNaN(at(acc, i)) {
			continue
		}
		a.Steps = append(a.Steps, s)
		a.Acc = append(a.Acc, acc[i])
		a.Length = append(a.Length, at(valLength, i))
		a.Clip = append(a.Clip, at(valClip, i))
		for name, col := range m.Cols {
			if l, ok := levelOf(name, "val_level_correctness/", "_correctness"); ok {
				a.Levels[l] = append(a.Levels[l], at(col, i))
			}
		}
	}
	// The RL step 0 row has no training metrics: drop it from the training series.
	if len(a.TrainSteps) > 0 && a.TrainSteps[0] == 0 {
		a.TrainSteps, a.TrainScore, a.TrainLen = a.TrainSteps[1:], a.TrainScore[1:], a.TrainLen[1:]
	}

	var rl rlConfig
	if err := readJSON(filepath.Join(runDir, ConfigFile), &rl); err != nil {
		return a, err
	}
	a.Rollouts = len(a.TrainSteps) * rl.RL.PromptsPerStep * rl.RL.GRPO.GroupSize
	a.ValN = rl.TestRows
	a.ValSamples, a.ValTemperature = max(rl.RL.ValSamples, 1), rl.RL.ValTemperature
	if l := rl.RL.ValLimit; l > 0 && l < a.ValN {
		a.ValN = l
	}
	a.WallS = e.Done[arm.Name].WallS // pre-training is shared by every arm: not counted
	if arm.ColdStart != "base" {
		var sft sftConfig
		if err := readJSON(filepath.Join(e.RunDir(arm.ColdStart), ConfigFile), &sft); err != nil {
			return a, err
		}
		a.SFTRows = sft.TrainRows
		a.WallS += e.Done[arm.ColdStart].WallS
	}

	if len(a.Steps) == 0 {
		a.Skipped = "no validation accuracy in " + MetricsFile
		return a, nil
	}
	// Every validation uses the same prompts: count the first one's per level.
	rows, err := dataio.Read[evalLevel](evalFile(runDir, a.Steps[0]))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return a, fmt.Errorf("experiment: %w", err)
	}
	for _, r := range rows {
		a.LevelN[r.Level]++
	}
	if e.Task == "kk" {
		a.Parts = make([][]Parts, len(a.Steps))
		for i, s := range a.Steps {
			a.Parts[i], err = ReadParts(evalFile(runDir, s))
			if errors.Is(err, fs.ErrNotExist) {
				err = nil // a run that kept no responses
			}
			if err != nil {
				return a, err
			}
		}
	}
	return a, nil
}

// evalFile is the validation responses of an RL run at a step.
func evalFile(runDir string, step int64) string {
	return filepath.Join(runDir, "eval", fmt.Sprintf("step_%05d.parquet", step))
}
