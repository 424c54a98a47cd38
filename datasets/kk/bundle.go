package kk

import (
	"fmt"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// DataConfig is everything that determines a K&K data directory.
type DataConfig struct {
	// Splits sets the puzzles of each split (default: the paper's sizes).
	Splits SplitConfig
	// Template wraps quizzes into prompts (default prompt.Qwen, the paper's).
	Template prompt.Template
	// Teacher configures the long-CoT traces (default DefaultTeacher).
	Teacher TeacherConfig
	// AnswerDrills, when not nil, adds the answer drills set (AnswerDrillsSet).
	// Default nil: the paper has none.
	AnswerDrills *AnswerDrillConfig `json:",omitempty"`
}

// AnswerDrillsSet is the name of the answer drills' SFT set, written to
// <data>/answer_drills/{train,val}.parquet.
const AnswerDrillsSet = "answer_drills"

// answerDrillsValEvery holds one drill in that many out for the validation
// loss (2%).
const answerDrillsValEvery = 50

// DefaultData returns the paper's K&K data configuration.
func DefaultData() DataConfig {
	return DataConfig{Splits: DefaultSplits(), Template: prompt.Qwen, Teacher: DefaultTeacher}
}

// BuildBundle generates every K&K dataset of a data directory: RL train and
// test prompts, the eval file, the short-CoT and long-CoT SFT sets on the
// same SFT pool and, when configured, the answer drills. progress, if not
// nil, receives one line per finished stage.
func BuildBundle(c DataConfig, progress func(msg string)) (*dataio.Bundle, error) {
	say := func(format string, args ...any) {
		if progress != nil {
			progress(fmt.Sprintf(format, args...))
		}
	}
	s, err := BuildSplits(c.Splits, func(level, n int) { say("kk: level %d: %d puzzles", level, n) })
	if err != nil {
		return nil, err
	}
	b := &dataio.Bundle{
		Task:    DataSource,
		Config:  c,
		RLTrain: RLRows(s.Train, dataio.SplitTrain, c.Template),
		RLTest:  RLRows(s.Test, dataio.SplitTest, c.Template),
		Eval:    EvalRows(s.Test, c.Template),
	}
	for _, style := range []CoTStyle{ShortCoTStyle, LongCoTStyle} {
		set := dataio.SFTSet{Name: "sft_" + string(style)}
		var d1, d2 int
		if set.Train, d1, err = SFTRows(s.SFTTrain, style, c.Template, c.Teacher); err != nil {
			return nil, err
		}
		if set.Val, d2, err = SFTRows(s.SFTVal, style, c.Template, c.Teacher); err != nil {
			return nil, err
		}
		set.Dropped = d1 + d2
		b.SFT = append(b.SFT, set)
		say("kk: %s: %d train, %d val, %d dropped", set.Name, len(set.Train), len(set.Val), set.Dropped)
	}
	if c.AnswerDrills != nil {
		drills, err := AnswerDrills(*c.AnswerDrills, s, c.Splits.NamePool)
		if err != nil {
			return nil, err
		}
		rows, _, err := SFTRows(drills, AnswerOnlyStyle, c.Template, c.Teacher)
		if err != nil {
			return nil, err
		}
		set := dataio.SFTSet{Name: AnswerDrillsSet}
		for i, r := range rows {
			if i%answerDrillsValEvery == answerDrillsValEvery-1 {
				set.Val = append(set.Val, r)
			} else {
				set.Train = append(set.Train, r)
			}
		}
		b.SFT = append(b.SFT, set)
		say("kk: %s: %d train, %d val", set.Name, len(set.Train), len(set.Val))
	}
	return b, nil
}
