package trainer

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress prints one line per step: in place on a terminal, every ~5% of
// the run otherwise (or with quiet), so logs stay short.
type progress struct {
	w      io.Writer
	total  int
	tty    bool
	every  int
	start  time.Time
	active bool
}

func newProgress(w io.Writer, total int, quiet bool) *progress {
	p := &progress{w: w, total: total, start: time.Now(), every: 1}
	if f, ok := w.(*os.File); ok && !quiet {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	if !p.tty {
		p.every = max(1, total/20)
	}
	return p
}

func (p *progress) update(step int, m map[string]float64) {
	if p.w == nil || (step%p.every != 0 && step != p.total) {
		return
	}
	elapsed := time.Since(p.start)
	eta := time.Duration(0)
	if step > 0 {
		eta = elapsed / time.Duration(step) * time.Duration(p.total-step)
	}
	line := fmt.Sprintf("step %d/%d  loss %.4f  lr %.2e  grad %.2f  %.0f tok/s  eta %s",
		step, p.total, m["train/loss"], m["train/lr"], m["train/grad_norm"], m["train/tokens_per_s"], eta.Round(time.Second))
	if v, ok := m["val/loss"]; ok {
		line += fmt.Sprintf("  val %.4f", v)
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.active = true
	} else {
		fmt.Fprintln(p.w, line)
	}
}

func (p *progress) done() {
	if p.w != nil && p.active {
		fmt.Fprintln(p.w)
	}
}
