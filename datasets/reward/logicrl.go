package reward

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
)

// LogicRLVersion selects one of the two published versions of Logic-RL's
// K&K reward.
type LogicRLVersion int

const (
	// LogicRLV1 is Logic-RL commit e343c5a (2025-02-03), identical to
	// deep-reasoning's unused kk.py: names are matched loosely
	// (`\bName\b.*?\b(knight|knave)\b` on one line), and a response with a
	// bad format or an empty answer gets no answer term. Totals: 3, 1, −0.5, −1.
	LogicRLV1 LogicRLVersion = 1
	// LogicRLV2 is Logic-RL HEAD e3e47ae ("stricter reward func",
	// 2025-02-08): each person must be stated as "Name is a knight|knave" and
	// the answer must name exactly n roles; a bad format or an empty answer
	// costs −2 more. Totals: 3, −0.5, −1, −3.
	LogicRLV2 LogicRLVersion = 2
)

// String returns "v1" or "v2".
func (v LogicRLVersion) String() string {
	switch v {
	case LogicRLV1, LogicRLV2:
		return fmt.Sprintf("v%d", int(v))
	}
	return fmt.Sprintf("LogicRLVersion(%d)", int(v))
}

// Logic-RL reward terms, as in kk.compute_score with its defaults
// (format_reward=1).
const (
	logicRLFormatOK    = 1.0
	logicRLFormatBad   = -1.0
	logicRLAnswerRight = 2.0
	logicRLAnswerWrong = -1.5
	// logicRLAnswerUnparsed is given when a name is missing, and by V2 also
	// when the format failed or the answer is empty.
	logicRLAnswerUnparsed = -2.0
)

// Response headers, tried in this order; the response is the text after the
// first occurrence. With neither, Logic-RL validates the whole string but
// extracts no answer.
var logicRLHeaders = []string{"Assistant:", "<|im_start|>assistant"}

// The four tags that must each occur exactly once, in this order.
var logicRLTags = [4]string{"<think>", "</think>", "<answer>", "</answer>"}

var (
	// logicRLTruthRe parses one line of solution_text_format, e.g.
	// "(1) Zoey is a knave" (the "(1)" is skipped: digits are not letters).
	logicRLTruthRe = regexp.MustCompile(`(?i)\b([A-Za-z]+)\b.*?\b(knight|knave)\b`)
	// logicRLAnswerRe finds the answer block; the last one counts.
	logicRLAnswerRe = regexp.MustCompile(`(?s)<answer>(.*?)</answer>`)
)

// LogicRL is Logic-RL's format+answer reward (kk.compute_score) for the
// <think>…</think><answer>…</answer> prompt format, in version v.
// solutionTextFormat is the dataset's solution_text_format, one
// "(i) Name is a knight|knave" per line; text is the decoded prompt+response.
//
// The total is a format term (+1 if <think>, </think>, <answer>, </answer>
// each occur once and in order after the "Assistant:" or
// "<|im_start|>assistant" header, else −1) plus an answer term (+2 all roles
// right, −1.5 some wrong, −2 a person missing or, in V2, not exactly n
// "knight"/"knave" substrings; with a bad format or an empty answer 0 in V1
// and −2 in V2). Correct is true iff the answer term is +2.
// As in Python, a ground truth with no parseable line makes every answer
// "missing" (an empty dict is falsy there).
//
// LogicRL panics if v is neither LogicRLV1 nor LogicRLV2: that is a
// programming error, since configuration goes through ByName.
func LogicRL(text, solutionTextFormat string, v LogicRLVersion) Score {
	if v != LogicRLV1 && v != LogicRLV2 {
		panic(fmt.Sprintf("reward.LogicRL: invalid version %v", v))
	}
	truth := parseLogicRLTruth(solutionTextFormat)
	answer, processed := extractLogicRLAnswer(text)
	formatOK := validLogicRLFormat(processed)

	score := logicRLFormatBad
	if formatOK {
		score = logicRLFormatOK
	}
	correct := false
	switch {
	case formatOK && answer != "":
		pred, ok := parseLogicRLAnswer(answer, truth, v)
		switch {
		case !ok || len(pred) == 0:
			score += logicRLAnswerUnparsed
		case sameRoles(pred, truth.roles):
			score += logicRLAnswerRight
			correct = true
		default:
			score += logicRLAnswerWrong
		}
	case v == LogicRLV2:
		score += logicRLAnswerUnparsed
	}
	return Score{Value: score, Correct: correct}
}

// logicRLTruth is the parsed solution_text_format.
type logicRLTruth struct {
	// names in first-seen order (Python dict order), as written in the
	// ground truth.
	names []string
	// patterns[i] is names[i] as it appears in the ASCII view, for building
	// the answer regexes.
	patterns []string
	// roles maps a name to "knight" or "knave" (lower-cased as written); a
	// repeated name keeps its last role.
	roles map[string]string
}

// parseLogicRLTruth ports parse_solution_text_format.
func parseLogicRLTruth(solutionTextFormat string) logicRLTruth {
	t := logicRLTruth{roles: map[string]string{}}
	for _, line := range strings.Split(solutionTextFormat, "\n") {
		line = pyStrip(line)
		if line == "" {
			continue
		}
		view := newASCIIView(line)
		m := logicRLTruthRe.FindStringSubmatchIndex(view.s)
		if m == nil {
			continue
		}
		na, nb := view.span(m[2], m[3])
		ra, rb := view.span(m[4], m[5])
		name := line[na:nb]
		if _, seen := t.roles[name]; !seen {
			t.names = append(t.names, name)
			t.patterns = append(t.patterns, view.s[m[2]:m[3]])
		}
		t.roles[name] = pyLower(line[ra:rb])
	}
	return t
}

// extractLogicRLAnswer ports extract_solution: it returns the stripped
// content of the last <answer> block after the response header ("" if none
// or no header) and the text the format is validated on.
func extractLogicRLAnswer(text string) (answer, processed string) {
	processed = text
	found := false
	for _, h := range logicRLHeaders {
		if i := strings.Index(text, h); i >= 0 {
			processed, found = text[i+len(h):], true
			break
		}
	}
	if !found {
		return "", processed
	}
	ms := logicRLAnswerRe.FindAllStringSubmatchIndex(processed, -1)
	if len(ms) == 0 {
		return "", processed
	}
	last := ms[len(ms)-1]
	return pyStrip(processed[last[2]:last[3]]), processed
}

// validLogicRLFormat ports validate_response_structure: each tag exactly
// once (substring count) and first positions in tag order.
func validLogicRLFormat(processed string) bool {
	var pos [len(logicRLTags)]int
	for i, tag := range logicRLTags {
		if strings.Count(processed, tag) != 1 {
			return false
		}
		pos[i] = strings.Index(processed, tag)
	}
	return pos[0] <= pos[1] && pos[1] <= pos[2] && pos[2] <= pos[3]
}

// parseLogicRLAnswer ports parse_model_answer of version v: for each
// expected name the first match of the version's pattern gives its role; ok
// is false when a name has none or (V2) when the answer does not mention
// exactly one role per person.
func parseLogicRLAnswer(answer string, truth logicRLTruth, v LogicRLVersion) (roles map[string]string, ok bool) {
	if v == LogicRLV2 {
		lower := pyLower(answer)
		if strings.Count(lower, "knight")+strings.Count(lower, "knave") != len(truth.names) {
			return nil, false
		}
	}
	view := newASCIIView(answer)
	roles = make(map[string]string, len(truth.names))
	for i, name := range truth.names {
		m := logicRLNameRe(truth.patterns[i], v).FindStringSubmatchIndex(view.s)
		if m == nil {
			return nil, false
		}
		a, b := view.span(m[2], m[3])
		roles[name] = pyLower(answer[a:b])
	}
	return roles, true
}

// nameReCacheMax bounds the cache of compiled per-name patterns. K&K has 51
// names, so two versions fit many times over; names beyond the bound (only
// adversarial ground truths produce them) are compiled on every call.
const nameReCacheMax = 4096

var (
	nameReCache sync.Map // nameReKey → *regexp.Regexp
	nameReCount atomic.Int64
)

// nameReKey identifies one compiled per-name pattern.
type nameReKey struct {
	name string
	v    LogicRLVersion
}

// logicRLNameRe returns the per-name answer pattern of version v, compiled
// once per name: compiling dominated the reward's cost.
func logicRLNameRe(name string, v LogicRLVersion) *regexp.Regexp {
	key := nameReKey{name, v}
	if re, ok := nameReCache.Load(key); ok {
		return re.(*regexp.Regexp)
	}
	re := compileLogicRLNameRe(name, v)
	if nameReCount.Load() < nameReCacheMax {
		if _, loaded := nameReCache.LoadOrStore(key, re); !loaded {
			nameReCount.Add(1)
		}
	}
	return re
}

// compileLogicRLNameRe builds the per-name answer pattern of version v.
// Neither version sets DOTALL, so V1's role must be on the name's line (V2's
// \s+ may span lines). name is [A-Za-z]+, so compiling cannot fail.
func compileLogicRLNameRe(name string, v LogicRLVersion) *regexp.Regexp {
	n := regexp.QuoteMeta(name)
	if v == LogicRLV1 {
		return regexp.MustCompile(`(?i)\b` + n + `\b.*?\b(knight|knave)\b`)
	}
	s := pySpaceClass + `+`
	return regexp.MustCompile(`(?i)\b` + n + `\b` + s + `is` + s + `a` + s + `\b(knight|knave)\b`)
}

// sameRoles is Python's dict equality on name→role maps.
func sameRoles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		if vb, ok := b[k]; !ok || va != vb {
			return false
		}
	}
	return true
}
