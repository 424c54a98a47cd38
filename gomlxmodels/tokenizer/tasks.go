package tokenizer

import (
	"fmt"
	"slices"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// StandardSpecials returns the special tokens of ForTasks in id order: Pad
// (id 0, so zero-filled buffers are padding), EndOfText, ImStart, ImEnd.
func StandardSpecials() []string { return []string{Pad, EndOfText, ImStart, ImEnd} }

// taskWords maps each task name (its data_source) to its word list.
var taskWords = map[string]func() []string{
	kk.DataSource:    kk.Words,
	arith.DataSource: arith.Words,
}

// TaskNames returns the task names ForTasks accepts, sorted.
func TaskNames() []string {
	names := make([]string, 0, len(taskWords))
	for name := range taskWords {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

// ForTasks returns the tokenizer for the named tasks ("kk", "arith"; none
// means all). Its specials are StandardSpecials then Join, in that order;
// its words are, in byte order, "\n", every base word with a leading space,
// and the base words that are not letter runs (digits, punctuation,
// `\boxed{`) also without one. The base words are the tasks' word lists
// (kk.Words, arith.Words), the digits 0–9 and the words of the prompt
// templates (prompt.Qwen and prompt.Base). The same task set always gives
// the same ids; a different task set gives different ids, so save the
// tokenizer with the model.
//
// A letter run with no space before it is written with Join, not as a
// token of its own. With a bare "Zoey" token, the first name of every boxed
// answer ("\boxed{Zoey is …") was a token the prompt never contains (it
// lists " Zoey"), and on roster drills a 4-layer model of width 64 never
// learned that mapping: after 600 steps of 32 drills (PyTorch peer, seed 1)
// the first boxed name stayed at chance, 3.93 nats over 51 names, while
// with one token per name it fell to 0.73. Join costs one token per bare
// word (6% more tokens on K&K prompts, 1–6% on responses) and halves the
// vocabulary (491 tokens for both tasks, from 923).
func ForTasks(tasks ...string) (*Tokenizer, error) {
	if len(tasks) == 0 {
		tasks = TaskNames()
	}
	specials := StandardSpecials()
	sc := scanner{specials: specials}
	base := map[string]bool{}
	for _, task := range tasks {
		words, ok := taskWords[task]
		if !ok {
			return nil, fmt.Errorf("tokenizer: unknown task %q (want one of %q)", task, TaskNames())
		}
		for _, w := range words() {
			if !sc.isPiece(w) || w[0] == ' ' || w == "\n" {
				return nil, fmt.Errorf("tokenizer: task %q lists %q, which is not one bare word of the scanning rule", task, w)
			}
			base[w] = true
		}
	}
	for d := '0'; d <= '9'; d++ {
		base[string(d)] = true
	}
	for _, tmpl := range []string{prompt.Qwen.RL(""), prompt.Qwen.SFT(""), prompt.Base.RL("")} {
		for _, w := range sc.bareWords(tmpl) {
			base[w] = true
		}
	}
	words := []string{"\n"}
	for w := range base {
		words = append(words, " "+w)
		if !isLetter(w[0]) {
			words = append(words, w)
		}
	}
	return New(words, append(specials, Join))
}
