package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// StagesFile is the name of an experiment's stage record, in its directory.
const StagesFile = "stages.json"

// StageRecord is what stages.json keeps about a finished stage.
type StageRecord struct {
	// Args is the stage's r1lab command line, without "r1lab" (nil for a
	// stage skipped before it ran).
	Args []string `json:"args"`
	// Skipped says why the stage produced nothing ("" when it did): an empty
	// re-distilled set, or a stage it needs that was skipped.
	Skipped  string    `json:"skipped,omitempty"`
	WallS    float64   `json:"wall_s"`   // wall seconds the stage took
	Finished time.Time `json:"finished"` // when it finished (UTC)
}

// State is the content of stages.json: what `r1lab reproduce` ran, and how
// far it got.
type State struct {
	Preset string                 `json:"preset"`
	Task   string                 `json:"task"`
	Seed   uint64                 `json:"seed"`
	Stages []string               `json:"stages"` // every stage, in order
	Done   map[string]StageRecord `json:"done"`   // the finished stages
}

// Experiment is an experiment directory, as its stages.json describes it.
type Experiment struct {
	Dir string // the directory, as given to Open
	State
}

// Open reads dir/stages.json. A missing file is an error that wraps
// fs.ErrNotExist (the directory holds no experiment yet).
func Open(dir string) (*Experiment, error) {
	path := filepath.Join(dir, StagesFile)
	js, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("experiment: %w (is %s a reproduce directory?)", err, dir)
	}
	e := &Experiment{Dir: dir}
	if err := json.Unmarshal(js, &e.State); err != nil {
		return nil, fmt.Errorf("experiment: %s: %w", path, err)
	}
	if e.Done == nil {
		e.Done = map[string]StageRecord{}
	}
	return e, nil
}

// Status is "" for a stage that finished with output, else why it has none:
// "not run" or "skipped: <why>".
func (e *Experiment) Status(stage string) string {
	rec, ok := e.Done[stage]
	switch {
	case !ok:
		return "not run"
	case rec.Skipped != "":
		return "skipped: " + rec.Skipped
	}
	return ""
}

// RunDir is the run directory of a stage (runs/<stage>).
func (e *Experiment) RunDir(stage string) string {
	return filepath.Join(e.Dir, "runs", stage)
}

// TotalWallS is the wall time of the finished stages, in seconds.
func (e *Experiment) TotalWallS() float64 {
	total := 0.0
	for _, name := range e.Stages {
		total += e.Done[name].WallS
	}
	return total
}

// readJSON decodes the JSON file path into v.
func readJSON(path string, v any) error {
	js, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("experiment: %w", err)
	}
	if err := json.Unmarshal(js, v); err != nil {
		return fmt.Errorf("experiment: %s: %w", path, err)
	}
	return nil
}
