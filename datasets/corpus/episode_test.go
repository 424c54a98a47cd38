package corpus

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
	"github.com/r1lab/r1lab/datasets/reward"
)

// TestKKCorrectRate scores every K&K episode with the paper's reward (last
// box, order-insensitive, EOS required) and compares the share of correct
// answers with CorrectRate.
func TestKKCorrectRate(t *testing.T) {
	for _, rate := range []float64{0, 0.3, 0.8, 1} {
		c := only(KKEpisode, 1500)
		c.CorrectRate = rate
		docs, tr := generateTraced(t, c, Exclusion{})
		if len(tr.kkEps) != len(docs) {
			t.Fatalf("%d episodes traced for %d documents", len(tr.kkEps), len(docs))
		}
		correct := 0
		for _, ep := range tr.kkEps {
			doc := docs[ep.doc].Text
			if !strings.Contains(doc, ep.p.UserMessage()+prompt.ImEnd) && !strings.Contains(doc, ep.p.UserMessage()+"\nAnswer:") {
				t.Fatalf("episode does not hold its puzzle:\n%s", doc)
			}
			s := reward.KK(doc, ep.p.GroundTruth())
			if s.Correct != ep.correct {
				t.Fatalf("episode drawn correct=%v scores %v:\n%s", ep.correct, s, doc)
			}
			if s.Correct {
				correct++
			}
		}
		checkRate(t, fmt.Sprintf("K&K CorrectRate %v", rate), correct, len(docs), rate)
	}
}

func TestArithCorrectRate(t *testing.T) {
	for _, rate := range []float64{0, 0.3, 1} {
		c := only(ArithEpisode, 1500)
		c.ArithCorrectRate = rate
		docs, tr := generateTraced(t, c, Exclusion{})
		correct := 0
		for _, ep := range tr.arEps {
			doc := docs[ep.doc].Text
			if !strings.Contains(doc, "\n"+ep.p.Question+prompt.ImEnd) && !strings.Contains(doc, "\n"+ep.p.Question+"\nAnswer:") {
				t.Fatalf("episode does not hold its problem %q:\n%s", ep.p.Question, doc)
			}
			s := reward.Arith(doc, ep.p.GroundTruth())
			if s.Correct != ep.correct {
				t.Fatalf("episode drawn correct=%v scores %v:\n%s", ep.correct, s, doc)
			}
			if s.Correct {
				correct++
			}
			checkArithLines(t, doc, ep.correct)
		}
		checkRate(t, fmt.Sprintf("ARITH CorrectRate %v", rate), correct, len(docs), rate)
	}
}

// stepRe matches a short-solution line "x op y = v.".
var stepRe = regexp.MustCompile(`^(-?\d+) ([-+*/]) (\(-\d+\)|\d+) = (-?\d+)\.$`)

// checkArithLines evaluates every step line of an ARITH response: all must
// be right in a correct episode and at least one wrong in a wrong episode
// that shows steps, and the last step's result must be the boxed answer.
func checkArithLines(t *testing.T, doc string, correct bool) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(doc, prompt.EndOfText), "\n")
	var steps []string
	for _, l := range lines {
		if stepRe.MatchString(l) {
			steps = append(steps, l)
		}
	}
	if len(steps) == 0 {
		return
	}
	wrong, last := 0, int64(0)
	for _, l := range steps {
		m := stepRe.FindStringSubmatch(l)
		x, _ := strconv.ParseInt(m[1], 10, 64)
		y, _ := strconv.ParseInt(strings.Trim(m[3], "()"), 10, 64)
		v, _ := strconv.ParseInt(m[4], 10, 64)
		var want int64
		switch m[2] {
		case "+":
			want = x + y
		case "-":
			want = x - y
		case "*":
			want = x * y
		case "/":
			want = x / y
		}
		if want != v {
			wrong++
		}
		last = v
	}
	if correct && wrong > 0 || !correct && wrong == 0 {
		t.Fatalf("episode correct=%v has %d wrong steps:\n%s", correct, wrong, doc)
	}
	box, _ := reward.LastBoxed(doc)
	if box != strconv.FormatInt(last, 10) {
		t.Fatalf("boxed %q is not the last step's result %d:\n%s", box, last, doc)
	}
}

// TestKKSteps checks the shown template-CoT steps against an independent
// replay of the solver's search: right steps are the template CoT's own
// sentences, wrong steps really are wrong, no episode shows a whole trace,
// and the shares of answer-only episodes, of wrong steps and of the base
// template follow the configuration.
func TestKKSteps(t *testing.T) {
	c := only(KKEpisode, 2500)
	c.CorrectRate, c.StepErrorRate, c.AnswerOnlyRate, c.MaxCoTSteps, c.BaseTemplateRate = 0.4, 0.5, 0.3, 4, 0.2
	docs, tr := generateTraced(t, c, Exclusion{})
	answerOnly, base, assumptions, wrongSteps := 0, 0, 0, 0
	shapes := map[bool]int{} // wrong steps: told as an assumption without contradiction or not
	for _, ep := range tr.kkEps {
		doc := docs[ep.doc].Text
		if strings.HasPrefix(doc, "Question:\n") {
			base++
		}
		if len(ep.steps) == 0 {
			answerOnly++
			continue
		}
		tape := kk.SearchTape(ep.p.Statements)
		if len(ep.steps) > c.MaxCoTSteps || len(ep.steps) >= len(tape)-1 {
			t.Fatalf("%d steps shown of a %d-step trace (max %d)", len(ep.steps), len(tape)-1, c.MaxCoTSteps)
		}
		role := make([]int8, ep.p.People())
		for i := range role {
			role[i] = -1
		}
		var shown []string
		for i, s := range ep.steps {
			st := tape[i]
			shown = append(shown, s.text)
			right := kk.RenderStep(st, ep.p.Statements, ep.p.Names)
			if s.tape != i || s.wrong != (s.text != right) {
				t.Fatalf("step %d (tape %d, wrong=%v) %q; the right one is %q", i, s.tape, s.wrong, s.text, right)
			}
			if st.Kind == kk.StepReconsider {
				for _, e := range st.Exhausted {
					role[e] = -1
				}
				continue
			}
			role[st.Person] = boolRole(st.Knight)
			if ep.correct {
				if s.wrong {
					t.Fatalf("correct episode with a wrong step %q", s.text)
				}
				continue
			}
			assumptions++
			if s.wrong {
				wrongSteps++
				shapes[strings.Fields(s.text)[0] == "Assume"]++
				if err := reallyWrong(ep.p, role, st, s.text); err != nil {
					t.Fatalf("wrong step %q is not wrong: %v\npuzzle: %s", s.text, err, ep.p.Quiz)
				}
			}
		}
		if !strings.Contains(doc, strings.Join(shown, " ")+"\n") {
			t.Fatalf("the document does not show the steps in order:\n%s", doc)
		}
	}
	if shapes[true] == 0 || shapes[false] == 0 {
		t.Errorf("wrong steps: %d false \"No contradiction\", %d false contradictions; want both kinds", shapes[true], shapes[false])
	}
	n := len(tr.kkEps)
	checkRate(t, "answer-only share", answerOnly, n, c.AnswerOnlyRate)
	checkRate(t, "base-template share", base, n, c.BaseTemplateRate)
	checkRate(t, "wrong assumption steps in wrong episodes", wrongSteps, assumptions, c.StepErrorRate)
}

// conflictRe reads a claimed contradiction, as kk.RenderStep writes it.
var conflictRe = regexp.MustCompile(`^(\w+) cannot be a (knight|knave), because this would contradict the (false )?claim of (their own|\w+) that `)

// reallyWrong checks a wrongly told assumption step against brute force:
// role holds the search's roles with the step's assumption made. A step
// saying "No contradiction" is wrong when some assigned person's claim can
// no longer have the truth value their role needs, whatever the unassigned
// people are; a step claiming a contradiction with Q's claim is wrong when
// Q's claim can still have it.
func reallyWrong(p kk.Puzzle, role []int8, st kk.TapeStep, text string) error {
	if strings.HasPrefix(text, "Assume ") {
		if !strings.Contains(text, ". No contradiction is found in their ") {
			return fmt.Errorf("unexpected shape")
		}
		for q, r := range role {
			if r >= 0 && !satisfiable(p.Statements[q], role, r == 1) {
				return nil
			}
		}
		return fmt.Errorf("every assigned claim can still hold")
	}
	m := conflictRe.FindStringSubmatch(text)
	if m == nil || m[1] != p.Names[st.Person] || (m[2] == "knight") != st.Knight {
		return fmt.Errorf("unexpected shape")
	}
	q := st.Person
	if m[4] != "their own" {
		q = slices.Index(p.Names, m[4])
	}
	if q < 0 || role[q] < 0 {
		return fmt.Errorf("%s is not assigned", m[4])
	}
	if (m[3] == "") != (role[q] == 1) {
		return fmt.Errorf("the claim's falseness does not match %s's role", m[4])
	}
	if !satisfiable(p.Statements[q], role, role[q] == 1) {
		return fmt.Errorf("%s's claim really is contradicted", m[4])
	}
	return nil
}

// satisfiable tells whether some completion of the unassigned people gives
// st the value want.
func satisfiable(st kk.Statement, role []int8, want bool) bool {
	var free []int
	for q, r := range role {
		if r < 0 {
			free = append(free, q)
		}
	}
	a := make([]bool, len(role))
	for code := 0; code < 1<<len(free); code++ {
		for q, r := range role {
			a[q] = r == 1
		}
		for k, q := range free {
			a[q] = code>>k&1 == 1
		}
		if st.Eval(a) == want {
			return true
		}
	}
	return false
}

// TestWrongAnswersFlip checks FlipRate: in wrong answers each person's role
// is flipped with FlipRate, and one random person's if none was.
func TestWrongAnswersFlip(t *testing.T) {
	c := only(KKEpisode, 2000)
	c.CorrectRate, c.FlipRate, c.MinPeople, c.MaxPeople = 0, 0.25, 4, 4
	docs, tr := generateTraced(t, c, Exclusion{})
	flips, people := 0, 0
	for _, ep := range tr.kkEps {
		box, _ := reward.LastBoxedFlat(docs[ep.doc].Text)
		got := strings.Split(box, ", ")
		want := strings.Split(ep.p.GroundTruth(), ", ")
		n := 0
		for i := range want {
			if got[i] != want[i] {
				n++
			}
		}
		if n == 0 {
			t.Fatalf("wrong episode with the right answer %q", box)
		}
		flips += n
		people += len(want)
	}
	// E[flips] = n·f + (1−f)^n: the forced flip when none came up.
	f, n := c.FlipRate, 4.0
	want := (n*f + pow(1-f, 4)) / n
	if got := float64(flips) / float64(people); got < want-0.02 || got > want+0.02 {
		t.Errorf("flipped share %.4f, want %.4f", got, want)
	}
}

func pow(x float64, n int) float64 {
	out := 1.0
	for range n {
		out *= x
	}
	return out
}
