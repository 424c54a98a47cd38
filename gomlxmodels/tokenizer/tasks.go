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
// means all). Its specials are StandardSpecials, in that order; its words
// are, in byte order, "\n" plus every base word with and without a leading
// space, where the base words are the tasks' word lists (kk.Words,
// arith.Words), the digits 0–9 and the words of the prompt templates
// (prompt.Qwen and prompt.Base). The same task set always gives the same
// ids; a different task set gives different ids, so save the tokenizer with
// the model.
//
// Every base word gets both variants, although some (" Zoey" versus
// "Zoey") occur only one way: which way is a fact about today's phrasing
// that would have to be kept in sync, and an unused token costs one
// embedding row.
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
		words = append(words, w, " "+w)
	}
	return New(words, specials)
}
