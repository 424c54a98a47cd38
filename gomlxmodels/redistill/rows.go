package redistill

import (
	"strings"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// assistantHeader ends a Qwen chat prompt; an RL prompt adds the newline
// that an SFT pair keeps at the start of its response.
const assistantHeader = "<|im_start|>assistant"

// sftRow turns an RL-style prompt and a generated response into an SFT pair
// laid out like the task's own SFT files: the newline after the assistant
// header moves from the prompt to the response, so the trained token
// sequence is unchanged and the loss covers the same tokens as for teacher
// data.
func sftRow(id int64, prompt, response, groundTruth string, level int64, source string) dataio.SFTRow {
	if strings.HasSuffix(prompt, assistantHeader+"\n") {
		prompt, response = strings.TrimSuffix(prompt, "\n"), "\n"+response
	}
	return dataio.SFTRow{ID: id, Prompt: prompt, Response: response, GtAnswer: groundTruth, Level: level, DataSource: source}
}

// generationPrompt is the inverse for SFT prompts: the prompt a policy
// answers, as in RL and evaluation.
func generationPrompt(sftPrompt string) string {
	if strings.HasSuffix(sftPrompt, assistantHeader) {
		return sftPrompt + "\n"
	}
	return sftPrompt
}

// Encodable keeps the rows whose prompt and response tok encodes, in order, and returns how many
// it dropped. A model's output decodes to text that need not encode again (a vocabulary id
// outside the tokenizer decodes as U+FFFD; words glued by a join marker, "That" + join + " Emma",
// did until the tokenizer learnt to split them). Sets A and B hold a policy's own text, and SFT
// re-encodes it, so such rows are left out of the set rather than failing the fine-tuning that
// reads it.
func Encodable(tok *tokenizer.Tokenizer, rows []dataio.SFTRow) ([]dataio.SFTRow, int) {
	var kept []dataio.SFTRow
	for _, r := range rows {
		if _, err := tok.Encode(r.Prompt); err != nil {
			continue
		}
		if _, err := tok.Encode(r.Response); err != nil {
			continue
		}
		kept = append(kept, r)
	}
	return kept, len(rows) - len(kept)
}
