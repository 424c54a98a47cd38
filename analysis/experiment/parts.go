package experiment

import (
	"fmt"
	"maps"
	"math"
	"slices"

	"github.com/r1lab/r1lab/analysis/stats"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/reward"
)

// Answer is what the answer breakdown needs of one response: the columns of
// an eval file (gomlxmodels/evaluate.Row) of the same names.
type Answer struct {
	Index       int64  `parquet:"index"` // the prompt's row in the test file: with DataSource and Level, which prompt it answers
	Level       int64  `parquet:"level"`
	DataSource  string `parquet:"data_source"`
	Response    string `parquet:"response"`
	GroundTruth string `parquet:"ground_truth"`
	Correct     bool   `parquet:"correctness"`
	Ended       bool   `parquet:"ended"`
}

// Parts splits the K&K accuracy of a set of responses into the two skills
// it multiplies: naming the puzzle's people in the box (copying from the
// prompt) and giving each the right role (the reasoning). A model that
// names the people and guesses each role is right Chance/Named of the time
// when it names them (2^-n on n people); only accuracy beyond that is
// reasoning. See reward.KKAnswerParts for what counts as naming.
type Parts struct {
	Level       int64   // the number of people; 0 for all levels together
	N           int     // responses
	Correct     int     // responses the reward scored correct
	Named       int     // responses that ended and whose box names exactly the puzzle's people, each once
	People      int     // people in the Named responses, summed
	RolesRight  int     // of those people, the ones given their true role
	Knights     int     // of those people, the ones the answers call knights
	TrueKnights int     // of those people, the knights
	Chance      float64 // expected correct responses if the Named ones guessed every role: Σ 2^-people
}

// NamedRate is the share of responses that name the puzzle's people (NaN without responses).
func (p Parts) NamedRate() float64 { return ratio(float64(p.Named), p.N) }

// RoleAccuracy is the share of right roles in the responses that name the
// people: 0.5 is guessing (NaN when none does).
func (p Parts) RoleAccuracy() float64 { return ratio(float64(p.RolesRight), p.People) }

// KnightShare is the share of knights among the roles the answers that name
// the people give, and TrueKnightShare the share the truth gives the same
// people (both NaN when no answer names them). A gap is a bias in the roles
// given, apart from reasoning: RL can close it, or overshoot it, without
// getting more roles right (README: "Where the toy experiment stands").
func (p Parts) KnightShare() float64 { return ratio(float64(p.Knights), p.People) }

// TrueKnightShare: see KnightShare.
func (p Parts) TrueKnightShare() float64 { return ratio(float64(p.TrueKnights), p.People) }

// CorrectGivenNamed is the accuracy of the responses that name the people (NaN when none does).
func (p Parts) CorrectGivenNamed() float64 { return ratio(float64(p.Correct), p.Named) }

// ChanceGivenNamed is what CorrectGivenNamed would be by guessing roles (NaN when no response names the people).
func (p Parts) ChanceGivenNamed() float64 { return ratio(p.Chance, p.Named) }

func ratio(a float64, n int) float64 {
	if n == 0 {
		return math.NaN()
	}
	return a / float64(n)
}

// SummarizeParts breaks K&K responses down (see Parts): all levels first,
// then each level in order. Only K&K rows can be broken down, and the parts
// must agree with the stored correctness (a correct response names the
// people with every role right); anything else is an error naming the row.
func SummarizeParts(answers []Answer) ([]Parts, error) {
	byLevel := map[int64]*Parts{}
	all := Parts{}
	for i, a := range answers {
		kp, err := answerParts(i, a)
		if err != nil {
			return nil, err
		}
		p := byLevel[a.Level]
		if p == nil {
			p = &Parts{Level: a.Level}
			byLevel[a.Level] = p
		}
		p.add(a, kp)
		all.add(a, kp)
	}
	out := []Parts{all}
	for _, l := range slices.Sorted(maps.Keys(byLevel)) {
		out = append(out, *byLevel[l])
	}
	return out, nil
}

// answerParts parses answer i (see SummarizeParts for what is checked);
// Named is set only for an answer that ended.
func answerParts(i int, a Answer) (reward.KKParts, error) {
	if a.DataSource != "kk" {
		return reward.KKParts{}, fmt.Errorf("experiment: row %d: data_source %q: answer parts are defined for K&K only", i, a.DataSource)
	}
	kp := reward.KKAnswerParts(a.Response, a.GroundTruth)
	if a.Correct != (a.Ended && kp.Named && kp.RolesRight == kp.People) {
		return kp, fmt.Errorf("experiment: row %d (level %d): correctness %v disagrees with its box (named %v, %d of %d roles right, ended %v)",
			i, a.Level, a.Correct, kp.Named, kp.RolesRight, kp.People, a.Ended)
	}
	kp.Named = kp.Named && a.Ended
	return kp, nil
}

// add counts one answer, parsed by answerParts, into p.
func (p *Parts) add(a Answer, kp reward.KKParts) {
	p.N++
	if a.Correct {
		p.Correct++
	}
	if kp.Named {
		p.Named++
		p.People += kp.People
		p.RolesRight += kp.RolesRight
		p.Knights += kp.Knights
		p.TrueKnights += kp.TrueKnights
		p.Chance += math.Ldexp(1, -kp.People)
	}
}

// ReadParts reads an eval file (a validation's or `r1lab eval`'s responses) and breaks it down.
func ReadParts(path string) ([]Parts, error) {
	answers, err := dataio.Read[Answer](path)
	if err != nil {
		return nil, fmt.Errorf("experiment: %w", err)
	}
	parts, err := SummarizeParts(answers)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return parts, nil
}

// PartsBeforeAfter returns the indices into a.Steps (and a.Parts) of the
// first and the last validations whose responses were kept: usually step 0,
// before RL, and the arm's last. It returns one index when only one
// validation has responses and none when none has.
func (a ArmResult) PartsBeforeAfter() []int {
	var idx []int
	for i, p := range a.Parts {
		switch {
		case p == nil:
		case len(idx) < 2:
			idx = append(idx, i)
		default:
			idx[1] = i
		}
	}
	return idx
}

// PartsCI gives 95% intervals for two numbers of Parts over all levels: the
// role accuracy of the answers that name the puzzle's people, and their
// accuracy beyond guessing the roles (correct minus 2^-n per such answer, over
// the answers; 0 is guessing). Both come from a bootstrap over prompts: the
// responses to one prompt (several when sampled) are resampled together, as
// their roles are not independent. It is an error when no answer names the
// people, or the answers cannot be broken down (see SummarizeParts).
func PartsCI(answers []Answer, resamples int, seed uint64) (roles, beyondGuessing stats.Interval, err error) {
	type prompt struct {
		source       string
		level, index int64
	}
	byPrompt := map[prompt]*Parts{}
	var order []prompt
	named := 0
	for i, a := range answers {
		kp, err := answerParts(i, a)
		if err != nil {
			return roles, beyondGuessing, err
		}
		k := prompt{a.DataSource, a.Level, a.Index}
		if byPrompt[k] == nil {
			byPrompt[k] = &Parts{Level: a.Level}
			order = append(order, k)
		}
		byPrompt[k].add(a, kp)
		if kp.Named {
			named++
		}
	}
	if named == 0 {
		return roles, beyondGuessing, fmt.Errorf("experiment: no answer of %d names the puzzle's people", len(answers))
	}
	// Per prompt: roles right over people named, and correct minus chance
	// over named answers; an answer that does not name the people adds 0 to
	// both (it is never correct).
	var rr, people, beyond, n []float64
	for _, k := range order {
		p := byPrompt[k]
		rr, people = append(rr, float64(p.RolesRight)), append(people, float64(p.People))
		beyond, n = append(beyond, float64(p.Correct)-p.Chance), append(n, float64(p.Named))
	}
	ratio := func(x, y []float64) float64 { return stats.Mean(x) / stats.Mean(y) } // Σx / Σy; NaN in a resample without named answers
	if roles, err = stats.PairedBootstrap(rr, people, ratio, resamples, seed, 0.95); err != nil {
		return roles, beyondGuessing, err
	}
	beyondGuessing, err = stats.PairedBootstrap(beyond, n, ratio, resamples, seed, 0.95)
	return roles, beyondGuessing, err
}
