package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/redistill"
)

const reproduceSummary = `The paper's experiment end to end, as a chain of r1lab commands (each stage's
exact command line is printed and saved in <out>/stages.json):
  data → base (pretrain; paper-cpu and smoke: drills, pretrain, then base =
  sft on answer drills) → sft-short, sft-long → rl-base, rl-short, rl-long →
  redistill-a (greedy answers of rl-long), redistill-b (rl-long's replay buffer),
  control (teacher traces for B's prompts) → rl-redistill-a, rl-redistill-b,
  rl-control → report (results.parquet, figures/*.png, report.md).
Presets: quick (≤ 10 minutes on 2 cores: a smoke run of every stage, numbers not
meaningful) and paper-cpu (the tiny model at the largest scale 2 cores allow:
84 minutes in the seed-1234 run; see report.md for what is scaled down); smoke runs every stage
with a micro model in seconds (for tests). An interrupted run
continues with --resume from its last finished stage (an unfinished stage
resumes from its latest checkpoint).`

// stageRecord is what stages.json keeps about a finished stage.
type stageRecord = experiment.StageRecord

// reproduceState is <out>/stages.json.
type reproduceState = experiment.State

const stagesFile = experiment.StagesFile

func runReproduce(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("reproduce", reproduceSummary, stderr)
	presetName := fs.String("preset", "quick", "quick, paper-cpu or smoke")
	task := fs.String("task", "kk", "kk (Knights & Knaves, the paper's main task) or arith (the MATH stand-in)")
	out := fs.String("out", "", "output directory (default runs/reproduce-<preset>-<task>)")
	seed := fs.Uint64("seed", 1234, "seed of every stage (data, corpus, initial weights, shuffles, rollouts)")
	resume := fs.Bool("resume", false, "continue an interrupted run in --out")
	force := fs.Bool("force", false, "replace a non-empty --out")
	only := fs.String("until", "", "stop after this stage (e.g. sft-long)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	p, err := presetFor(*presetName, *task)
	if err != nil {
		return usageError{err}
	}
	if *out == "" {
		*out = filepath.Join("runs", "reproduce-"+*presetName+"-"+*task)
	}
	stages := p.stages(*out, *task, *seed)
	names := make([]string, len(stages))
	for i, s := range stages {
		names[i] = s.name
	}
	if *only != "" && !contains(names, *only) {
		return usageError{fmt.Errorf("--until %q: not a stage (stages: %s)", *only, strings.Join(names, ", "))}
	}
	st, err := openReproduce(*out, reproduceState{Preset: *presetName, Task: *task, Seed: *seed, Stages: names, Done: map[string]stageRecord{}}, *resume, *force)
	if err != nil {
		return err
	}
	if err := sameStages(st, stages); err != nil {
		return usageError{fmt.Errorf("--resume %s: %w; continue it with the r1lab that started it, or start over with --force", *out, err)}
	}
	start := time.Now()
	for _, s := range stages {
		if rec, ok := st.Done[s.name]; ok {
			fmt.Fprintf(stdout, "== %s: done earlier (%.0f s)\n", s.name, rec.WallS)
		} else if why := skippedNeed(st, s); why != "" {
			st.Done[s.name] = stageRecord{Skipped: why, Finished: time.Now().UTC()}
			if err := writeJSON(filepath.Join(*out, stagesFile), st); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "== %s: skipped: %s\n", s.name, why)
		} else {
			args, err := s.prepare()
			if err != nil {
				return fmt.Errorf("stage %s: %w", s.name, err)
			}
			fmt.Fprintf(stdout, "== %s: r1lab %s\n", s.name, shellJoin(args))
			t0 := time.Now()
			err = commands[args[0]].run(args[1:], stdout, stderr)
			rec := stageRecord{Args: args, WallS: time.Since(t0).Seconds(), Finished: time.Now().UTC()}
			if errors.Is(err, redistill.ErrEmpty) {
				rec.Skipped, err = err.Error(), nil
				fmt.Fprintf(stdout, "== %s: skipped: %v\n", s.name, rec.Skipped)
			}
			if err != nil {
				return fmt.Errorf("stage %s failed (continue with r1lab reproduce --resume --out %s --preset %s --task %s): %w",
					s.name, *out, *presetName, *task, err)
			}
			st.Done[s.name] = rec
			if err := writeJSON(filepath.Join(*out, stagesFile), st); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "== %s: %.0f s\n", s.name, st.Done[s.name].WallS)
		}
		if s.name == *only {
			break
		}
	}
	if _, done := st.Done["report"]; !done {
		fmt.Fprintf(stdout, "reproduce: stopped after %s in %s (this process); continue with --resume\n", *only, time.Since(start).Round(time.Second))
		return nil
	}
	fmt.Fprintf(stdout, "reproduce: %s in %s (this process); report: %s\n", *out, time.Since(start).Round(time.Second),
		filepath.Join(*out, "report.md"))
	return nil
}

// openReproduce creates out with a fresh state, or reads the state of an
// interrupted run when resuming; a run of another preset, task or seed is
// never continued.
func openReproduce(out string, fresh reproduceState, resume, force bool) (reproduceState, error) {
	path := filepath.Join(out, stagesFile)
	js, err := os.ReadFile(path)
	switch {
	case resume && err != nil:
		return fresh, usageError{fmt.Errorf("--resume: %w", err)}
	case resume:
		var st reproduceState
		if err := json.Unmarshal(js, &st); err != nil {
			return fresh, fmt.Errorf("%s: %w", path, err)
		}
		if st.Preset != fresh.Preset || st.Task != fresh.Task || st.Seed != fresh.Seed {
			return fresh, usageError{fmt.Errorf("%s is a run of preset %s, task %s, seed %d: resume it with those flags",
				out, st.Preset, st.Task, st.Seed)}
		}
		if st.Done == nil {
			st.Done = map[string]stageRecord{}
		}
		st.Stages = fresh.Stages
		return st, nil
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		if !force {
			return fresh, usageError{fmt.Errorf("%s exists and is not empty: pass --resume to continue it or --force to replace it", out)}
		}
		if err := os.RemoveAll(out); err != nil {
			return fresh, err
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fresh, err
	}
	return fresh, writeJSON(path, fresh)
}

// sameStages checks that every finished stage of st ran the command the
// preset gives it now. A preset that changed since (another r1lab version)
// would otherwise continue on outputs made by other commands: a resumed
// paper-cpu of before the answer drills would take its pre-trained model
// for the drilled base. Path values are left out of the comparison, so
// that --out may be spelled another way.
func sameStages(st reproduceState, stages []stage) error {
	for _, s := range stages {
		rec, ok := st.Done[s.name]
		if !ok || rec.Args == nil {
			continue
		}
		ran := strings.TrimSuffix(shellJoin(withoutPaths(rec.Args)), " --resume")
		if now := shellJoin(withoutPaths(s.args)); ran != now {
			return fmt.Errorf("stage %s ran `r1lab %s`, but the preset now runs `r1lab %s` (paths left out)", s.name, ran, now)
		}
	}
	return nil
}

// withoutPaths is args with every value holding a path separator replaced
// by "PATH".
func withoutPaths(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = a
		if strings.ContainsRune(a, filepath.Separator) {
			out[i] = "PATH"
		}
	}
	return out
}

// stage is one step of the experiment: an r1lab command that fills dir.
type stage struct {
	name string
	dir  string   // the directory it writes ("" for the report, which writes into out)
	args []string // the command line without --resume
	// resumable stages continue from a checkpoint in dir; the others are
	// rerun from scratch when they did not finish.
	resumable bool
	// needs lists the stages whose output it reads; it is skipped when one
	// of them was.
	needs []string
}

// skippedNeed says why s must be skipped ("" when it can run).
func skippedNeed(st reproduceState, s stage) string {
	for _, n := range s.needs {
		if rec, ok := st.Done[n]; ok && rec.Skipped != "" {
			return "needs " + n + ", which was skipped"
		}
	}
	return ""
}

// prepare returns the command line to run now: with --resume when an
// unfinished earlier attempt left a checkpoint, otherwise after removing
// what it left (a stage that did not finish has no output worth keeping).
func (s stage) prepare() ([]string, error) {
	if s.dir == "" {
		return s.args, nil
	}
	if s.resumable {
		_, _, found, err := checkpoint.Latest(filepath.Join(s.dir, "checkpoints"))
		if err != nil {
			return nil, err
		}
		if found {
			return append(append([]string{}, s.args...), "--resume"), nil
		}
	}
	if err := os.RemoveAll(s.dir); err != nil {
		return nil, err
	}
	return s.args, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// shellJoin quotes args for display as a shell command line.
func shellJoin(args []string) string {
	q := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " '\"$\\*?") {
			q[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		} else {
			q[i] = a
		}
	}
	return strings.Join(q, " ")
}
