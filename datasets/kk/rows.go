package kk

import (
	"errors"
	"fmt"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// Hint is the answer-format instruction the paper appends to every quiz,
// leading space included (research/kk.md §6.1).
const Hint = ` Your final answer should be in this format: \boxed{XX is a knave, YY is a knight, ...}`

// DataSource is the data_source of K&K rows; it selects the paper's K&K
// reward and names the val/test_correctness/kk metric.
const DataSource = "kk"

// UserMessage is the user turn of the paper's prompt: the quiz and the hint.
func (p Puzzle) UserMessage() string { return p.Quiz + Hint }

// ShortCoTResponse is the paper's short-CoT SFT response: a newline, the
// template chain of thought, the boxed answer and the end-of-text marker.
func (p Puzzle) ShortCoTResponse() string {
	return "\n" + p.ShortCoT() + p.AnswerOnlyResponse()
}

// LongCoTResponse is a long-CoT SFT response: a newline, the teacher's
// trace (which ends with the boxed answer) and the end-of-text marker, as the
// paper builds it from R1's reasoning_content.
func (p Puzzle) LongCoTResponse(t TeacherConfig) (string, error) {
	trace, err := t.LongCoT(p)
	if err != nil {
		return "", err
	}
	return "\n" + trace + prompt.EndOfText, nil
}

// CoTStyle selects the responses of an SFT dataset.
type CoTStyle string

// The SFT response styles.
const (
	ShortCoTStyle   CoTStyle = "short_cot"   // template deduction trace (mem-kk's own CoT)
	LongCoTStyle    CoTStyle = "long_cot"    // the teacher's verbose trace (stand-in for R1)
	AnswerOnlyStyle CoTStyle = "answer_only" // the boxed answer alone (answer drills; not the paper's)
)

// RLRows renders puzzles as verl RL rows. extra_info.index is the row's
// position (the GRPO group key, as in the paper), extra_info.source_index the
// puzzle's index in its level's sampler run.
func RLRows(ps []Puzzle, split string, t prompt.Template) []dataio.RLRow {
	rows := make([]dataio.RLRow, len(ps))
	for i, p := range ps {
		rows[i] = dataio.NewRLRow(t.RL(p.UserMessage()), p.GroundTruth(), DataSource, split, int64(i), int64(p.People()))
		idx := int64(p.Index)
		rows[i].ExtraInfo.SourceIndex = &idx
	}
	return rows
}

// EvalRows renders puzzles in the paper's evaluation layout (prompt as a
// plain string).
func EvalRows(ps []Puzzle, t prompt.Template) []dataio.EvalRow {
	rows := make([]dataio.EvalRow, len(ps))
	for i, p := range ps {
		rows[i] = dataio.EvalRow{
			Prompt:     t.RL(p.UserMessage()),
			DataSource: DataSource,
			ExtraInfo:  dataio.EvalExtra{GtAnswer: p.GroundTruth(), Index: int64(i), Level: int64(p.People())},
		}
	}
	return rows
}

// SFTRows renders puzzles as SFT pairs in the given style. The id is the
// puzzle's index in its sampler run (as in the paper's short-CoT files).
// Long-CoT traces over the teacher's word cap are dropped, as the paper drops
// R1 traces over 4,000 tokens; dropped counts them.
func SFTRows(ps []Puzzle, style CoTStyle, t prompt.Template, teacher TeacherConfig) (rows []dataio.SFTRow, dropped int, err error) {
	for _, p := range ps {
		var resp string
		switch style {
		case ShortCoTStyle:
			resp = p.ShortCoTResponse()
		case AnswerOnlyStyle:
			resp = p.AnswerOnlyResponse()
		case LongCoTStyle:
			resp, err = p.LongCoTResponse(teacher)
			if errors.Is(err, ErrTraceTooLong) {
				dropped++
				continue
			} else if err != nil {
				return nil, 0, err
			}
		default:
			return nil, 0, fmt.Errorf("unknown CoT style %q (want %q, %q or %q)", style, ShortCoTStyle, LongCoTStyle, AnswerOnlyStyle)
		}
		rows = append(rows, dataio.SFTRow{
			ID:         int64(p.Index),
			Prompt:     t.SFT(p.UserMessage()),
			Response:   resp,
			GtAnswer:   p.GroundTruth(),
			Level:      int64(p.People()),
			DataSource: DataSource,
		})
	}
	return rows, dropped, nil
}

// TrainTeacherRows returns the teacher's long-CoT SFT pairs for the RL
// training puzzles at the given row indices (extra_info.index of the
// rl/train.parquet that c builds), in the order given: the re-distillation
// control, which pairs the prompts of a re-distilled set with the teacher's
// responses instead of the policy's. Traces over the word cap are dropped
// and counted, as in SFTRows.
func TrainTeacherRows(c DataConfig, indices []int64) (rows []dataio.SFTRow, dropped int, err error) {
	s, err := BuildSplits(c.Splits, nil)
	if err != nil {
		return nil, 0, err
	}
	ps := make([]Puzzle, len(indices))
	for i, idx := range indices {
		if idx < 0 || idx >= int64(len(s.Train)) {
			return nil, 0, fmt.Errorf("kk: training row index %d out of range [0, %d)", idx, len(s.Train))
		}
		ps[i] = s.Train[idx]
	}
	return SFTRows(ps, LongCoTStyle, c.Template, c.Teacher)
}
