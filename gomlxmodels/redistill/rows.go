package redistill

import (
	"strings"

	"github.com/r1lab/r1lab/datasets/dataio"
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
