package experiment

import (
	"errors"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	dir := fixture(t)
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if e.Dir != dir || e.Preset != "smoke" || e.Task != "kk" || e.Seed != 7 {
		t.Errorf("Open: dir %q, preset %q, task %q, seed %d", e.Dir, e.Preset, e.Task, e.Seed)
	}
	if len(e.Stages) != 14 || e.Stages[0] != "data" || e.Stages[13] != "report" {
		t.Errorf("stages %v", e.Stages)
	}
	base := e.Done["rl-base"]
	if !slices.Equal(base.Args, []string{"rl", "--out", "runs/rl-base"}) || base.WallS != 30 || base.Skipped != "" ||
		!base.Finished.Equal(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("rl-base record %+v", base)
	}
	if rec := e.Done["redistill-a"]; rec.Skipped != "redistill: the a set is empty" || rec.WallS != 2 {
		t.Errorf("redistill-a record %+v", rec)
	}
	for stage, want := range map[string]string{
		"rl-base":        "",
		"rl-long":        "not run",
		"redistill-a":    "skipped: redistill: the a set is empty",
		"rl-redistill-a": "skipped: needs redistill-a, which was skipped",
		"report":         "not run",
	} {
		if got := e.Status(stage); got != want {
			t.Errorf("Status(%s) = %q, want %q", stage, got, want)
		}
	}
	if got, want := e.TotalWallS(), 1.0+100+10+20+30+40+2+5+0+50; got != want {
		t.Errorf("TotalWallS = %v, want %v", got, want)
	}
	if got := e.RunDir("rl-long"); got != filepath.Join(dir, "runs", "rl-long") {
		t.Errorf("RunDir = %s", got)
	}
}

func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "reproduce directory") {
		t.Errorf("Open of an empty directory: %v", err)
	}
	writeFile(t, dir, StagesFile, []byte(`{"preset": 3}`))
	if _, err := Open(dir); err == nil || !strings.Contains(err.Error(), StagesFile) {
		t.Errorf("Open of a malformed stages.json: %v", err)
	}
	writeFile(t, dir, StagesFile, []byte(`{"preset": "quick", "task": "kk"}`))
	e, err := Open(dir)
	if err != nil || e.Done == nil || e.Status("data") != "not run" {
		t.Errorf("Open of a fresh stages.json: %+v, %v", e, err)
	}
}
