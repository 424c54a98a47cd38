package rl

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"
)

// progress prints one line per step: RL steps take seconds to minutes, so every line is worth
// keeping in a log.
type progress struct {
	w     io.Writer
	total int
	first int // the first step this process runs
	start time.Time
}

func (p *progress) step(step int, m map[string]float64) {
	if p.w == nil {
		return
	}
	line := fmt.Sprintf("rl step %d/%d", step, p.total)
	if step > 0 {
		done := step - p.first + 1
		eta := time.Since(p.start) / time.Duration(done) * time.Duration(p.total-step)
		line += fmt.Sprintf("  score %.3f  len %.1f  clip %.2f  grad %.3f  %.0f tok/s  %.1f s  eta %s",
			m["critic/score/mean"], m["response_length/mean"], m["response_length/clip_ratio"],
			m["actor/grad_norm"], m["perf/rollout_tokens_per_s"], m["timing_s/step"], eta.Round(time.Second))
		if kl, ok := m["critic/kl"]; ok {
			line += fmt.Sprintf("  kl %.4f", kl)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if src, ok := strings.CutPrefix(name, valPrefix); ok {
			line += fmt.Sprintf("  val %s %.3f", src, m[name])
		}
	}
	if roles, ok := m["val/role_accuracy/kk"]; ok {
		line += fmt.Sprintf(" (named %.3f, roles right %.3f)", m["val/named/kk"], roles)
	}
	fmt.Fprintln(p.w, line)
}

const valPrefix = "val/test_correctness/"
