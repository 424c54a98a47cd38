package reward

import "strings"

// Prompt pieces of the paper's RL prompt (research/kk.md §6.1), so that the
// tests score full prompt+response strings as verl does: the prompt carries
// an empty box and the hint's example box, which a response without a box
// falls back to.
const (
	headQwen = "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n<|im_start|>user\n"
	kkHint   = " Your final answer should be in this format: \\boxed{XX is a knave, YY is a knight, ...}"
	kkQuiz   = "A very special island is inhabited only by knights and knaves. Knights always tell the truth, and knaves always lie. You meet 2 inhabitants: Zoey, and Oliver. Zoey remarked, \"Oliver is a knight\". Oliver stated, \"Zoey is a knave\". So who is a knight and who is a knave?"
	kkPrompt = headQwen + kkQuiz + kkHint + "<|im_end|>\n<|im_start|>assistant\n"
	kkGT     = "Zoey is a knave, Oliver is a knight"
)

// logicRLPrompt is Logic-RL's qwen-instruct prompt (research/kk.md §6.2),
// shortened in the middle; it ends with the "<think>" the response continues.
const logicRLPrompt = "<|im_start|>system\nYou are a helpful assistant. The reasoning process and answer are enclosed within <think> </think> and<answer> </answer> tags, respectively, i.e., <think> reasoning process here </think><answer> answer here </answer>.  Now the user asks you to solve a logical reasoning problem. i.e., <answer> (1) Zoey is a knight\n(2) ... </answer>.\n<|im_end|>\n<|im_start|>user\nQUIZ\n<|im_end|>\n<|im_start|>assistant\n<think>"

// naiveLastBoxed is a direct, quadratic restatement of LastBoxed's contract
// (findall semantics over balanced boxes), used as the oracle in tests.
func naiveLastBoxed(text string) (string, bool) {
	res, ok := "", false
	for i := 0; i < len(text); {
		if strings.HasPrefix(text[i:], boxOpen) {
			depth, j := 1, i+len(boxOpen)
			for ; j < len(text) && depth > 0; j++ {
				switch text[j] {
				case '{':
					depth++
				case '}':
					depth--
				}
			}
			if depth == 0 {
				res, ok = text[i+len(boxOpen):j-1], true
				i = j
				continue
			}
		}
		i++
	}
	return res, ok
}

// maxBraceDepth is the deepest brace nesting in text, ignoring stray "}".
func maxBraceDepth(text string) int {
	depth, best := 0, 0
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '{':
			depth++
			best = max(best, depth)
		case '}':
			if depth > 0 {
				depth--
			}
		}
	}
	return best
}
