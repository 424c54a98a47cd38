package main

import (
	"fmt"
	"math"
	"path/filepath"
	"strings"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/analysis/figures"
)

// reportFigures draws the report's figures into dir/figures and returns them
// in report order.
func reportFigures(dir, task string, arms []experiment.ArmResult) ([]figure, error) {
	var figs []figure
	save := func(name, caption string, png []byte, err error) error {
		if err != nil {
			return fmt.Errorf("report: figure %s: %w", name, err)
		}
		rel := filepath.Join("figures", name)
		if err := figures.Save(filepath.Join(dir, rel), png); err != nil {
			return err
		}
		figs = append(figs, figure{File: rel, Caption: caption})
		return nil
	}
	percent := func(vs []float64) []float64 {
		out := make([]float64, len(vs))
		for i, v := range vs {
			out[i] = 100 * v
		}
		return out
	}
	steps := func(ss []int64) []float64 {
		out := make([]float64, len(ss))
		for i, s := range ss {
			out[i] = float64(s)
		}
		return out
	}

	dec := experiment.Decoding(arms) // "greedy", "mean@8, temperature 0.7", …

	// Accuracy vs RL step, with 95% Wilson intervals over the validation prompts.
	var acc, length, clip, score []figures.Series
	for _, a := range arms {
		acc = append(acc, a.AccuracySeries())
		length = append(length, figures.Series{Name: a.Label, X: steps(a.Steps), Y: a.Length})
		clip = append(clip, figures.Series{Name: a.Label, X: steps(a.Steps), Y: percent(a.Clip)})
		score = append(score, figures.Series{Name: a.Label, X: steps(a.TrainSteps), Y: percent(a.TrainScore)})
	}
	frame := func(title, y string) figures.Frame {
		return figures.Frame{Title: title, XLabel: "RL step", YLabel: y}
	}
	// Percentages start at 0: an all-zero toy run would otherwise get an axis
	// from −1 to 1, and a reward below 0 reads as a bug.
	pctFrame := func(title, y string, ss []figures.Series) figures.Frame {
		f := frame(title, y)
		top := 10.0
		for _, s := range ss {
			for _, vs := range [][]float64{s.Y, s.Hi} {
				for _, v := range vs {
					if !math.IsNaN(v) {
						top = math.Max(top, math.Min(100, 1.1*v))
					}
				}
			}
		}
		f.YRange = [2]float64{0, top}
		return f
	}
	png, err := figures.Lines(acc, figures.LinesOptions{Frame: pctFrame("Test accuracy vs RL step ("+task+", "+shortDecoding(dec)+")", "accuracy (%)", acc), Markers: true, BandOpacity: 0.1})
	if err := save("accuracy_vs_step.png", "Validation accuracy ("+dec+") of each arm vs RL step; bands: 95% Wilson intervals over the validation prompts.", png, err); err != nil {
		return nil, err
	}
	png, err = figures.Lines(score, figures.LinesOptions{Frame: pctFrame("Training reward vs RL step", "mean rollout reward (%)", score)})
	if err := save("train_reward_vs_step.png", "Mean reward of the rollouts of each RL step (temperature 0.7).", png, err); err != nil {
		return nil, err
	}
	png, err = figures.Lines(length, figures.LinesOptions{Frame: frame("Response length vs RL step", "mean validation response length (tokens)"), Markers: true})
	if err := save("length_vs_step.png", "Mean length of the validation responses ("+dec+") vs RL step.", png, err); err != nil {
		return nil, err
	}
	png, err = figures.Lines(clip, figures.LinesOptions{Frame: pctFrame("Clip ratio vs RL step", "responses cut at the limit (%)", clip), Markers: true})
	if err := save("clip_ratio_vs_step.png", "Share of the validation responses ("+dec+") that hit the token limit without end-of-text.", png, err); err != nil {
		return nil, err
	}

	// Per level after RL.
	levels := experiment.Levels(arms)
	if len(levels) > 0 {
		groups := make([]string, len(levels))
		for i, l := range levels {
			groups[i] = fmt.Sprint(l)
		}
		var bars []figures.BarSeries
		for _, a := range arms {
			b := figures.BarSeries{Name: a.Label}
			for _, l := range levels {
				v := 0.0
				if col := a.Levels[l]; len(col) > 0 && !math.IsNaN(col[len(col)-1]) {
					v = 100 * col[len(col)-1]
				}
				b.Values = append(b.Values, v)
			}
			bars = append(bars, b)
		}
		unit := "level"
		if task == "kk" {
			unit = "people"
		}
		png, err = figures.Bars(groups, bars, figures.BarsOptions{Frame: figures.Frame{Title: "Accuracy per " + unit + " after RL",
			XLabel: unit, YLabel: "accuracy (%)"}})
		if err := save("accuracy_per_level.png", "Accuracy ("+dec+") per "+unit+" at each arm's last validation.", png, err); err != nil {
			return nil, err
		}
	}

	// K&K: do the answers get the roles right, beyond copying the names? (experiment.Parts)
	roles, named, bias := partsSeries(arms)
	if len(roles) > 0 {
		f := frame("Roles right vs RL step ("+task+")", "right roles in answers naming the people (%)")
		f.YRange, f.Legend = [2]float64{0, 100}, figures.BottomLeft // the curves hover around 50%
		png, err = figures.Lines(roles, figures.LinesOptions{Frame: f, Markers: true})
		if err := save("role_accuracy_vs_step.png", "Share of right roles in the validation answers whose box names exactly the puzzle's people, "+
			fmt.Sprintf("vs RL step; 50%% is guessing each role. Validations with fewer than %d such answers are left out.", minNamedForRoles), png, err); err != nil {
			return nil, err
		}
	}
	if len(bias) > 0 {
		f := frame("Knight bias vs RL step ("+task+")", "knights among the roles given − in the truth (points)")
		f.YRange, f.Legend = [2]float64{-100, 100}, figures.Outside
		png, err = figures.Lines(bias, figures.LinesOptions{Frame: f, Markers: true})
		if err := save("knight_bias_vs_step.png", "Share of knights among the roles the validation answers naming the people give, minus the truth's "+
			"for the same people, vs RL step: a bias in the roles, apart from reasoning (RL moves it first on a tiny model). "+
			fmt.Sprintf("Validations with fewer than %d such answers are left out.", minNamedForRoles), png, err); err != nil {
			return nil, err
		}
	}
	if len(named) > 0 {
		f := pctFrame("Answers naming the people vs RL step ("+task+")", "answers naming the people (%)", named)
		f.Legend = figures.Outside // six curves spread over the whole range
		png, err = figures.Lines(named, figures.LinesOptions{Frame: f, Markers: true})
		if err := save("named_vs_step.png", "Share of the validation answers whose box names exactly the puzzle's people, each once: the copying half of the task.", png, err); err != nil {
			return nil, err
		}
	}

	// Efficiency: what each arm spent (SFT samples + RL rollouts) against where it ended.
	var x, y []float64
	var labels []string
	for _, a := range arms {
		x = append(x, float64(a.SFTRows+a.Rollouts))
		y = append(y, 100*a.After())
		labels = append(labels, a.Label)
	}
	if len(x) >= 2 {
		png, err = figures.Scatter(x, y, figures.ScatterOptions{Frame: figures.Frame{Title: "Efficiency: samples spent vs accuracy",
			XLabel: "SFT samples + RL rollouts", YLabel: "accuracy after RL (%)"}, Labels: labels, NoFit: true})
		if err := save("efficiency.png", "Samples each arm consumed (SFT samples plus RL rollouts) against its accuracy ("+dec+") at its last validation.", png, err); err != nil {
			return nil, err
		}
	}
	return figs, nil
}

// shortDecoding is dec for a figure title: a per-arm list is too long for one.
func shortDecoding(dec string) string {
	if strings.HasPrefix(dec, "per arm") {
		return "decoding per arm"
	}
	return dec
}

// minNamedForRoles is the fewest answers naming the people that a role
// accuracy point of the report's figure rests on: with fewer, a point is a
// few coin flips (one 3-person answer moves it by a third).
const minNamedForRoles = 10

// partsSeries returns, for the arms with kept K&K validation responses, the
// role accuracy (%) of the answers naming the people at each validation
// with at least minNamedForRoles of them, followed by a "guessing" line at
// 50% over the steps shown (none without any); the share (%) of answers
// naming the people at each validation with kept responses; and the knight
// bias at the role points, the share of knights among the roles given minus
// the truth's (points), followed by a "no bias" line at 0.
func partsSeries(arms []experiment.ArmResult) (roles, named, bias []figures.Series) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, a := range arms {
		r, n, k := figures.Series{Name: a.Label}, figures.Series{Name: a.Label}, figures.Series{Name: a.Label}
		for i, ps := range a.Parts {
			if len(ps) == 0 {
				continue
			}
			x := float64(a.Steps[i])
			n.X, n.Y = append(n.X, x), append(n.Y, 100*ps[0].NamedRate())
			if ps[0].Named >= minNamedForRoles {
				lo, hi = math.Min(lo, x), math.Max(hi, x)
				r.X, r.Y = append(r.X, x), append(r.Y, 100*ps[0].RoleAccuracy())
				k.X, k.Y = append(k.X, x), append(k.Y, 100*float64(ps[0].Knights-ps[0].TrueKnights)/float64(ps[0].People)) // KnightShare − TrueKnightShare
			}
		}
		if len(n.X) > 0 {
			named = append(named, n)
		}
		if len(r.X) > 0 {
			roles, bias = append(roles, r), append(bias, k)
		}
	}
	if len(roles) > 0 {
		roles = append(roles, figures.Series{Name: "guessing", X: []float64{lo, hi}, Y: []float64{50, 50}})
		bias = append(bias, figures.Series{Name: "no bias", X: []float64{lo, hi}, Y: []float64{0, 0}})
	}
	return roles, named, bias
}
