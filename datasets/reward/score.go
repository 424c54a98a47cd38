package reward

import (
	"fmt"
	"strings"
)

// Score is the outcome of one reward call.
type Score struct {
	// Value is the scalar reward fed to the RL advantage: 1/0 for the K&K and
	// ARITH rewards, one of 3, 1, −0.5, −1, −3 for Logic-RL.
	Value float64
	// Correct reports whether the final answer was right, independently of
	// any format bonus or penalty: it is what accuracy and pass@1 count
	// (verl's "correctness").
	Correct bool
}

// Binary returns the 1/0 score of a pass/fail verifier: {1, true} if ok,
// otherwise {0, false}.
func Binary(ok bool) Score {
	if ok {
		return Score{Value: 1, Correct: true}
	}
	return Score{}
}

// String formats s as e.g. "1 (correct)" or "-0.5 (wrong)".
func (s Score) String() string {
	verdict := "wrong"
	if s.Correct {
		verdict = "correct"
	}
	return fmt.Sprintf("%g (%s)", s.Value, verdict)
}

// Mean returns the mean Value and the fraction of Correct scores, the two
// numbers verl logs as critic/score/mean and test correctness. Both are 0 for
// an empty slice.
func Mean(scores []Score) (meanValue, accuracy float64) {
	if len(scores) == 0 {
		return 0, 0
	}
	var sum float64
	var nCorrect int
	for _, s := range scores {
		sum += s.Value
		if s.Correct {
			nCorrect++
		}
	}
	n := float64(len(scores))
	return sum / n, float64(nCorrect) / n
}

// End-of-sequence texts of the Qwen tokenizer (ids 151643 and 151645). A
// decoded prompt+response ends with one of them exactly when generation
// stopped on EOS; a truncated response does not, and the paper's rewards give
// it 0.
const (
	// EndOfText is "<|endoftext|>", the base model's EOS and the terminator
	// the paper's SFT data appends.
	EndOfText = "<|endoftext|>"
	// ImEnd is "<|im_end|>", the chat template's end of turn.
	ImEnd = "<|im_end|>"
)

// EndsWithEOS reports whether text ends with EndOfText or ImEnd, with nothing
// after it (not even a space): the paper's test for "not truncated".
func EndsWithEOS(text string) bool {
	return strings.HasSuffix(text, EndOfText) || strings.HasSuffix(text, ImEnd)
}
