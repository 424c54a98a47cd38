package logs

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"

	"github.com/parquet-go/parquet-go"
)

// TRL's completions files: <output_dir>/completions/[<mode>/]completions_NNNNN.parquet.
const (
	trlPrefix = "completions_"
	trlDir    = "completions"
)

// DefaultCorrectAt is the reward at or above which [ReadTRL] counts a
// response correct: 1, what TRL's accuracy_reward gives a right answer and
// what the paper's binary reward gives.
const DefaultCorrectAt = 1.0

// TRLOptions are the options of [ReadTRL] and [ReadTRLFile].
type TRLOptions struct {
	// Rewards names the reward columns whose sum is Sample.Reward. Nil
	// means every floating-point column except advantage: TRL writes one
	// column per reward function, named after it (e.g. accuracy_reward).
	// Name them when extra logged columns are floating-point too.
	Rewards []string
	// CorrectAt is the reward at or above which a response is counted
	// correct (TRL logs no verdict); zero means DefaultCorrectAt.
	CorrectAt float64
}

// ReadTRL reads TRL GRPOTrainer completion logs (log_completions=True) from
// path: one completions_NNNNN.parquet file, or a directory holding such
// files directly, in train/ and eval/ sub-directories, or under completions/
// (TRL's output_dir). Files are read in that order, each directory's in step
// order. See [ReadTRLFile] for the columns.
func ReadTRL(path string, opt TRLOptions) ([]Sample, error) {
	if filepath.Ext(path) == parquetExt {
		return ReadTRLFile(path, opt)
	}
	dirs := trlDirs(path)
	var out []Sample
	for _, dir := range dirs {
		files, err := stepFiles(dir, trlPrefix, parquetExt)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			s, err := ReadTRLFile(f.path, opt)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
	}
	return out, nil
}

// trlDirs lists the directories under path where TRL may put completion
// files.
func trlDirs(path string) []string {
	var dirs []string
	for _, base := range []string{path, filepath.Join(path, trlDir)} {
		dirs = append(dirs, base, filepath.Join(base, "train"), filepath.Join(base, "eval"))
	}
	return dirs
}

// ReadTRLFile reads one TRL completions file. Its columns are found by name,
// whatever else the file holds (pandas writes every column nullable; a null
// in a column that is read is an error, except in reward columns):
//
//   - step (INT32 or INT64), prompt and completion (strings): required.
//   - reward columns (FLOAT or DOUBLE; see TRLOptions.Rewards): at least
//     one. Reward is their sum, with null and NaN (TRL's "could not score")
//     counted as 0, as TRL's own nansum does; Correct is Reward ≥
//     TRLOptions.CorrectAt.
//   - advantage (FLOAT or DOUBLE): optional; sets HasAdvantage.
//   - mode (string, newer TRL): Eval is mode == "eval"; without it Eval is
//     true for files in a directory named eval.
//   - index, level (integers), data_source, ground_truth (strings):
//     optional extra columns (log_extra), copied when present.
//
// Index, Sample and Level are −1 when absent, Length is −1, Truncated false
// (TRL logs neither), and there are no log-probabilities.
func ReadTRLFile(path string, opt TRLOptions) ([]Sample, error) {
	t, err := openTable(path)
	if err != nil {
		return nil, err
	}
	defer t.Close()
	c, err := trlColumns(t, opt)
	if err != nil {
		return nil, err
	}
	correctAt := opt.CorrectAt
	if correctAt == 0 {
		correctAt = DefaultCorrectAt
	}
	evalDir := filepath.Base(filepath.Dir(path)) == "eval"
	var out []Sample
	err = t.each(func(row int64, vals []parquet.Value) error {
		s, err := c.decode(cell{t, row, vals})
		if err != nil {
			return err
		}
		s.Source, s.Pos = path, row
		if c.mode < 0 {
			s.Eval = evalDir
		}
		s.Correct = s.Reward >= correctAt
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// trlCols holds the leaf indices of a TRL file's columns, −1 for absent
// optional ones.
type trlCols struct {
	step, prompt, completion, advantage, mode int
	index, level, dataSource, groundTruth     int
	rewards                                   []int
}

// trlColumns finds and checks the columns ReadTRLFile reads.
func trlColumns(t *table, opt TRLOptions) (*trlCols, error) {
	var c trlCols
	for _, col := range []struct {
		dst      *int
		name     string
		kinds    []parquet.Kind
		required bool
	}{
		{&c.step, "step", intKinds, true},
		{&c.prompt, "prompt", stringKinds, true},
		{&c.completion, "completion", stringKinds, true},
		{&c.advantage, "advantage", floatKinds, false},
		{&c.mode, "mode", stringKinds, false},
		{&c.index, "index", intKinds, false},
		{&c.level, "level", intKinds, false},
		{&c.dataSource, "data_source", stringKinds, false},
		{&c.groundTruth, "ground_truth", stringKinds, false},
	} {
		var err error
		if *col.dst, err = t.column(col.name, col.kinds, col.required); err != nil {
			return nil, err
		}
	}
	names := opt.Rewards
	if names == nil {
		for n := range t.cols {
			if n != "advantage" && t.hasKind(n, floatKinds) {
				names = append(names, n)
			}
		}
		slices.Sort(names)
		if len(names) == 0 {
			return nil, fmt.Errorf("logs: %s: no reward column (no floating-point column besides advantage)", t.path)
		}
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("logs: %s: TRLOptions.Rewards is empty; name at least one reward column", t.path)
	}
	for _, n := range names {
		i, err := t.column(n, floatKinds, true)
		if err != nil {
			return nil, fmt.Errorf("%w (reward column)", err)
		}
		c.rewards = append(c.rewards, i)
	}
	return &c, nil
}

// decode reads one row.
func (c *trlCols) decode(r cell) (Sample, error) {
	s := Sample{Index: -1, Sample: -1, Level: -1, Length: -1}
	var err error
	if s.Step, err = r.int(c.step); err != nil {
		return s, err
	}
	if s.Prompt, err = r.str(c.prompt); err != nil {
		return s, err
	}
	if s.Response, err = r.str(c.completion); err != nil {
		return s, err
	}
	for _, col := range c.rewards {
		if r.vals[col].IsNull() {
			continue
		}
		v, _ := r.float(col)
		if !math.IsNaN(v) {
			s.Reward += v
		}
	}
	if c.advantage >= 0 {
		if s.Advantage, err = r.float(c.advantage); err != nil {
			return s, err
		}
		s.HasAdvantage = true
	}
	if c.mode >= 0 {
		mode, err := r.str(c.mode)
		if err != nil {
			return s, err
		}
		s.Eval = mode == "eval"
	}
	for _, f := range []struct {
		col int
		dst *int64
	}{{c.index, &s.Index}, {c.level, &s.Level}} {
		if f.col >= 0 {
			if *f.dst, err = r.int(f.col); err != nil {
				return s, err
			}
		}
	}
	for _, f := range []struct {
		col int
		dst *string
	}{{c.dataSource, &s.DataSource}, {c.groundTruth, &s.GroundTruth}} {
		if f.col >= 0 {
			if *f.dst, err = r.str(f.col); err != nil {
				return s, err
			}
		}
	}
	return s, nil
}
