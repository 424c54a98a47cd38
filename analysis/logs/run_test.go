package logs

import (
	"path/filepath"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
)

func TestDetect(t *testing.T) {
	ours, paper := ourRun(t), paperBuffer(t)
	trl := t.TempDir()
	writeParquet(t, filepath.Join(trl, "completions_00001.parquet"), []trlOldRow{{Step: 1, Prompt: "p", Completion: "c"}})
	tests := []struct {
		path string
		want Layout
	}{
		{ours, Ours},
		{filepath.Join(ours, "eval", "final.parquet"), Ours},
		{paper, Paper},
		{filepath.Join(paper, "step_1.jsonl"), Paper},
		{trl, TRL},
		{filepath.Join(trl, "completions_00001.parquet"), TRL},
	}
	for _, tc := range tests {
		got, err := Detect(tc.path)
		if err != nil || got != tc.want {
			t.Errorf("Detect(%s) = %q, %v; want %q", tc.path, got, err, tc.want)
		}
	}
}

func TestDetectErrors(t *testing.T) {
	dir := t.TempDir()
	type other struct {
		X int64 `parquet:"x"`
	}
	otherPath := filepath.Join(dir, "x.parquet")
	if err := dataio.Write(otherPath, []other{{1}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		want string
	}{
		{t.TempDir(), "no run logs found"},
		{filepath.Join(dir, "missing"), "no such file"},
		{writeFile(t, dir, "a.txt", "x"), "not a log file"},
		{otherPath, "neither a completion (TRL) nor a response (r1lab) column"},
		{writeFile(t, dir, "b.parquet", "not parquet"), "not a readable Parquet file"},
	}
	for _, tc := range tests {
		_, err := ReadRun(tc.path)
		wantErr(t, err, tc.want)
	}
}

func TestStepOf(t *testing.T) {
	tests := []struct {
		name string
		step int64
		ok   bool
	}{
		{"step_00005.parquet", 5, true},
		{"step_5.parquet", 5, true},
		{"step_.parquet", 0, false},
		{"step_5a.parquet", 0, false},
		{"step_-5.parquet", 0, false},
		{"step_5.jsonl", 0, false},
		{"val_step_5.parquet", 0, false},
		{"step_99999999999999999999.parquet", 0, false},
	}
	for _, tc := range tests {
		step, ok := stepOf(tc.name, "step_", ".parquet")
		if step != tc.step || ok != tc.ok {
			t.Errorf("stepOf(%q) = %d, %v; want %d, %v", tc.name, step, ok, tc.step, tc.ok)
		}
	}
}
