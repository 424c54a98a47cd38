package experiment

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Arm describes one RL arm of the experiment.
type Arm struct {
	Name      string // its stage and run, e.g. "rl-long"
	ColdStart string // the stage whose model it starts from, e.g. "sft-long" ("base": the model every arm starts from, pre-trained)
	Label     string // the paper's name for it, e.g. "long-CoT SFT"
}

// RLArms are the six RL arms of `r1lab reproduce`, in report order: the
// three cold starts of the paper's Figure 1 (RLArms[:3]), then the
// re-distilled arms and their control (RLArms[3:]). Do not modify.
var RLArms = []Arm{
	{"rl-base", "base", "base (no SFT)"},
	{"rl-short", "sft-short", "short-CoT SFT"},
	{"rl-long", "sft-long", "long-CoT SFT"},
	{"rl-redistill-a", "redistill-a", "re-distilled A"},
	{"rl-redistill-b", "redistill-b", "re-distilled B"},
	{"rl-control", "control", "control (teacher, B prompts)"},
}

// ArmResult is what an experiment holds about one RL arm. Accuracies and
// clip ratios are fractions in [0, 1]; a value a step lacks is NaN.
type ArmResult struct {
	Arm
	// Skipped says why the arm has no results, "" when it has: "not run",
	// "skipped: <why>", "skipped, as <cold start> was: <why>", or
	// "no validation accuracy in metrics.parquet". An arm that did not run
	// has only Arm and Skipped set; one that trained without validation has
	// its training series and costs too.
	Skipped string

	Steps  []int64             // validation steps (0: the cold-start model, before RL)
	Acc    []float64           // validation accuracy at Steps (val/test_correctness/<task>; mean@ValSamples when sampled)
	Levels map[int64][]float64 // the same per level (number of people), at Steps
	Length []float64           // mean validation response length at Steps (val/response_length/mean)
	Clip   []float64           // share of validation responses cut at the token limit at Steps (val/clip_ratio)
	// Parts breaks the validation responses at Steps down into naming the
	// puzzle's people and getting their roles right (K&K only; see Parts):
	// Parts[i] holds all levels first, then each level. Nil for another task;
	// an entry is nil when that validation's responses were not kept.
	Parts [][]Parts

	TrainSteps []int64   // every RL step trained (without the step-0 validation row)
	TrainScore []float64 // mean rollout reward per step (critic/score/mean)
	TrainLen   []float64 // mean rollout length per step (response_length/mean)
	Metrics    *Metrics  // the whole metrics.parquet

	ValN     int           // validation prompts per evaluation (the test rows, capped by val_limit)
	LevelN   map[int64]int // validation prompts per level (from the first validation's responses; empty without them)
	SFTRows  int           // SFT samples of the cold start (0 for the base model)
	Rollouts int           // responses sampled in RL: steps × prompts per step × group size
	WallS    float64       // wall seconds of the arm's RL and its cold start's SFT (the shared pre-training is not counted)

	// ValSamples is the responses per validation prompt, drawn at
	// ValTemperature (0: greedy); with more than one, Acc is their mean@ValSamples.
	ValSamples     int
	ValTemperature float64
}

// Ran reports whether the arm has results.
func (a ArmResult) Ran() bool { return a.Skipped == "" }

// RLSteps is the number of RL steps trained.
func (a ArmResult) RLSteps() int { return len(a.TrainSteps) }

// Before is the accuracy at the first validation (the cold-start model), NaN without one.
func (a ArmResult) Before() float64 { return at(a.Acc, 0) }

// After is the accuracy at the last validation, NaN without one.
func (a ArmResult) After() float64 { return at(a.Acc, len(a.Acc)-1) }

// Best is the highest validation accuracy, NaN without one.
func (a ArmResult) Best() float64 {
	if len(a.Acc) == 0 {
		return math.NaN()
	}
	best := math.Inf(-1)
	for _, v := range a.Acc {
		best = math.Max(best, v)
	}
	return best
}

// LevelAcc is the accuracy on one level at the i-th validation (Steps[i]),
// NaN where it was not measured.
func (a ArmResult) LevelAcc(level int64, i int) float64 {
	return at(a.Levels[level], i)
}

// levels returns the levels of the arm's per-level accuracies, sorted.
func (a ArmResult) levels() []int64 {
	ls := make([]int64, 0, len(a.Levels))
	for l := range a.Levels {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	return ls
}

// Decoding names how the arm's validation responses were drawn: "greedy",
// "sampled, temperature 0.7" for one sample per prompt, or "mean@8,
// temperature 0.7" for 8.
func (a ArmResult) Decoding() string {
	switch {
	case a.ValTemperature == 0:
		return "greedy"
	case a.ValSamples <= 1:
		return fmt.Sprintf("sampled, temperature %g", a.ValTemperature)
	}
	return fmt.Sprintf("mean@%d, temperature %g", a.ValSamples, a.ValTemperature)
}

// Decoding names how the validation responses of arms were drawn (see
// [ArmResult.Decoding]) when they all agree, and lists each arm's otherwise.
func Decoding(arms []ArmResult) string {
	if len(arms) == 0 {
		return "greedy" // the default of rl.Config
	}
	first, same := arms[0].Decoding(), true
	each := make([]string, len(arms))
	for i, a := range arms {
		d := a.Decoding()
		each[i], same = a.Label+": "+d, same && d == first
	}
	if same {
		return first
	}
	return "per arm: " + strings.Join(each, "; ")
}

// Ran returns the arms that have results, in order.
func Ran(arms []ArmResult) []ArmResult {
	return slices.DeleteFunc(slices.Clone(arms), func(a ArmResult) bool { return !a.Ran() })
}

// Levels returns the levels any of arms was validated on, sorted.
func Levels(arms []ArmResult) []int64 {
	var ls []int64
	for _, a := range arms {
		ls = append(ls, a.levels()...)
	}
	slices.Sort(ls)
	return slices.Compact(ls)
}

// Arms reads every arm of RLArms, in order.
func (e *Experiment) Arms() ([]ArmResult, error) {
	return e.ReadArms(RLArms...)
}

// ReadArms reads the given arms, in order. An arm that did not run is
// returned with Skipped set; a finished arm whose files cannot be read is an
// error naming the file.
func (e *Experiment) ReadArms(arms ...Arm) ([]ArmResult, error) {
	out := make([]ArmResult, 0, len(arms))
	for _, arm := range arms {
		a, err := e.readArm(arm)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, nil
}

// at returns col[i], NaN out of range.
func at(col []float64, i int) float64 {
	if i >= 0 && i < len(col) {
		return col[i]
	}
	return math.NaN()
}

// armStatus says why an arm has no results ("" when it ran).
func (e *Experiment) armStatus(arm Arm) string {
	if rec := e.Done[arm.ColdStart]; rec.Skipped != "" {
		return fmt.Sprintf("skipped, as %s was: %s", arm.ColdStart, rec.Skipped)
	}
	return e.Status(arm.Name)
}
