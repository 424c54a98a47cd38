package study

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/datasets/dataio"
)

// StampFile, in a report's folder, records what the report was computed from: Report.Write
// writes it last, so a folder whose writing was interrupted has none, and Covers reads it.
const StampFile = "stamp.json"

// stamp is StampFile's content.
type stamp struct {
	Experiment string  // the experiment directory, absolute
	Stages     string  // its stages.json's modification time (RFC 3339): a rerun stage changes it
	Options    Options // the options the report was computed with
}

// stampOf is the stamp of a report on x with opts.
func stampOf(x *Experiment, opts Options) (stamp, error) {
	dir, err := filepath.Abs(x.Dir)
	if err != nil {
		return stamp{}, fmt.Errorf("study: %w", err)
	}
	st, err := os.Stat(filepath.Join(x.Dir, experiment.StagesFile))
	if err != nil {
		return stamp{}, fmt.Errorf("study: %w", err)
	}
	return stamp{Experiment: dir, Stages: st.ModTime().UTC().Format(time.RFC3339Nano), Options: opts}, nil
}

// removeStamp removes dir's stamp before the report in it is rewritten, so that a write that
// stops half-way leaves no stamp to vouch for it.
func removeStamp(dir string) error {
	if err := os.Remove(filepath.Join(dir, StampFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("study: %w", err)
	}
	return nil
}

// writeStamp writes dir's stamp once every other file of the report is on disk.
func (r *Report) writeStamp(dir string) error {
	path := filepath.Join(dir, StampFile)
	s, err := stampOf(r.Experiment, r.Options)
	if err != nil {
		return err
	}
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("study: %s: %w", path, err)
	}
	return dataio.WriteBytesAtomic(path, append(js, '\n'))
}

// Covers reports whether dir holds a complete report on x, as it is now, that answers opts: one
// written by Report.Write (by `r1lab effect` or a notebook) with the same options, except that
// it may have run more analyses. A notebook then reads it instead of recomputing what
// `r1lab effect` already measured. A missing or unreadable stamp is not an error: it covers
// nothing.
func Covers(dir string, x *Experiment, opts Options) (bool, error) {
	js, err := os.ReadFile(filepath.Join(dir, StampFile))
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("study: %w", err)
	}
	var old stamp
	if json.Unmarshal(js, &old) != nil {
		return false, nil
	}
	want, err := stampOf(x, opts)
	if err != nil {
		return false, err
	}
	for _, a := range opts.Analyses {
		if !slices.Contains(old.Options.Analyses, a) {
			return false, nil
		}
	}
	old.Options.Analyses, want.Options.Analyses = nil, nil
	a, errA := json.Marshal(old)
	b, errB := json.Marshal(want)
	return errA == nil && errB == nil && string(a) == string(b), nil
}
