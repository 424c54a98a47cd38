package experiment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
)

// fixtureStages is the stages.json of the fixture experiment: rl-base and
// rl-short finished with results; rl-long is still running; redistill-a came
// out empty, so rl-redistill-a was skipped; rl-redistill-b finished but was
// never validated; control and rl-control have not run.
const fixtureStages = `{
  "preset": "smoke", "task": "kk", "seed": 7,
  "stages": ["data", "base", "sft-short", "sft-long", "rl-base", "rl-short", "rl-long", "redistill-a",
    "redistill-b", "control", "rl-redistill-a", "rl-redistill-b", "rl-control", "report"],
  "done": {
    "data":      {"args": ["data", "--task", "kk"], "wall_s": 1, "finished": "2025-01-02T03:04:05Z"},
    "base":      {"args": ["pretrain", "--out", "runs/base"], "wall_s": 100, "finished": "2025-01-02T03:04:05Z"},
    "sft-short": {"args": ["sft"], "wall_s": 10, "finished": "2025-01-02T03:04:05Z"},
    "sft-long":  {"args": ["sft"], "wall_s": 20, "finished": "2025-01-02T03:04:05Z"},
    "rl-base":   {"args": ["rl", "--out", "runs/rl-base"], "wall_s": 30, "finished": "2025-01-02T03:04:05Z"},
    "rl-short":  {"args": ["rl"], "wall_s": 40, "finished": "2025-01-02T03:04:05Z"},
    "redistill-a": {"args": ["redistill", "--mode", "a"], "skipped": "redistill: the a set is empty", "wall_s": 2,
      "finished": "2025-01-02T03:04:05Z"},
    "redistill-b": {"args": ["redistill", "--mode", "b"], "wall_s": 5, "finished": "2025-01-02T03:04:05Z"},
    "rl-redistill-a": {"args": null, "skipped": "needs redistill-a, which was skipped", "wall_s": 0,
      "finished": "2025-01-02T03:04:05Z"},
    "rl-redistill-b": {"args": ["rl"], "wall_s": 50, "finished": "2025-01-02T03:04:05Z"}
  }
}`

// writeFile writes data to dir/rel, creating its directories.
func writeFile(t *testing.T, dir, rel string, data []byte) {
	t.Helper()
	path := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// writeConfig writes a run's config.json.
func writeConfig(t *testing.T, dir, run string, cfg any) {
	t.Helper()
	js, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, dir, filepath.Join("runs", run, ConfigFile), js)
}

// rlConfigJSON is an RL run's config.json, as cmd/r1lab/rl.go writes it (the fields read here).
func rlConfigJSON(testRows, valLimit int) map[string]any {
	return map[string]any{"command": "rl", "test_rows": testRows, "train_rows": 99,
		"rl": map[string]any{"steps": 2, "prompts_per_step": 2, "val_limit": valLimit, "grpo": map[string]any{"group_size": 4}}}
}

// writeMetrics writes a run's metrics.parquet with gomlxmodels/runlog, one Add per step.
func writeMetrics(t *testing.T, dir, run string, steps []map[string]float64) {
	t.Helper()
	l, err := runlog.Open(filepath.Join(dir, "runs", run, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	for step, m := range steps {
		if err := l.Add(step, m); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Flush(); err != nil {
		t.Fatal(err)
	}
}

// evalRow is a validation response (a few columns of gomlxmodels/evaluate.Row).
type evalRow struct {
	Index       int64  `parquet:"index"`
	Level       int64  `parquet:"level"`
	DataSource  string `parquet:"data_source"`
	Prompt      string `parquet:"prompt"`
	Response    string `parquet:"response"`
	GroundTruth string `parquet:"ground_truth"`
	Correct     bool   `parquet:"correctness"`
	Ended       bool   `parquet:"ended"`
}

// kkRow is a K&K validation response on a puzzle whose people are all
// knights: it boxes the clauses given (name and role, in order) and, when
// ended, the end-of-text marker. Its correctness is the reward's.
func kkRow(index int64, people int, ended bool, clauses ...string) evalRow {
	truth := make([]string, people)
	for i := range truth {
		truth[i] = fmt.Sprintf("P%d is a knight", i)
	}
	r := evalRow{Index: index, Level: int64(people), DataSource: "kk", Prompt: "p", Ended: ended,
		GroundTruth: strings.Join(truth, ", ")}
	if len(clauses) > 0 {
		r.Response = `So \boxed{` + strings.Join(clauses, ", ") + "}."
	}
	if ended {
		r.Response += reward.EndOfText
	}
	r.Correct = reward.KK(r.Response, r.GroundTruth).Correct
	return r
}

// answer is r as the answer breakdown reads it.
func (r evalRow) answer() Answer {
	return Answer{Index: r.Index, Level: r.Level, DataSource: r.DataSource, Response: r.Response,
		GroundTruth: r.GroundTruth, Correct: r.Correct, Ended: r.Ended}
}

// val is the validation metrics of a step: accuracy, length, clip ratio and per-level accuracy.
func val(acc, length, clip float64, levels map[int]float64) map[string]float64 {
	m := map[string]float64{"val/test_correctness/kk": acc, "val/test_score/kk": acc,
		"val/response_length/mean": length, "val/clip_ratio": clip}
	for l, v := range levels {
		m["val_level_correctness/"+strconv.Itoa(l)+"_correctness"] = v
	}
	return m
}

// train is the training metrics of a step.
func train(score, length float64) map[string]float64 {
	return map[string]float64{"critic/score/mean": score, "response_length/mean": length, "actor/pg_loss": 0.1}
}

// merge merges metric maps.
func merge(ms ...map[string]float64) map[string]float64 {
	out := map[string]float64{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// fixture writes a small experiment directory (see fixtureStages) and returns it.
func fixture(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	writeFile(t, dir, StagesFile, []byte(fixtureStages))
	writeConfig(t, dir, "sft-short", map[string]any{"command": "sft", "train_rows": 12, "val_rows": 3})
	writeConfig(t, dir, "sft-long", map[string]any{"command": "sft", "train_rows": 11, "val_rows": 3})
	writeConfig(t, dir, "redistill-b", map[string]any{"command": "sft", "train_rows": 4, "val_rows": 3})

	// rl-base: validated at steps 0 and 2 on 8 of 10 test prompts (val_limit 8), level 4
	// missing at step 2.
	writeMetrics(t, dir, "rl-base", []map[string]float64{
		val(0.25, 100, 0.5, map[int]float64{3: 1.0 / 3, 4: 0.2}),
		train(0.125, 90),
		merge(train(0.375, 80), val(0.5, 70, 0.25, map[int]float64{3: 2.0 / 3})),
	})
	writeConfig(t, dir, "rl-base", rlConfigJSON(10, 8))
	// Its step-0 responses: 3 on 3 people, 5 on 4; right at indices 0 and 4
	// (see TestArmParts for their breakdown).
	evalRows := []evalRow{
		kkRow(0, 3, true, "P0 is a knight", "P1 is a knight", "P2 is a knight"),
		kkRow(1, 3, true, "P2 is a knave", "P0 is a knight", "P1 is a knave"),
		kkRow(2, 3, true),
		kkRow(3, 4, true, "P0 is a knight", "P1 is a knave", "P2 is a knight", "P3 is a knave"),
		kkRow(4, 4, true, "P0 is a knight", "P1 is a knight", "P2 is a knight", "P3 is a knight"),
		kkRow(5, 4, false, "P0 is a knight", "P1 is a knight", "P2 is a knight", "P3 is a knight"),
		kkRow(6, 4, true, "P0 is a knight", "Zoey is a knight", "P2 is a knight", "P3 is a knight"),
		kkRow(7, 4, true, "P0 is a knight", "P1 is a knight", "P2 is a knight"),
	}
	if err := dataio.Write(filepath.Join(dir, "runs", "rl-base", "eval", "step_00000.parquet"), evalRows); err != nil {
		t.Fatal(err)
	}

	// rl-short: validated at every step with 4 samples per prompt, all 10 test prompts, no eval files.
	writeMetrics(t, dir, "rl-short", []map[string]float64{
		val(0.1, 50, 0, map[int]float64{3: 0.2, 4: 0}),
		merge(train(0.25, 60), val(0.3, 55, 0.1, map[int]float64{3: 0.4, 4: 0.2})),
		merge(train(0.5, 65), val(0.6, 58, 0.2, map[int]float64{3: 0.8, 4: 0.4})),
	})
	sampled := rlConfigJSON(10, 0)
	sampled["rl"].(map[string]any)["val_samples"], sampled["rl"].(map[string]any)["val_temperature"] = 4, 0.7
	writeConfig(t, dir, "rl-short", sampled)

	// rl-redistill-b: trained, never validated.
	writeMetrics(t, dir, "rl-redistill-b", []map[string]float64{{"timing_s/testing": 1}, train(0, 10), train(0, 12)})
	writeConfig(t, dir, "rl-redistill-b", rlConfigJSON(10, 0))

	// rl-long is running: a partial log and no stage record.
	writeMetrics(t, dir, "rl-long", []map[string]float64{val(0, 1, 1, nil)})
	return dir
}
