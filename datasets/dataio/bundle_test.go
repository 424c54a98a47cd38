package dataio

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func sampleBundle() *Bundle {
	idx := int64(41)
	train := NewRLRow("prompt a", "A is a knight", "kk", SplitTrain, 0, 3)
	train.ExtraInfo.SourceIndex = &idx
	return &Bundle{
		Task:    "kk",
		Config:  map[string]int{"seed": 1234},
		RLTrain: []RLRow{train, NewRLRow("prompt b", "B is a knave", "kk", SplitTrain, 1, 4)},
		RLTest:  []RLRow{NewRLRow("prompt c", "C is a knight", "kk", SplitTest, 0, 4)},
		Eval:    []EvalRow{{Prompt: "prompt c", DataSource: "kk", ExtraInfo: EvalExtra{GtAnswer: "C is a knight", Level: 4}}},
		SFT: []SFTSet{{Name: "sft_short_cot", Train: []SFTRow{{ID: 7, Prompt: "p", Response: "\nr", GtAnswer: "g", Level: 2}},
			Val: []SFTRow{{ID: 8, Prompt: "q", Response: "\ns", GtAnswer: "h", Level: 3}}, Dropped: 2}},
	}
}

func TestBundleWriteDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "kk")
	b := sampleBundle()
	if err := b.WriteDir(dir, false); err != nil {
		t.Fatal(err)
	}
	got, err := ReadRL(filepath.Join(dir, "rl", "train.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, b.RLTrain) {
		t.Errorf("rl/train round trip:\n got %+v\nwant %+v", got, b.RLTrain)
	}
	if got[0].ExtraInfo.SourceIndex == nil || *got[0].ExtraInfo.SourceIndex != 41 || got[1].ExtraInfo.SourceIndex != nil {
		t.Errorf("source_index did not round-trip as 41 and nil")
	}
	sft, err := ReadSFT(filepath.Join(dir, "sft_short_cot", "val.parquet"))
	if err != nil || len(sft) != 1 || sft[0].ID != 8 {
		t.Errorf("sft val = %+v, %v", sft, err)
	}
	var m Manifest
	js, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
	if err != nil || json.Unmarshal(js, &m) != nil {
		t.Fatalf("manifest: %v", err)
	}
	if m.Task != "kk" || m.Rows["rl/train.parquet"] != 2 || m.Rows["sft_short_cot/val.parquet"] != 1 || m.Dropped["sft_short_cot"] != 2 {
		t.Errorf("manifest = %+v", m)
	}
	var sum bytes.Buffer
	if err := b.Summary(&sum); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"rl/train.parquet", "3:1 4:1", "sft_short_cot/val.parquet", "2 pool puzzles dropped"} {
		if !strings.Contains(sum.String(), want) {
			t.Errorf("summary lacks %q:\n%s", want, sum.String())
		}
	}
}

func TestBundleWriteDirAllOrNothing(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "kk")
	if err := sampleBundle().WriteDir(dir, false); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, "rl", "train.parquet"))

	// A non-empty directory is not replaced without the flag.
	if err := sampleBundle().WriteDir(dir, false); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("second write without replace: %v, want an error mentioning --force", err)
	}
	// A bundle that fails half-way (invalid UTF-8 in the last file) leaves the
	// old directory byte-identical and no staging directory behind.
	bad := sampleBundle()
	bad.RLTrain[0].Prompt[0].Content = "changed"
	bad.SFT[0].Val[0].Response = "\xff"
	if err := bad.WriteDir(dir, true); err == nil {
		t.Fatal("write of a bundle with invalid UTF-8 succeeded")
	}
	after, _ := os.ReadFile(filepath.Join(dir, "rl", "train.parquet"))
	if !bytes.Equal(before, after) {
		t.Error("failed write changed rl/train.parquet")
	}
	entries, _ := os.ReadDir(parent)
	if len(entries) != 1 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("parent holds %v, want only kk", names)
	}
	// With replace, a good bundle replaces the directory.
	good := sampleBundle()
	good.RLTrain = good.RLTrain[:1]
	if err := good.WriteDir(dir, true); err != nil {
		t.Fatal(err)
	}
	if rows, _ := ReadRL(filepath.Join(dir, "rl", "train.parquet")); len(rows) != 1 {
		t.Errorf("after replace: %d rows, want 1", len(rows))
	}
}
