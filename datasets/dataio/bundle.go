package dataio

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

// SFTSet is one SFT dataset of a bundle (e.g. "sft_short_cot").
type SFTSet struct {
	// Name is the dataset's directory name, e.g. "sft_short_cot".
	Name string
	// Train and Val are the SFT pairs of the two parts.
	Train, Val []SFTRow
	// Dropped counts pool puzzles with no response in this set (a teacher
	// trace over its length cap, as the paper drops R1 traces over 4,000 tokens).
	Dropped int
}

// Bundle is everything a task generator writes into one data directory:
//
//	rl/train.parquet        RL training prompts (verl layout)
//	rl/test.parquet         test prompts (verl layout, greedy validation during RL)
//	eval/test.parquet       the same test prompts in the paper's eval layout
//	<sft name>/train.parquet, <sft name>/val.parquet   one folder per SFT set
//	manifest.json           task, effective config, row counts
type Bundle struct {
	// Task names the task ("kk", "arith").
	Task string
	// Config is the effective generator configuration, saved in manifest.json.
	Config any
	// RLTrain and RLTest are the RL prompts.
	RLTrain, RLTest []RLRow
	// Eval holds the test prompts in the eval layout.
	Eval []EvalRow
	// SFT holds the SFT datasets.
	SFT []SFTSet
}

// Manifest is the content of a data directory's manifest.json.
type Manifest struct {
	Task      string         `json:"task"`
	Created   string         `json:"created"`
	Config    any            `json:"config"`
	Rows      map[string]int `json:"rows"`    // file (relative path) → row count
	Dropped   map[string]int `json:"dropped"` // SFT set → dropped pool puzzles
	Generator string         `json:"generator"`
}

// Files returns the bundle's files as relative path → row count.
func (b *Bundle) Files() map[string]int {
	m := map[string]int{
		"rl/train.parquet":  len(b.RLTrain),
		"rl/test.parquet":   len(b.RLTest),
		"eval/test.parquet": len(b.Eval),
	}
	for _, s := range b.SFT {
		m[s.Name+"/train.parquet"] = len(s.Train)
		m[s.Name+"/val.parquet"] = len(s.Val)
	}
	return m
}

// WriteDir writes the bundle into dir, all or nothing: every file is first
// written into a fresh staging directory beside dir, which then replaces
// dir. A failure leaves dir as it was. An existing non-empty dir is replaced
// only with replace set, so a typo cannot wipe a directory.
func (b *Bundle) WriteDir(dir string, replace bool) error {
	dir = filepath.Clean(dir)
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 && !replace {
		return fmt.Errorf("output directory %s exists and is not empty (pass --force to replace it)", dir)
	} else if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("output directory %s: %w", dir, err)
	}
	return WriteDirAtomic(dir, b.writeFiles)
}

func (b *Bundle) writeFiles(root string) error {
	at := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
	if err := Write(at("rl/train.parquet"), b.RLTrain); err != nil {
		return err
	}
	if err := Write(at("rl/test.parquet"), b.RLTest); err != nil {
		return err
	}
	if err := Write(at("eval/test.parquet"), b.Eval); err != nil {
		return err
	}
	dropped := map[string]int{}
	for _, s := range b.SFT {
		if err := Write(at(s.Name+"/train.parquet"), s.Train); err != nil {
			return err
		}
		if err := Write(at(s.Name+"/val.parquet"), s.Val); err != nil {
			return err
		}
		dropped[s.Name] = s.Dropped
	}
	m := Manifest{Task: b.Task, Created: time.Now().UTC().Format(time.RFC3339), Config: b.Config,
		Rows: b.Files(), Dropped: dropped, Generator: "r1lab data"}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	return WriteBytesAtomic(at("manifest.json"), append(js, '\n'))
}

// Summary writes a table of every file's rows, rows per level and mean
// prompt and response lengths in words.
func (b *Bundle) Summary(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "file\trows\trows per level\tprompt words\tresponse words")
	line := func(name string, levels []int64, prompts, responses []string) {
		resp := "-"
		if responses != nil {
			resp = fmt.Sprintf("%.1f", meanWords(responses))
		}
		fmt.Fprintf(tw, "%s\t%d\t%s\t%.1f\t%s\n", name, len(levels), perLevel(levels), meanWords(prompts), resp)
	}
	rl := func(name string, rows []RLRow) {
		lv, pr := make([]int64, len(rows)), make([]string, len(rows))
		for i, r := range rows {
			lv[i], pr[i] = r.ExtraInfo.Level, r.PromptText()
		}
		line(name, lv, pr, nil)
	}
	rl("rl/train.parquet", b.RLTrain)
	rl("rl/test.parquet", b.RLTest)
	lv, pr := make([]int64, len(b.Eval)), make([]string, len(b.Eval))
	for i, r := range b.Eval {
		lv[i], pr[i] = r.ExtraInfo.Level, r.Prompt
	}
	line("eval/test.parquet", lv, pr, nil)
	for _, s := range b.SFT {
		for _, part := range []struct {
			name string
			rows []SFTRow
		}{{"train", s.Train}, {"val", s.Val}} {
			lv, pr, rs := make([]int64, len(part.rows)), make([]string, len(part.rows)), make([]string, len(part.rows))
			for i, r := range part.rows {
				lv[i], pr[i], rs[i] = r.Level, r.Prompt, r.Response
			}
			line(s.Name+"/"+part.name+".parquet", lv, pr, rs)
		}
		if s.Dropped > 0 {
			fmt.Fprintf(tw, "%s: %d pool puzzles dropped (trace over the length cap)\t\t\t\t\n", s.Name, s.Dropped)
		}
	}
	return tw.Flush()
}

func meanWords(texts []string) float64 {
	if len(texts) == 0 {
		return 0
	}
	n := 0
	for _, t := range texts {
		n += len(strings.Fields(t))
	}
	return float64(n) / float64(len(texts))
}

// perLevel renders level counts as "3:2000 4:2000 …".
func perLevel(levels []int64) string {
	m := map[int64]int{}
	for _, l := range levels {
		m[l]++
	}
	keys := make([]int64, 0, len(m))
	for l := range m {
		keys = append(keys, l)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, l := range keys {
		parts[i] = fmt.Sprintf("%d:%d", l, m[l])
	}
	return strings.Join(parts, " ")
}

// ReadManifest reads dir/manifest.json and decodes its generator config into
// config (a pointer to the task's DataConfig), returning the task name. The
// config is decoded into what config points to as is: pass a zero value,
// since JSON objects merge into maps that are already filled.
func ReadManifest(dir string, config any) (task string, err error) {
	path := filepath.Join(dir, "manifest.json")
	js, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var m struct {
		Task   string          `json:"task"`
		Config json.RawMessage `json:"config"`
	}
	if err := json.Unmarshal(js, &m); err != nil {
		return "", fmt.Errorf("%s: %w", path, err)
	}
	if config != nil {
		if err := json.Unmarshal(m.Config, config); err != nil {
			return "", fmt.Errorf("%s: config: %w", path, err)
		}
	}
	return m.Task, nil
}
