package study

import (
	"fmt"
	"math"

	"github.com/r1lab/r1lab/analysis/stats"
)

// RankRow is one SFT set in analysis 2 (ranking.parquet): its mean SE at the base (analysis 1)
// next to the accuracy its SFT model reached (the greedy validation at step 0 of the RL arm that
// starts from it) and the accuracy after that arm's RL.
type RankRow struct {
	Set         string  `parquet:"set"`
	Arm         string  `parquet:"arm"`
	MeanSE      float64 `parquet:"mean_se"`
	SFTAccuracy float64 `parquet:"sft_accuracy"` // val/test_correctness/<task> at RL step 0
	RLAccuracy  float64 `parquet:"rl_accuracy"`  // at the arm's last validation
	RLStep      int64   `parquet:"rl_step"`      // that validation's step
}

// Ranking is the outcome of analysis 2: Spearman's ρ between the sets' mean SE and the
// accuracies, with paired-bootstrap intervals (resamples where a ranking is constant are left out).
type Ranking struct {
	Rows   []RankRow
	SFT    stats.Interval // ρ(mean SE, SFTAccuracy)
	RL     stats.Interval // ρ(mean SE, RLAccuracy)
	SFTErr error          // why SFT has no value (too few sets, constant accuracies), or nil
	RLErr  error
}

// RankSets computes the rank correlations of analysis 2 over rows (at least 3 sets).
func RankSets(rows []RankRow, opts Options) (*Ranking, error) {
	if len(rows) < 3 {
		return nil, fmt.Errorf("study: ranking needs ≥ 3 SFT sets with a finished RL arm, have %d", len(rows))
	}
	r := &Ranking{Rows: rows}
	se, sft, rlAcc := make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows))
	for i, row := range rows {
		se[i], sft[i], rlAcc[i] = row.MeanSE, row.SFTAccuracy, row.RLAccuracy
	}
	r.SFT, r.SFTErr = stats.SpearmanCI(se, sft, opts.Resamples, opts.Seed, opts.Level)
	r.RL, r.RLErr = stats.SpearmanCI(se, rlAcc, opts.Resamples, opts.Seed, opts.Level)
	if r.SFTErr != nil {
		r.SFT = stats.Interval{Estimate: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	if r.RLErr != nil {
		r.RL = stats.Interval{Estimate: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	}
	return r, nil
}
