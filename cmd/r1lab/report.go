package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
)

const reportSummary = `The results of a reproduce run (--dir): results.parquet (every arm's
validation metrics per step and level, long format), figures/*.png (accuracy vs
RL step per arm, per-level accuracy, response length and clip ratio vs step) and
report.md (tables: accuracy at matched steps, per level, efficiency: SFT
samples and RL rollouts spent for the accuracy reached; wall times; seeds).`

// armInfo describes one RL arm of the experiment: its run, where it started
// and what it cost before RL.
type armInfo struct {
	Name      string // e.g. "rl-long"
	ColdStart string // the stage whose model it started from, e.g. "sft-long"
	Label     string // the paper's name for the arm
}

// reproduceArms lists the RL arms in report order.
var reproduceArms = []armInfo{
	{"rl-base", "base", "base (no SFT)"},
	{"rl-short", "sft-short", "short-CoT SFT"},
	{"rl-long", "sft-long", "long-CoT SFT"},
	{"rl-redistill-a", "redistill-a", "re-distilled A"},
	{"rl-redistill-b", "redistill-b", "re-distilled B"},
	{"rl-control", "control", "control (teacher, B prompts)"},
}

// ResultRow is one row of results.parquet: a metric of an arm's validation
// at one RL step, for one level (0: all levels).
type ResultRow struct {
	Arm       string  `parquet:"arm"`        // RL run, e.g. "rl-long"
	ColdStart string  `parquet:"cold_start"` // the model it started from, e.g. "sft-long"
	Step      int64   `parquet:"step"`       // RL step (0: before RL)
	Level     int64   `parquet:"level"`      // 0 for all levels
	Metric    string  `parquet:"metric"`     // correctness, clip_ratio or response_length
	Value     float64 `parquet:"value"`
}

// armResult is what the report knows about one arm.
type armResult struct {
	armInfo
	Steps      []int64              // validation steps
	Acc        []float64            // val accuracy at Steps
	Levels     map[int64][]float64  // per-level accuracy at Steps
	Length     []float64            // val mean response length at Steps
	Clip       []float64            // val clip ratio at Steps
	TrainSteps []int64              // every RL step
	TrainScore []float64            // critic/score/mean per step
	TrainLen   []float64            // response_length/mean per step
	ValN       int                  // validation prompts per evaluation
	SFTRows    int                  // SFT samples of the cold start (0 for base)
	Rollouts   int                  // RL responses sampled
	WallS      float64              // SFT (not pre-training) + RL wall seconds
	extra      map[string][]float64 // kept for other figures
}

func runReport(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", reportSummary, stderr)
	dir := fs.String("dir", "", "a reproduce output directory (required)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usageError{fmt.Errorf("--dir is required")}
	}
	var st reproduceState
	js, err := os.ReadFile(filepath.Join(*dir, stagesFile))
	if err != nil {
		return fmt.Errorf("report: %w (is %s a reproduce directory?)", err, *dir)
	}
	if err := json.Unmarshal(js, &st); err != nil {
		return fmt.Errorf("report: %s: %w", filepath.Join(*dir, stagesFile), err)
	}
	arms, err := collectArms(*dir, st)
	if err != nil {
		return err
	}
	if len(arms) == 0 {
		return fmt.Errorf("report: %s has no finished RL arm yet", *dir)
	}
	var rows []ResultRow
	for _, a := range arms {
		rows = append(rows, a.resultRows()...)
	}
	if err := dataio.Write(filepath.Join(*dir, "results.parquet"), rows); err != nil {
		return err
	}
	figs, err := reportFigures(*dir, st.Task, arms)
	if err != nil {
		return err
	}
	md := reportMarkdown(*dir, st, arms, figs)
	if err := dataio.WriteBytesAtomic(filepath.Join(*dir, "report.md"), []byte(md)); err != nil {
		return err
	}
	fmt.Fprint(stdout, accuracyTable(arms))
	fmt.Fprintf(stdout, "report: %s, %s, %d figures in %s\n", filepath.Join(*dir, "report.md"),
		filepath.Join(*dir, "results.parquet"), len(figs), filepath.Join(*dir, "figures"))
	return nil
}

// collectArms reads every finished RL arm of a reproduce directory.
func collectArms(dir string, st reproduceState) ([]armResult, error) {
	var arms []armResult
	for _, info := range reproduceArms {
		if rec, done := st.Done[info.Name]; !done || rec.Skipped != "" {
			continue
		}
		runDir := filepath.Join(dir, "runs", info.Name)
		steps, cols, err := runlog.Read(filepath.Join(runDir, "metrics.parquet"))
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		a := armResult{armInfo: info, Levels: map[int64][]float64{}, extra: cols}
		acc := cols["val/test_correctness/"+st.Task]
		for i, s := range steps {
			a.TrainSteps = append(a.TrainSteps, s)
			a.TrainScore = append(a.TrainScore, at(cols["critic/score/mean"], i))
			a.TrainLen = append(a.TrainLen, at(cols["response_length/mean"], i))
			if i >= len(acc) || math.IsNaN(acc[i]) {
				continue
			}
			a.Steps = append(a.Steps, s)
			a.Acc = append(a.Acc, acc[i])
			a.Length = append(a.Length, at(cols["val/response_length/mean"], i))
			a.Clip = append(a.Clip, at(cols["val/clip_ratio"], i))
			for name, col := range cols {
				if l, ok := levelOf(name, "val_level_correctness/", "_correctness"); ok {
					a.Levels[l] = append(a.Levels[l], at(col, i))
				}
			}
		}
		// The RL step 0 row has no training metrics: drop it from the training series.
		if len(a.TrainSteps) > 0 && a.TrainSteps[0] == 0 {
			a.TrainSteps, a.TrainScore, a.TrainLen = a.TrainSteps[1:], a.TrainScore[1:], a.TrainLen[1:]
		}
		var rlCfg struct {
			TestRows int `json:"test_rows"`
			RL       struct {
				ValLimit       int `json:"val_limit"`
				Steps          int `json:"steps"`
				PromptsPerStep int `json:"prompts_per_step"`
				GRPO           struct {
					GroupSize int `json:"group_size"`
				} `json:"grpo"`
			} `json:"rl"`
		}
		if err := readJSONFile(filepath.Join(runDir, "config.json"), &rlCfg); err != nil {
			return nil, err
		}
		a.Rollouts = len(a.TrainSteps) * rlCfg.RL.PromptsPerStep * rlCfg.RL.GRPO.GroupSize
		a.ValN = rlCfg.TestRows
		if l := rlCfg.RL.ValLimit; l > 0 && l < a.ValN {
			a.ValN = l
		}
		if info.ColdStart != "base" {
			var sftCfg struct {
				TrainRows int `json:"train_rows"`
			}
			if err := readJSONFile(filepath.Join(dir, "runs", info.ColdStart, "config.json"), &sftCfg); err != nil {
				return nil, err
			}
			a.SFTRows = sftCfg.TrainRows
		}
		a.WallS = st.Done[info.Name].WallS // pre-training is shared by every arm: not counted
		if info.ColdStart != "base" {
			a.WallS += st.Done[info.ColdStart].WallS
		}
		arms = append(arms, a)
	}
	return arms, nil
}

func readJSONFile(path string, v any) error {
	js, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if err := json.Unmarshal(js, v); err != nil {
		return fmt.Errorf("report: %s: %w", path, err)
	}
	return nil
}

func at(col []float64, i int) float64 {
	if i < len(col) {
		return col[i]
	}
	return math.NaN()
}

// levelOf parses the level out of a per-level metric name such as
// "val_level_correctness/5_correctness".
func levelOf(name, prefix, suffix string) (int64, bool) {
	if !strings.HasPrefix(name, prefix) || !strings.HasSuffix(name, suffix) {
		return 0, false
	}
	l, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(name, prefix), suffix), 10, 64)
	return l, err == nil
}

func (a armResult) levels() []int64 {
	var ls []int64
	for l := range a.Levels {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

func (a armResult) resultRows() []ResultRow {
	var rows []ResultRow
	add := func(step int64, level int64, metric string, v float64) {
		if !math.IsNaN(v) {
			rows = append(rows, ResultRow{Arm: a.Name, ColdStart: a.ColdStart, Step: step, Level: level, Metric: metric, Value: v})
		}
	}
	for i, s := range a.Steps {
		add(s, 0, "correctness", a.Acc[i])
		add(s, 0, "clip_ratio", a.Clip[i])
		add(s, 0, "response_length", a.Length[i])
		for _, l := range a.levels() {
			add(s, l, "correctness", a.Levels[l][i])
		}
	}
	return rows
}
