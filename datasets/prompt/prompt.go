// Package prompt holds the prompt templates the paper's code assembles by
// hand (deep-reasoning, research/kk.md §6.1): the Qwen chat template with the
// "\boxed{}" system line, and the base-model "Question:/Answer:" template.
//
// The strings are exact. The Qwen RL prompt ends with "assistant\n"; the SFT
// prompt ends with "assistant" and the SFT response starts with "\n", so
// prompt+response is the same text either way.
package prompt

import "fmt"

// Chat-template markers of Qwen2.5, kept as literal text: r1lab's tokenizer
// maps each to one special token.
const (
	ImStart   = "<|im_start|>"
	ImEnd     = "<|im_end|>"
	EndOfText = "<|endoftext|>"
)

// SystemLine is the paper's system message (research/kk.md §6.1).
const SystemLine = `Please reason step by step, and put your final answer within \boxed{}.`

// QwenHead is everything before the user's message in the paper's Qwen
// template: system turn, then the opening of the user turn.
const QwenHead = ImStart + "system\n" + SystemLine + ImEnd + "\n" + ImStart + "user\n"

// qwenAssistant opens the assistant turn (without the trailing newline).
const qwenAssistant = ImEnd + "\n" + ImStart + "assistant"

// Template selects how a user message is wrapped into a prompt.
type Template string

// The templates of the paper's code that r1lab implements.
const (
	// Qwen is the hand-built Qwen2.5 chat template (the paper's default).
	Qwen Template = "qwen"
	// Base is the base-model template: "Question:\n…\nAnswer:\nLet's think step by step."
	Base Template = "base"
)

// ParseTemplate returns the template named s, or an error listing the valid names.
func ParseTemplate(s string) (Template, error) {
	switch Template(s) {
	case Qwen, Base:
		return Template(s), nil
	}
	return "", fmt.Errorf("unknown prompt template %q (want %q or %q)", s, Qwen, Base)
}

// RL wraps a user message into the prompt used for RL rollouts and greedy
// evaluation. For Qwen it ends with "assistant\n".
func (t Template) RL(user string) string {
	if t == Base {
		return "Question:\n" + user + "\nAnswer:\nLet's think step by step."
	}
	return QwenHead + user + qwenAssistant + "\n"
}

// SFT wraps a user message into the prompt of an SFT pair. For Qwen it ends
// with "assistant" and the response must start with "\n" (as in the paper's
// SFT files); for Base it equals RL.
func (t Template) SFT(user string) string {
	if t == Base {
		return t.RL(user)
	}
	return QwenHead + user + qwenAssistant
}
