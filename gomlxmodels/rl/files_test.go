package rl

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestRemoveStepFilesAfter: only step files after the given step go, in both directories; other
// names stay.
func TestRemoveStepFilesAfter(t *testing.T) {
	for _, tc := range []struct {
		after int
		want  []string
	}{
		{-1, []string{"notes.txt", "step_x.parquet"}},
		{0, []string{"notes.txt", "step_00000.parquet", "step_x.parquet"}},
		{2, []string{"notes.txt", "step_00000.parquet", "step_00001.parquet", "step_00002.parquet", "step_x.parquet"}},
		{9, []string{"notes.txt", "step_00000.parquet", "step_00001.parquet", "step_00002.parquet", "step_00003.parquet", "step_x.parquet"}},
	} {
		dir := t.TempDir()
		for _, sub := range []string{RolloutsDir, EvalDir} {
			if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
				t.Fatal(err)
			}
			for _, name := range []string{"step_00000.parquet", "step_00001.parquet", "step_00002.parquet", "step_00003.parquet", "notes.txt", "step_x.parquet"} {
				if err := os.WriteFile(filepath.Join(dir, sub, name), nil, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := removeStepFilesAfter(dir, tc.after); err != nil {
			t.Fatal(err)
		}
		for _, sub := range []string{RolloutsDir, EvalDir} {
			entries, _ := os.ReadDir(filepath.Join(dir, sub))
			var got []string
			for _, e := range entries {
				got = append(got, e.Name())
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("after %d, %s holds %v, want %v", tc.after, sub, got, tc.want)
			}
		}
	}
	if err := removeStepFilesAfter(filepath.Join(t.TempDir(), "missing"), 0); err != nil {
		t.Errorf("missing directory: %v", err)
	}
	if got := StepFile("runs/x", RolloutsDir, 7); got != filepath.Join("runs/x", "rollouts", "step_00007.parquet") {
		t.Errorf("StepFile: %s", got)
	}
}
