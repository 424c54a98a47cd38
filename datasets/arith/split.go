package arith

import (
	"errors"
	"fmt"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/splits"
)

// DataSource is the data_source of ARITH rows; it selects the ARITH reward
// and names the val/test_correctness/arith metric.
const DataSource = "arith"

// DataConfig is everything that determines an ARITH data directory. The
// defaults (DefaultData) mirror the paper's MATH splits, scaled to the toy
// task (research/kk.md §10.1): an SFT pool of 1,000 (900 train, 100 val),
// 11,000 RL training problems and a 500-problem test set, uniform over
// levels 1–5.
type DataConfig struct {
	// Seed seeds every level's problem stream. Default 1234.
	Seed uint64
	// Sizes sets the problems per level of each split (package splits cuts
	// each level's stream test first, then train, then the SFT pool). Default:
	// test {1..5: 100}, train {1..5: 2200}, SFT {1..5: 200}, validation
	// fraction 0.1, shuffle seed 1234.
	Splits splits.Sizes
	// Template wraps problems into prompts. Default prompt.Qwen. Like the
	// paper's MATH prompts there is no format hint: the system line already
	// asks for \boxed{}.
	Template prompt.Template
	// TeacherSeed selects the long-CoT traces' phrasing and slips. Default 1234.
	TeacherSeed uint64
	// TeacherMaxWords caps long-CoT traces; longer ones are retold with less
	// detail (never dropped). Default MaxLongCoTWords.
	TeacherMaxWords int
}

// DefaultData returns the default ARITH data configuration.
func DefaultData() DataConfig {
	per := func(n int) map[int]int {
		m := map[int]int{}
		for l := 1; l <= MaxLevel; l++ {
			m[l] = n
		}
		return m
	}
	return DataConfig{
		Seed:            1234,
		Splits:          splits.Sizes{Test: per(100), Train: per(2200), SFT: per(200), SFTValFraction: 0.1, ShuffleSeed: 1234},
		Template:        prompt.Qwen,
		TeacherSeed:     1234,
		TeacherMaxWords: MaxLongCoTWords,
	}
}

// Validate checks the configuration.
func (c DataConfig) Validate() error {
	if c.TeacherMaxWords <= 0 {
		return errors.New("teacher word cap must be positive")
	}
	return c.Splits.Validate(func(level int) error { _, err := Spec(level); return err })
}

// BuildSplits generates the problems of every split. Problems are keyed by
// their expression, so one that comes up at two levels is kept only in the
// first split that holds it.
func BuildSplits(c DataConfig, progress func(level, n int)) (*splits.Splits[Problem], error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	gen := func(level, n int) ([]Problem, error) { return Generate(c.Seed, level, n) }
	return splits.Cut(c.Splits, gen, func(p Problem) string { return p.Expr }, progress)
}

// BuildBundle generates every ARITH dataset of a data directory: RL train and
// test prompts, the eval file, and short-CoT ("human solution") and long-CoT
// (teacher) SFT sets on the same SFT pool.
func BuildBundle(c DataConfig, progress func(msg string)) (*dataio.Bundle, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, args...))
		}
	}
	s, err := BuildSplits(c, func(level, n int) { say("arith: level %d: %d problems", level, n) })
	if err != nil {
		return nil, err
	}
	if s.Duplicates > 0 {
		say("arith: %d problems left out: their expression is already in an earlier split", s.Duplicates)
	}
	rl := func(ps []Problem, split string) []dataio.RLRow {
		rows := make([]dataio.RLRow, len(ps))
		for i, p := range ps {
			rows[i] = dataio.NewRLRow(c.Template.RL(p.Question), p.GroundTruth(), DataSource, split, int64(i), int64(p.Level))
			idx := int64(p.Index)
			rows[i].ExtraInfo.SourceIndex = &idx
		}
		return rows
	}
	b := &dataio.Bundle{Task: DataSource, Config: c, RLTrain: rl(s.Train, dataio.SplitTrain), RLTest: rl(s.Test, dataio.SplitTest)}
	for i, p := range s.Test {
		b.Eval = append(b.Eval, dataio.EvalRow{Prompt: c.Template.RL(p.Question), DataSource: DataSource,
			ExtraInfo: dataio.EvalExtra{GtAnswer: p.GroundTruth(), Index: int64(i), Level: int64(p.Level)}})
	}
	for _, style := range []string{"short_cot", "long_cot"} {
		sft := func(ps []Problem) []dataio.SFTRow {
			rows := make([]dataio.SFTRow, len(ps))
			for i, p := range ps {
				rows[i] = c.sftRow(p, style == "long_cot")
			}
			return rows
		}
		set := dataio.SFTSet{Name: "sft_" + style, Train: sft(s.SFTTrain), Val: sft(s.SFTVal)}
		b.SFT = append(b.SFT, set)
		say("arith: %s: %d train, %d val", set.Name, len(set.Train), len(set.Val))
	}
	return b, nil
}

// sftRow renders one problem as an SFT pair: the teacher's long CoT or the
// short "human" solution.
func (c DataConfig) sftRow(p Problem, long bool) dataio.SFTRow {
	resp := "\n" + p.ShortCoT() + prompt.EndOfText
	if long {
		resp = "\n" + p.LongCoTWithin(c.TeacherSeed, c.TeacherMaxWords) + prompt.EndOfText
	}
	return dataio.SFTRow{ID: int64(p.Index), Prompt: c.Template.SFT(p.Question), Response: resp,
		GtAnswer: p.GroundTruth(), Level: int64(p.Level), DataSource: DataSource}
}

// TrainTeacherRows returns the teacher's long-CoT SFT pairs for the RL
// training problems at the given row indices (extra_info.index of the
// rl/train.parquet that c builds), in the order given: the re-distillation
// control, which pairs the prompts of a re-distilled set with the teacher's
// responses instead of the policy's.
func TrainTeacherRows(c DataConfig, indices []int64) ([]dataio.SFTRow, error) {
	s, err := BuildSplits(c, nil)
	if err != nil {
		return nil, err
	}
	rows := make([]dataio.SFTRow, len(indices))
	for i, idx := range indices {
		if idx < 0 || idx >= int64(len(s.Train)) {
			return nil, fmt.Errorf("arith: training row index %d out of range [0, %d)", idx, len(s.Train))
		}
		rows[i] = c.sftRow(s.Train[idx], true)
	}
	return rows, nil
}
