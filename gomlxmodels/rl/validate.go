package rl

import (
	"slices"
	"time"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
)

// validate runs the validation of step (after its update; step 0 is the initial policy): greedy,
// or Config.ValSamples responses per prompt at Config.ValTemperature. It writes every response
// to eval/step_NNNNN.parquet and returns the validation metrics under evaluate's verl names
// (with the K&K answer breakdown), plus val/test_score/<data_source> (mean reward) and
// timing_s/testing.
func (r *runner) validate(step int) (map[string]float64, evaluate.Summary, error) {
	start := time.Now()
	rows, sum, err := evaluate.Run(r.b, r.m, r.tok, evalPrompts(r.val), r.c.evalConfig(step), nil)
	if err != nil {
		return nil, sum, err
	}
	if err := dataio.Write(StepFile(r.o.Dir, EvalDir, step), rows); err != nil {
		return nil, sum, err
	}
	bySource := map[string][]evaluate.Row{}
	var sources []string
	for _, row := range rows {
		if _, ok := bySource[row.DataSource]; !ok {
			sources = append(sources, row.DataSource)
		}
		bySource[row.DataSource] = append(bySource[row.DataSource], row)
	}
	slices.Sort(sources)
	// Level metrics cover every row; correctness and score are per data source, as verl's.
	m := sum.Metrics(sources[0])
	for _, src := range sources {
		rs := bySource[src]
		m["val/test_correctness/"+src] = evaluate.Summarize(rs).Accuracy
		total := 0.0
		for _, row := range rs {
			total += row.Reward
		}
		m["val/test_score/"+src] = total / float64(len(rs))
	}
	m["timing_s/testing"] = time.Since(start).Seconds()
	return m, sum, nil
}
