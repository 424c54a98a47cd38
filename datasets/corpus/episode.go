package corpus

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// kkAnswerLines are the final-answer sentences of K&K responses: the
// short-CoT SFT data's line and two of the teacher's; {A} is the answer.
var kkAnswerLines = []string{
	`The final answer is: \boxed{{A}}.`,
	`So the answer is \boxed{{A}}.`,
	`Therefore, \boxed{{A}}.`,
}

// template draws the prompt template of an episode.
func (g *generator) template() prompt.Template {
	if g.r.chance(g.c.BaseTemplateRate) {
		return prompt.Base
	}
	return prompt.Qwen
}

// episode joins a prompt and a response body. The Qwen RL prompt ends with
// "assistant\n", so the body follows directly; the base prompt ends with
// "Let's think step by step." and the body starts on a new line.
func episode(t prompt.Template, user, body string) string {
	if t == prompt.Base {
		return t.RL(user) + "\n" + body + prompt.EndOfText
	}
	return t.RL(user) + body + prompt.EndOfText
}

// kkEpisode writes a K&K puzzle in a prompt template and a short response:
// the boxed answer, sometimes after the first few steps of the template
// chain of thought. With CorrectRate every shown step and the answer are
// right; otherwise the answer flips at least one role and each shown step
// is told wrongly with StepErrorRate.
func (g *generator) kkEpisode() (string, error) {
	p, err := g.puzzle()
	if err != nil {
		return "", err
	}
	t := g.template()
	correct := g.r.chance(g.c.CorrectRate)
	var steps []stepInfo
	if !g.r.chance(g.c.AnswerOnlyRate) {
		tape := kk.SearchTape(p.Statements)
		// The tape ends with the success step, which is no sentence; showing
		// all the others would be the full trace SFT teaches, so one is kept back.
		if most := min(g.c.MaxCoTSteps, len(tape)-2); most >= 1 {
			steps = g.kkSteps(p, tape[:g.r.between(1, most)], !correct)
		}
	}
	roles := append([]bool(nil), p.Solution...)
	if !correct {
		g.flip(roles)
	}
	answer := fill(kkAnswerLines[g.r.intn(len(kkAnswerLines))], "{A}", groundTruth(p.Names, roles))
	var body strings.Builder
	if len(steps) > 0 {
		if t != prompt.Base { // the base prompt already says "Let's think step by step."
			body.WriteString(kk.CoTHead + " ")
		}
		for i, s := range steps {
			if i > 0 {
				body.WriteByte(' ')
			}
			body.WriteString(s.text)
		}
		body.WriteByte('\n')
	}
	body.WriteString(answer)
	if g.tr != nil {
		g.tr.kkEps = append(g.tr.kkEps, kkEpisodeInfo{doc: g.doc, p: p, correct: correct, steps: steps})
	}
	return episode(t, p.UserMessage(), body.String()), nil
}

// flip flips each role with FlipRate, and one random role if none flipped.
func (g *generator) flip(roles []bool) {
	flipped := false
	for i := range roles {
		if g.r.chance(g.c.FlipRate) {
			roles[i] = !roles[i]
			flipped = true
		}
	}
	if !flipped {
		i := g.r.intn(len(roles))
		roles[i] = !roles[i]
	}
}

// groundTruth renders roles as a K&K answer, "A is a knight, B is a knave".
func groundTruth(names []string, roles []bool) string {
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = n + " is a " + roleWord(roles[i])
	}
	return strings.Join(parts, ", ")
}

// kkSteps renders the given prefix of a puzzle's search tape. When wrong is
// set each assumption step is told wrongly with StepErrorRate: a
// consistent assumption is said to contradict the claim of someone already
// assigned (none is contradicted), and a contradicted assumption is said to
// find no contradiction. Backtracking steps are always told right.
func (g *generator) kkSteps(p kk.Puzzle, tape []kk.TapeStep, wrong bool) []stepInfo {
	// role[q] is q's current role in the search: -1 unassigned, 0 knave, 1 knight.
	role := make([]int8, p.People())
	for i := range role {
		role[i] = -1
	}
	out := make([]stepInfo, 0, len(tape))
	for i, st := range tape {
		told, bad := st, false
		switch st.Kind {
		case kk.StepReconsider:
			for _, e := range st.Exhausted {
				role[e] = -1
			}
		case kk.StepOK, kk.StepConflict:
			role[st.Person] = boolRole(st.Knight)
			if bad = wrong && g.r.chance(g.c.StepErrorRate); !bad {
				break
			}
			if st.Kind == kk.StepConflict {
				told = kk.TapeStep{Kind: kk.StepOK, Person: st.Person, Knight: st.Knight}
				break
			}
			var assigned []int
			for q, r := range role {
				if r >= 0 {
					assigned = append(assigned, q)
				}
			}
			q := assigned[g.r.intn(len(assigned))]
			told = kk.TapeStep{Kind: kk.StepConflict, Person: st.Person, Knight: st.Knight,
				Conflict: q, ConflictKnight: role[q] == 1}
		}
		out = append(out, stepInfo{tape: i, wrong: bad, text: kk.RenderStep(told, p.Statements, p.Names)})
	}
	return out
}

func boolRole(knight bool) int8 {
	if knight {
		return 1
	}
	return 0
}

// arithEpisode writes an ARITH problem in a prompt template and its short
// solution (or only the final-answer line). With ArithCorrectRate it is
// right; otherwise one step's result is off by 1 or 10 or has lost its
// sign, and the answer is off by the same amount.
func (g *generator) arithEpisode() (string, error) {
	p, err := g.problem()
	if err != nil {
		return "", err
	}
	t := g.template()
	correct := g.r.chance(g.c.ArithCorrectRate)
	lines := strings.Split(p.ShortCoT(), "\n")
	steps := lines[:len(lines)-1] // the last line is the final answer
	if g.r.chance(g.c.AnswerOnlyRate) {
		steps = nil
	}
	answer := p.Answer
	if !correct {
		if len(steps) == 0 {
			answer += g.slip(answer)
		} else {
			i := g.r.intn(len(steps))
			v, err := stepResult(steps[i])
			if err != nil {
				return "", err
			}
			d := g.slip(v)
			steps[i] = withResult(steps[i], v+d)
			answer += d
			// The last step's result is the answer: keep them the same.
			last := len(steps) - 1
			steps[last] = withResult(steps[last], answer)
		}
	}
	body := strings.Join(append(steps, fmt.Sprintf(arith.FinalLine, strconv.FormatInt(answer, 10))), "\n")
	if g.tr != nil {
		g.tr.arEps = append(g.tr.arEps, arithEpisodeInfo{doc: g.doc, p: p, correct: correct})
	}
	return episode(t, p.Question, body), nil
}

// slip returns a typical arithmetic slip for a value v, never 0: ±1, ±10,
// or a dropped minus sign (−2v) when v is negative.
func (g *generator) slip(v int64) int64 {
	k := g.r.intn(5)
	switch {
	case k == 4 && v < 0:
		return -2 * v
	case k >= 2:
		return 10 * (2*int64(k%2) - 1)
	}
	return 2*int64(k%2) - 1
}

// stepResult reads v from a short-solution line "x op y = v.".
func stepResult(line string) (int64, error) {
	i := strings.LastIndex(line, " = ")
	if i < 0 || !strings.HasSuffix(line, ".") {
		return 0, fmt.Errorf("corpus: internal error: ARITH step %q is not \"x op y = v.\"", line)
	}
	return strconv.ParseInt(line[i+3:len(line)-1], 10, 64)
}

// withResult replaces the result of a line "x op y = v." by w.
func withResult(line string, w int64) string {
	i := strings.LastIndex(line, " = ")
	return line[:i+3] + strconv.FormatInt(w, 10) + "."
}
