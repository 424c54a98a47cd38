package redistill

import (
	"io"

	"github.com/gomlx/compute"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/evaluate"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// PolicyStats counts what FromPolicy generated and kept.
type PolicyStats struct {
	Prompts  int     // prompts answered
	Correct  int     // rows returned
	Clipped  int     // answers cut at the token limit
	Accuracy float64 // Correct / Prompts
}

// FromPolicy builds set A: the policy m answers every prompt of rows (an SFT
// set, normally the long-CoT training set) greedily as in c, and the correct
// answers become the new responses. The paper decodes greedily with vLLM at
// temperature 0 and keeps answers that kk_no_format.compute_score accepts
// (boxed and ended), which is our evaluation's correctness. It also returns
// the evaluation rows, every answer included.
func FromPolicy(b compute.Backend, m *lm.Model, tok *tokenizer.Tokenizer, rows []dataio.SFTRow, c evaluate.Config,
	progress io.Writer) ([]dataio.SFTRow, []evaluate.Row, PolicyStats, error) {
	prompts := make([]evaluate.Prompt, len(rows))
	for i, r := range rows {
		prompts[i] = evaluate.Prompt{Index: int64(i), Level: r.Level, DataSource: r.DataSource,
			Text: generationPrompt(r.Prompt), GroundTruth: r.GtAnswer}
	}
	answers, _, err := evaluate.Run(b, m, tok, prompts, c, progress)
	if err != nil {
		return nil, nil, PolicyStats{}, err
	}
	out, st := keepCorrect(rows, answers)
	return out, answers, st, nil
}

// keepCorrect turns the correct answers to rows into SFT pairs, in row order.
func keepCorrect(rows []dataio.SFTRow, answers []evaluate.Row) ([]dataio.SFTRow, PolicyStats) {
	st := PolicyStats{Prompts: len(rows)}
	var out []dataio.SFTRow
	for _, a := range answers {
		if !a.Ended {
			st.Clipped++
		}
		if !a.Correct {
			continue
		}
		r := rows[a.Index]
		out = append(out, sftRow(r.ID, a.Prompt, a.Response, r.GtAnswer, r.Level, r.DataSource))
	}
	st.Correct = len(out)
	if st.Prompts > 0 {
		st.Accuracy = float64(st.Correct) / float64(st.Prompts)
	}
	return out, st
}
