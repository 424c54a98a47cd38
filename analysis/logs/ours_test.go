package logs

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
)

// ourRun writes a small r1lab run directory: rollouts of steps 1 and 2 (two
// samples of one prompt each), eval files of steps 0 and 2 plus a named one,
// and a metrics table with validation at steps 0 and 2.
func ourRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for step := int64(1); step <= 2; step++ {
		rows := []rl.Rollout{
			{Step: step, Index: 7, Sample: 0, Level: 3, DataSource: "kk", Prompt: "P", Response: "R0", GroundTruth: "G",
				Reward: 1, Correct: true, Advantage: 0.7, SumLogProb: -3, SumSampleLogProb: -2.5, Length: 12, Seed: 99},
			{Step: step, Index: 7, Sample: 1, Level: 3, DataSource: "kk", Prompt: "P", Response: "R1", GroundTruth: "G",
				Advantage: -0.7, SumLogProb: -9, SumSampleLogProb: -8, Length: 40, Truncated: true, Seed: 100},
		}
		if err := dataio.Write(rl.StepFile(dir, rl.RolloutsDir, int(step)), rows); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"step_00000.parquet", "step_00002.parquet", "final.parquet"} {
		rows := []evaluate.Row{{Index: 1, Level: 4, DataSource: "kk", Prompt: "Q", Response: "A", GroundTruth: "G",
			Reward: 1, Correct: true, Ended: true, Length: 5, SumLogProb: -1.5}}
		if err := dataio.Write(filepath.Join(dir, rl.EvalDir, name), rows); err != nil {
			t.Fatal(err)
		}
	}
	log, err := runlog.Open(filepath.Join(dir, MetricsFile))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		step int
		vals map[string]float64
	}{
		{0, map[string]float64{"val/test_score/kk": 0.1}},
		{1, map[string]float64{"critic/score/mean": 0.5}},
		{2, map[string]float64{"critic/score/mean": 0.6, "val/test_score/kk": 0.3}},
	} {
		if err := log.Add(m.step, m.vals); err != nil {
			t.Fatal(err)
		}
	}
	if err := log.Flush(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestReadOurRun(t *testing.T) {
	dir := ourRun(t)
	run, err := ReadRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if run.Layout != Ours || len(run.Samples) != 7 {
		t.Fatalf("layout %q with %d samples, want r1lab with 7", run.Layout, len(run.Samples))
	}
	train, eval := run.Split()
	if len(train) != 4 || len(eval) != 3 {
		t.Fatalf("%d train and %d eval samples, want 4 and 3", len(train), len(eval))
	}
	want := Sample{Source: rl.StepFile(dir, rl.RolloutsDir, 2), Pos: 1, Step: 2, Index: 7, Sample: 1, Level: 3,
		DataSource: "kk", Prompt: "P", Response: "R1", GroundTruth: "G", Advantage: -0.7, HasAdvantage: true,
		SumLogProb: -9, SumSampleLogProb: -8, HasLogProb: true, Length: 40, Truncated: true, Seed: 100}
	if train[3] != want {
		t.Errorf("last rollout = %+v\nwant %+v", train[3], want)
	}
	for i, wantStep := range []int64{0, 2, -1} {
		s := eval[i]
		if s.Step != wantStep || !s.Eval || s.Truncated || !s.Correct || s.SumSampleLogProb != -1.5 || s.HasAdvantage {
			t.Errorf("eval sample %d = %+v, want step %d", i, s, wantStep)
		}
	}
	m := run.Metrics
	if m == nil {
		t.Fatal("no metrics")
	}
	steps, vals := m.Series("val/test_score/kk")
	if len(steps) != 2 || steps[0] != 0 || steps[1] != 2 || vals[1] != 0.3 {
		t.Errorf("Series = %v, %v; want [0 2], [0.1 0.3]", steps, vals)
	}
	if s, v := m.Series("nope"); s != nil || v != nil {
		t.Error("unknown series is not empty")
	}
	if names := m.Names(); len(names) != 2 || names[0] != "critic/score/mean" {
		t.Errorf("Names = %v", names)
	}
	if !math.IsNaN(m.Cols["critic/score/mean"][0]) {
		t.Error("unmeasured metric is not NaN")
	}
}

func TestReadOurFiles(t *testing.T) {
	dir := ourRun(t)
	for _, tc := range []struct {
		path  string
		n     int
		eval  bool
		step  int64
		layot Layout
	}{
		{rl.StepFile(dir, rl.RolloutsDir, 1), 2, false, 1, Ours},
		{rl.StepFile(dir, rl.EvalDir, 2), 1, true, 2, Ours},
		{filepath.Join(dir, rl.EvalDir, "final.parquet"), 1, true, -1, Ours},
	} {
		run, err := ReadRun(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		if run.Layout != tc.layot || len(run.Samples) != tc.n || run.Samples[0].Eval != tc.eval || run.Samples[0].Step != tc.step {
			t.Errorf("%s: %+v", tc.path, run)
		}
	}
}

func TestOursErrors(t *testing.T) {
	t.Run("step mismatch", func(t *testing.T) {
		dir := t.TempDir()
		path := rl.StepFile(dir, rl.RolloutsDir, 1)
		if err := dataio.Write(path, []rl.Rollout{{Step: 1}, {Step: 3}}); err != nil {
			t.Fatal(err)
		}
		_, err := ReadRollouts(dir)
		wantErr(t, err, path, "row 1", "step 3", "says step 1")
	})
	t.Run("wrong column type", func(t *testing.T) {
		dir := t.TempDir()
		path := rl.StepFile(dir, rl.RolloutsDir, 1)
		type bad struct {
			Step string `parquet:"step"`
		}
		if err := dataio.Write(path, []bad{{"x"}}); err != nil {
			t.Fatal(err)
		}
		_, err := ReadRun(dir)
		wantErr(t, err, path, `column "step"`)
	})
	t.Run("not parquet", func(t *testing.T) {
		dir := t.TempDir()
		path := writeFile(t, dir, "eval/step_00000.parquet", "garbage, not parquet")
		_, err := ReadEval(dir)
		wantErr(t, err, path)
	})
	t.Run("no metrics", func(t *testing.T) {
		_, err := ReadMetrics(t.TempDir())
		wantErr(t, err, MetricsFile)
	})
}

// TestReadSampledEvalFile: an eval file of sampled responses keeps each row's
// sample number and its log-prob under the tempered sampling distribution.
func TestReadSampledEvalFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "eval.parquet")
	one, two, lq := int64(1), int64(2), -1.2
	rows := []evaluate.Row{
		{Index: 3, Level: 2, DataSource: "kk", Sample: &one, Response: "A", SumLogProb: -2, SumSampleLogProb: &lq},
		{Index: 3, Level: 2, DataSource: "kk", Sample: &two, Response: "B", SumLogProb: -4, SumSampleLogProb: nil},
	}
	if err := dataio.Write(path, rows); err != nil {
		t.Fatal(err)
	}
	got, err := ReadEvalFile(path, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Sample != 1 || got[0].SumSampleLogProb != -1.2 || got[1].Sample != 2 || got[1].SumSampleLogProb != -4 ||
		got[0].Step != 5 || !got[0].Eval {
		t.Errorf("samples %+v", got)
	}
}
