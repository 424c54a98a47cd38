package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
)

// figure is one figure of the report: its file (relative to the report) and caption.
type figure struct{ File, Caption string }

// pct formats an accuracy in percent ("–" for a missing value).
func pct(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.1f", 100*v)
}

// accuracyTable is the accuracy of every arm at every validation step, as a Markdown table.
func accuracyTable(arms []experiment.ArmResult) string {
	var steps []int64
	for _, a := range arms {
		steps = append(steps, a.Steps...)
	}
	slices.Sort(steps)
	steps = slices.Compact(steps)
	var b strings.Builder
	b.WriteString("| arm |")
	for _, s := range steps {
		fmt.Fprintf(&b, " step %d |", s)
	}
	b.WriteString("\n|---|" + strings.Repeat("---:|", len(steps)) + "\n")
	for _, a := range arms {
		fmt.Fprintf(&b, "| %s |", a.Label)
		for _, s := range steps {
			v := math.NaN()
			if i := slices.Index(a.Steps, s); i >= 0 {
				v = a.Acc[i]
			}
			fmt.Fprintf(&b, " %s |", pct(v))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// levelTable is each arm's accuracy per level before RL and at its last validation.
func levelTable(arms []experiment.ArmResult) string {
	levels := experiment.Levels(arms)
	var b strings.Builder
	b.WriteString("| arm | step |")
	for _, l := range levels {
		fmt.Fprintf(&b, " level %d |", l)
	}
	b.WriteString(" all |\n|---|---:|" + strings.Repeat("---:|", len(levels)+1) + "\n")
	for _, a := range arms {
		rows := []int{0}
		if len(a.Steps) > 1 {
			rows = append(rows, len(a.Steps)-1)
		}
		for _, i := range rows {
			fmt.Fprintf(&b, "| %s | %d |", a.Label, a.Steps[i])
			for _, l := range levels {
				fmt.Fprintf(&b, " %s |", pct(a.LevelAcc(l, i)))
			}
			fmt.Fprintf(&b, " %s |\n", pct(a.Acc[i]))
		}
	}
	return b.String()
}

// partsTable breaks each K&K arm's validation answers down, before RL and at its
// last validation with kept responses, into naming the puzzle's people and
// getting their roles right, with the share of knights among those roles
// against the truth's (experiment.Parts); "" when no arm has responses to
// break down.
func partsTable(arms []experiment.ArmResult) string {
	var b strings.Builder
	for _, a := range arms {
		for _, i := range a.PartsBeforeAfter() {
			all := a.Parts[i][0]
			var levels []string
			for _, p := range a.Parts[i][1:] {
				levels = append(levels, fmt.Sprintf("%d: %s / %s", p.Level, pct(p.NamedRate()), pct(p.RoleAccuracy())))
			}
			fmt.Fprintf(&b, "| %s | %d | %s (%d of %d) | %s | %s / %s | %s | %s | %s |\n", a.Label, a.Steps[i], pct(all.NamedRate()), all.Named, all.N,
				pct(all.RoleAccuracy()), pct(all.KnightShare()), pct(all.TrueKnightShare()), pct(all.CorrectGivenNamed()), pct(all.ChanceGivenNamed()),
				strings.Join(levels, " · "))
		}
	}
	if b.Len() == 0 {
		return ""
	}
	return "| arm | step | answers naming the puzzle's people | roles right in them (guessing: 50) | knights among their roles / in the truth | right when named | by guessing roles | per level: named / roles right |\n" +
		"|---|---:|---:|---:|---:|---:|---:|---|\n" + b.String()
}

// efficiencyTable is the paper's efficiency comparison: what each arm spent
// (SFT samples, RL rollouts, wall time) for the accuracy it reached.
func efficiencyTable(arms []experiment.ArmResult) string {
	var b strings.Builder
	b.WriteString("| arm | SFT samples | RL steps | RL rollouts | accuracy before RL | accuracy after RL | best | SFT + RL wall (s) |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, a := range arms {
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %s | %s | %s | %.0f |\n", a.Label, a.SFTRows, a.RLSteps(), a.Rollouts,
			pct(a.Before()), pct(a.After()), pct(a.Best()), a.WallS)
	}
	return b.String()
}

// reportMarkdown writes report.md: settings, tables, figures, commands.
func reportMarkdown(e *experiment.Experiment, arms []experiment.ArmResult, figs []figure) string {
	p, _ := presetFor(e.Preset, e.Task)
	var b strings.Builder
	fmt.Fprintf(&b, "# r1lab reproduce: preset %s, task %s, seed %d\n\n", e.Preset, e.Task, e.Seed)
	fmt.Fprintf(&b, "Scale: %s.\n\n", p.about)
	fmt.Fprintf(&b, "Accuracies are validation correctness (%%) on the run's test prompts "+
		"(the same prompts for every arm), as verl's `val/test_correctness`; decoding: %s. Step 0 is the cold-start model before RL.\n\n",
		experiment.Decoding(arms))
	b.WriteString("## Accuracy vs RL step\n\n" + accuracyTable(arms) + "\n")
	b.WriteString("## Per level, before and after RL\n\n" + levelTable(arms) + "\n")
	if t := partsTable(arms); t != "" {
		b.WriteString("## What the answers get right\n\n" +
			"A K&K answer is right when its box names the puzzle's people (copied from the prompt) and gives each the right role " +
			"(the reasoning). A model that names them and guesses the roles is right 2^-n of the time on n people " +
			"(\"by guessing roles\"); only accuracy beyond that, or role accuracy above 50%, is reasoning. " +
			"A share of knights away from the truth's is a bias in the roles given: RL can move it, toward the truth or past it, " +
			"without getting more roles right. " +
			"Percent of the validation answers; a box counts as naming the people only in an answer that ended.\n\n" + t + "\n")
	}
	b.WriteString("## Efficiency\n\n" + efficiencyTable(arms) + "\n")
	if len(figs) > 0 {
		b.WriteString("## Figures\n\n")
		for _, f := range figs {
			fmt.Fprintf(&b, "![%s](%s)\n\n*%s*\n\n", f.Caption, filepath.ToSlash(f.File), f.Caption)
		}
	}
	b.WriteString("## Stages\n\n| stage | wall (s) | command |\n|---|---:|---|\n")
	for _, name := range e.Stages {
		rec, ok := e.Done[name]
		switch {
		case !ok:
			fmt.Fprintf(&b, "| %s | – | not run |\n", name)
		case rec.Skipped != "":
			fmt.Fprintf(&b, "| %s | %.0f | skipped: %s |\n", name, rec.WallS, rec.Skipped)
		default:
			fmt.Fprintf(&b, "| %s | %.0f | `r1lab %s` |\n", name, rec.WallS, strings.ReplaceAll(shellJoin(rec.Args), "|", `\|`))
		}
	}
	fmt.Fprintf(&b, "\nTotal wall time of the finished stages: %.1f minutes.\n", e.TotalWallS()/60)
	b.WriteString(environmentNote(e.Stages, stageEnvironments(e)))
	return b.String()
}

// stageEnvironments reads the environment each stage's run recorded in its config.json (see
// writeRunConfig); stages without one (data, report, runs of an older r1lab) are left out.
func stageEnvironments(e *experiment.Experiment) map[string]backend.Environment {
	envs := map[string]backend.Environment{}
	for _, name := range e.Stages {
		js, err := os.ReadFile(filepath.Join(e.RunDir(name), experiment.ConfigFile))
		if err != nil {
			continue
		}
		var c struct {
			Env *backend.Environment `json:"environment"`
		}
		if json.Unmarshal(js, &c) == nil && c.Env != nil {
			envs[name] = *c.Env
		}
	}
	return envs
}

// environmentNote says where the stages ran: one line when they all ran in one environment, one
// per environment (with its stages) when a resume moved the run to another build, backend or
// machine, because same seed, same bytes holds only within one backend configuration and build.
func environmentNote(stages []string, envs map[string]backend.Environment) string {
	var order []string
	byEnv := map[string][]string{}
	for _, name := range stages {
		env, ok := envs[name]
		if !ok {
			continue
		}
		key := env.String()
		if _, seen := byEnv[key]; !seen {
			order = append(order, key)
		}
		byEnv[key] = append(byEnv[key], name)
	}
	switch len(order) {
	case 0:
		return ""
	case 1:
		return fmt.Sprintf("\nRan with %s.\n", order[0])
	}
	var b strings.Builder
	b.WriteString("\nThe stages ran in more than one environment (results are the same bytes only within one backend and build):\n\n")
	for _, key := range order {
		fmt.Fprintf(&b, "- %s: %s\n", key, strings.Join(byEnv[key], ", "))
	}
	return b.String()
}
