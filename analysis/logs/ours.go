package logs

import (
	"fmt"
	"path/filepath"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
)

// stepPrefix and parquetExt name r1lab's per-step files (rl.StepFile).
const (
	stepPrefix = "step_"
	parquetExt = ".parquet"
)

// ReadRollouts reads the training rollouts of an r1lab run directory: every
// rollouts/step_NNNNN.parquet, in step order. Every field of rl.Rollout is
// kept (HasAdvantage and HasLogProb are true). A row whose step differs from
// its file name's is an error. A run without rollouts gives none.
func ReadRollouts(runDir string) ([]Sample, error) {
	files, err := stepFiles(filepath.Join(runDir, rl.RolloutsDir), stepPrefix, parquetExt)
	if err != nil {
		return nil, err
	}
	var out []Sample
	for _, f := range files {
		s, err := ReadRolloutFile(f.path)
		if err != nil {
			return nil, err
		}
		for i := range s {
			if s[i].Step != f.step {
				return nil, fmt.Errorf("logs: %s row %d: step %d, but the file name says step %d", f.path, i, s[i].Step, f.step)
			}
		}
		out = append(out, s...)
	}
	return out, nil
}

// ReadRolloutFile reads one rollout file (rl.Rollout rows). Its schema is
// checked first (dataio.Read): a missing or mistyped column is an error
// naming the file and the column.
func ReadRolloutFile(path string) ([]Sample, error) {
	rows, err := dataio.Read[rl.Rollout](path)
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	out := make([]Sample, len(rows))
	for i, r := range rows {
		out[i] = Sample{Source: path, Pos: int64(i), Step: r.Step, Index: r.Index, Sample: r.Sample, Level: r.Level,
			DataSource: r.DataSource, Prompt: r.Prompt, Response: r.Response, GroundTruth: r.GroundTruth,
			Reward: r.Reward, Correct: r.Correct, Advantage: r.Advantage, HasAdvantage: true,
			SumLogProb: r.SumLogProb, SumSampleLogProb: r.SumSampleLogProb, HasLogProb: true,
			Length: r.Length, Truncated: r.Truncated, Seed: r.Seed}
	}
	return out, nil
}

// ReadEval reads the evaluation responses of an r1lab run directory: every
// eval/*.parquet, step files (eval/step_NNNNN.parquet) first in step order,
// then other files by name (their Step is -1).
func ReadEval(runDir string) ([]Sample, error) {
	dir := filepath.Join(runDir, rl.EvalDir)
	files, err := stepFiles(dir, stepPrefix, parquetExt)
	if err != nil {
		return nil, err
	}
	names, err := listDir(dir, parquetExt)
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, ok := stepOf(n, stepPrefix, parquetExt); !ok {
			files = append(files, stepFile{filepath.Join(dir, n), -1})
		}
	}
	var out []Sample
	for _, f := range files {
		s, err := ReadEvalFile(f.path, f.step)
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// ReadEvalFile reads one evaluation file (evaluate.Row rows) as samples of
// the given step (-1: unknown). An eval file has one greedy response per
// prompt, or several sampled ones (`r1lab eval --samples`, `r1lab rl
// --val-samples`): Sample is the row's sample column (0 in files written
// before it existed), Truncated is !Ended, HasLogProb is true (with
// SumSampleLogProb from its column; in older files, all greedy, equal to
// SumLogProb, as greedy decoding has no temperature) and there is no advantage.
func ReadEvalFile(path string, step int64) ([]Sample, error) {
	rows, err := dataio.Read[evaluate.Row](path)
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	out := make([]Sample, len(rows))
	for i, r := range rows {
		sample, sampleLP := int64(0), r.SumLogProb
		if r.Sample != nil {
			sample = *r.Sample
		}
		if r.SumSampleLogProb != nil {
			sampleLP = *r.SumSampleLogProb
		}
		out[i] = Sample{Source: path, Pos: int64(i), Eval: true, Step: step, Index: r.Index, Sample: sample, Level: r.Level,
			DataSource: r.DataSource, Prompt: r.Prompt, Response: r.Response, GroundTruth: r.GroundTruth,
			Reward: r.Reward, Correct: r.Correct, SumLogProb: r.SumLogProb, SumSampleLogProb: sampleLP,
			HasLogProb: true, Length: r.Length, Truncated: !r.Ended}
	}
	return out, nil
}
