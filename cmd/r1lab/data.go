package main

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"time"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

const dataSummary = `Generate a task's datasets as Parquet in verl's layout: RL train and test
prompts, the eval file, and short-CoT and long-CoT SFT sets (for K&K, with
--answer-drills, also an answer-only SFT set). Defaults are the paper's sizes.
The output directory is replaced all at once (or not at all).`

func runData(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("data", dataSummary, stderr)
	task := fs.String("task", "kk", "task: kk (Knights & Knaves) or arith (the MATH stand-in)")
	out := fs.String("out", "", "output directory (default data/<task>)")
	force := fs.Bool("force", false, "replace a non-empty output directory")
	seed := fs.Uint64("seed", 1234, "generator seed (K&K: mem-kk-logic's sampler seed)")
	shuffleSeed := fs.Uint64("shuffle-seed", 1234, "seed of the RL-train and SFT-pool shuffles")
	test := fs.String("test", "", "test rows per level, LEVELS:COUNT[,…] (default kk 4-8:100, arith 1-5:100)")
	train := fs.String("train", "", "RL training rows per level (default kk 3-7:2000, arith 1-5:2200)")
	sft := fs.String("sft", "", "SFT pool rows per level (default kk 2:200,3:800, arith 1-5:200)")
	sftVal := fs.Float64("sft-val", 0.1, "fraction of the SFT pool held out for validation")
	tmpl := fs.String("template", "qwen", "prompt template: qwen (the paper's chat template) or base")
	teacherSeed := fs.Uint64("teacher-seed", 1234, "seed of the long-CoT teacher's phrasing")
	namePool := fs.Int("name-pool", 0, "K&K: draw names from the first N of the 51 names (0: all, the paper's); a toy-scale option for models too small to copy names")
	teacherWords := fs.Int("teacher-max-words", 0, "long-CoT length cap in words; longer traces are dropped (default: the task's)")
	drills := fs.String("answer-drills", "", "K&K: answer drills per level, LEVELS:COUNT[,…], written to answer_drills/: puzzles outside every split whose response is the boxed answer alone, a mid-training set for toy models (not the paper's; default none)")
	drillSeed := fs.Uint64("answer-drill-seed", kk.DefaultDrillSeed, "K&K: seed of the answer drills' samplers and names")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	t, err := prompt.ParseTemplate(*tmpl)
	if err != nil {
		return usageError{err}
	}
	if *out == "" {
		*out = "data/" + *task
	}
	counts := func(flagName, value, def string) (map[int]int, error) {
		if value == "" {
			value = def
		}
		m, err := parseLevelCounts(value)
		if err != nil {
			return nil, usageError{fmt.Errorf("--%s: %w", flagName, err)}
		}
		return m, nil
	}
	progress := func(msg string) { fmt.Fprintln(stderr, msg) }
	start := time.Now()

	var b *dataio.Bundle
	switch *task {
	case "kk":
		c := kk.DefaultData()
		c.Template = t
		c.Splits.Seed, c.Splits.ShuffleSeed, c.Splits.SFTValFraction = *seed, *shuffleSeed, *sftVal
		if c.Splits.Test, err = counts("test", *test, "4-8:100"); err != nil {
			return err
		}
		if c.Splits.Train, err = counts("train", *train, "3-7:2000"); err != nil {
			return err
		}
		if c.Splits.SFT, err = counts("sft", *sft, "2:200,3:800"); err != nil {
			return err
		}
		c.Teacher.Seed = *teacherSeed
		c.Splits.NamePool = *namePool
		if *teacherWords > 0 {
			c.Teacher.MaxWords = *teacherWords
		}
		if err := c.Splits.Validate(); err != nil {
			return usageError{err}
		}
		if *drills != "" {
			d := kk.AnswerDrillConfig{Seed: *drillSeed}
			if d.Levels, err = counts("answer-drills", *drills, ""); err != nil {
				return err
			}
			if err := d.Validate(); err != nil {
				return usageError{err}
			}
			if err := kk.CheckNamePool(c.Splits.NamePool, slices.Max(slices.Collect(maps.Keys(d.Levels)))); err != nil {
				return usageError{err}
			}
			c.AnswerDrills = &d
		}
		b, err = kk.BuildBundle(c, progress)
	case "arith":
		if *drills != "" {
			return usageError{fmt.Errorf("--answer-drills is defined for kk only")}
		}
		c := arith.DefaultData()
		c.Template = t
		c.Seed, c.Splits.ShuffleSeed, c.Splits.SFTValFraction = *seed, *shuffleSeed, *sftVal
		if c.Splits.Test, err = counts("test", *test, "1-5:100"); err != nil {
			return err
		}
		if c.Splits.Train, err = counts("train", *train, "1-5:2200"); err != nil {
			return err
		}
		if c.Splits.SFT, err = counts("sft", *sft, "1-5:200"); err != nil {
			return err
		}
		c.TeacherSeed = *teacherSeed
		if *teacherWords > 0 {
			c.TeacherMaxWords = *teacherWords
		}
		if err := c.Validate(); err != nil {
			return usageError{err}
		}
		b, err = arith.BuildBundle(c, progress)
	default:
		return usageError{fmt.Errorf("unknown --task %q (want kk or arith)", *task)}
	}
	if err != nil {
		return err
	}
	gen := time.Since(start)
	if err := b.WriteDir(*out, *force); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s data; generated in %.1fs, written in %.1fs)\n\n",
		*out, *task, gen.Seconds(), (time.Since(start) - gen).Seconds())
	return b.Summary(stdout)
}
