package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
)

// SetSource is an SFT set of an experiment directory.
type SetSource struct {
	Name string // the stage that fine-tunes the base on it: sft-short, sft-long, redistill-a, …
	File string // its train.parquet
	Arm  string // the RL arm that starts from that stage's model ("" when it has not finished)
}

// ArmSource is a finished RL arm of an experiment directory.
type ArmSource struct {
	Name      string // e.g. "rl-long"
	Dir       string // its run directory
	ColdStart string // the stage whose model it started from, e.g. "sft-long" (or "base")
	Initial   string // that model's directory: the policy at step 0
	Config    rl.Config
	// Checkpoints are the run's checkpoints on disk, oldest first (only the newest
	// Config.Keep survive a run).
	Checkpoints []checkpoint.Checkpoint
}

// Experiment is what an `r1lab reproduce` directory holds for the analyses.
type Experiment struct {
	*experiment.Experiment        // stages.json
	TestFile               string // data/<task>/rl/test.parquet
	Sets                   []SetSource
	Arms                   []ArmSource
	// Missing says, one line each, which sets and arms are absent and why.
	Missing []string
}

// experimentStages maps each SFT stage to its data file (relative to the experiment directory,
// %s the task) and its RL arm, in the order of cmd/r1lab/presets.go.
var experimentStages = []struct{ stage, file, arm string }{
	{"sft-short", "data/%s/sft_short_cot/train.parquet", "rl-short"},
	{"sft-long", "data/%s/sft_long_cot/train.parquet", "rl-long"},
	{"redistill-a", "runs/redistill-a/data/train.parquet", "rl-redistill-a"},
	{"redistill-b", "runs/redistill-b/data/train.parquet", "rl-redistill-b"},
	{"control", "runs/control/data/train.parquet", "rl-control"},
}

// Model is the model directory a stage wrote: runs/<stage>/model.
func (x *Experiment) Model(stage string) string { return filepath.Join(x.RunDir(stage), "model") }

// rlArmOf is the RL arm that starts from stage's model: "rl-base" for "base", "rl-short" for
// "sft-short", …; "" for a stage no arm starts from.
func rlArmOf(stage string) string {
	for _, a := range experiment.RLArms {
		if a.ColdStart == stage {
			return a.Name
		}
	}
	return ""
}

// OpenExperiment reads an `r1lab reproduce` directory (analysis/experiment.Open): the SFT sets on
// disk and the finished RL arms with their configs and checkpoints. Absent parts are listed in
// Missing; unreadable files are errors naming them.
func OpenExperiment(dir string) (*Experiment, error) {
	e, err := experiment.Open(dir)
	if err != nil {
		return nil, err
	}
	if e.Task == "" {
		return nil, fmt.Errorf("study: %s: no task", filepath.Join(dir, experiment.StagesFile))
	}
	x := &Experiment{Experiment: e, TestFile: filepath.Join(dir, "data", e.Task, "rl", "test.parquet")}
	for _, a := range experiment.RLArms {
		if why := e.Status(a.Name); why != "" {
			x.Missing = append(x.Missing, fmt.Sprintf("arm %s: %s", a.Name, why))
			continue
		}
		arm, err := openArm(e, a)
		if err != nil {
			return nil, err
		}
		x.Arms = append(x.Arms, *arm)
	}
	for _, s := range experimentStages {
		file := filepath.Join(dir, strings.ReplaceAll(s.file, "%s", e.Task))
		if rec := e.Done[s.stage]; rec.Skipped != "" {
			x.Missing = append(x.Missing, fmt.Sprintf("set %s: its stage was skipped (%s)", s.stage, rec.Skipped))
			continue
		}
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			x.Missing = append(x.Missing, fmt.Sprintf("set %s: %s does not exist", s.stage, file))
			continue
		} else if err != nil {
			return nil, fmt.Errorf("study: %w", err)
		}
		src := SetSource{Name: s.stage, File: file}
		if x.Arm(s.arm) != nil {
			src.Arm = s.arm
		}
		x.Sets = append(x.Sets, src)
	}
	return x, nil
}

// Arm returns the arm of that name, or nil.
func (x *Experiment) Arm(name string) *ArmSource {
	for i := range x.Arms {
		if x.Arms[i].Name == name {
			return &x.Arms[i]
		}
	}
	return nil
}

// ArmNames expands a comma-separated list of RL arms, as `r1lab effect
// --arms` takes it: "all" stands for every arm of the experiment that ran,
// in its order; blank entries are dropped; an empty result is nil.
func (x *Experiment) ArmNames(list string) []string {
	var out []string
	for _, a := range strings.Split(list, ",") {
		if a = strings.TrimSpace(a); a == "all" {
			for _, arm := range x.Arms {
				out = append(out, arm.Name)
			}
		} else if a != "" {
			out = append(out, a)
		}
	}
	return out
}

// Set returns the set of that name, or nil.
func (x *Experiment) Set(name string) *SetSource {
	for i := range x.Sets {
		if x.Sets[i].Name == name {
			return &x.Sets[i]
		}
	}
	return nil
}

func openArm(e *experiment.Experiment, a experiment.Arm) (*ArmSource, error) {
	runDir := e.RunDir(a.Name)
	cfgFile := filepath.Join(runDir, experiment.ConfigFile)
	js, err := os.ReadFile(cfgFile)
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	var cfg struct {
		RL *rl.Config `json:"rl"`
	}
	if err := json.Unmarshal(js, &cfg); err != nil {
		return nil, fmt.Errorf("study: %s: %w", cfgFile, err)
	}
	if cfg.RL == nil {
		return nil, fmt.Errorf("study: %s: no \"rl\" config (is %s an RL run?)", cfgFile, runDir)
	}
	ckpts, err := checkpoint.List(filepath.Join(runDir, "checkpoints"))
	if err != nil {
		return nil, fmt.Errorf("study: %w", err)
	}
	return &ArmSource{Name: a.Name, Dir: runDir, ColdStart: a.ColdStart, Initial: filepath.Join(e.RunDir(a.ColdStart), "model"),
		Config: *cfg.RL, Checkpoints: ckpts}, nil
}
