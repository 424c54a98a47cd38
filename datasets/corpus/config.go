package corpus

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
)

// Kind is the kind of a corpus document.
type Kind int

// The document kinds, in the order of Mix's fields.
const (
	// KKSemantics: true sentences about claims and roles.
	KKSemantics Kind = iota
	// KKEpisode: a K&K puzzle in a prompt template and a short response.
	KKEpisode
	// KKFragment: teacher phrases with random content.
	KKFragment
	// ArithEpisode: an ARITH problem in a prompt template and a short solution.
	ArithEpisode
	// ArithFragment: a window of an ARITH teacher trace.
	ArithFragment
	// KKRoster: a copy drill, people and their roles, then the boxed answer.
	KKRoster
	// NumKinds is the number of document kinds.
	NumKinds = iota
)

var kindNames = [NumKinds]string{"kk_semantics", "kk_episode", "kk_fragment", "arith_episode", "arith_fragment", "kk_roster"}

// String returns the kind's name, e.g. "kk_episode".
func (k Kind) String() string {
	if k < 0 || int(k) >= NumKinds {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// Mix holds the relative frequencies of the document kinds, counted in
// documents (not words); they need not sum to 1. The defaults give K&K the
// larger share because it is the main task.
type Mix struct {
	KKSemantics   float64 // default 0.30
	KKEpisode     float64 // default 0.30
	KKFragment    float64 // default 0.10
	ArithEpisode  float64 // default 0.20
	ArithFragment float64 // default 0.10
	KKRoster      float64 // default 0.30 (short documents: about 5% of the words)
}

// weights returns the mix indexed by Kind.
func (m Mix) weights() [NumKinds]float64 {
	return [NumKinds]float64{m.KKSemantics, m.KKEpisode, m.KKFragment, m.ArithEpisode, m.ArithFragment, m.KKRoster}
}

// Config sets what Generate writes. Start from DefaultConfig: a zero rate is
// a valid setting, so zero fields are not replaced by defaults.
type Config struct {
	// Seed seeds every random choice of the corpus: its own puzzle and
	// problem samplers (never the data's 1234) and all rendering. Default 777.
	Seed uint64
	// Words is the corpus size in words as CountWords counts them (about
	// the tokenizer's tokens): documents are added until the total reaches
	// it. Default 1,000,000.
	Words int
	// Documents, when positive, is the exact number of documents instead,
	// and Words is ignored. Default 0.
	Documents int
	// Mix sets the share of each document kind (see Mix for the defaults).
	Mix Mix
	// MinPeople and MaxPeople bound the K&K puzzle sizes of episodes,
	// drawn uniformly. Default 2 and 6: the test levels 7–8 stay unseen and
	// 4–6 are seen only on other puzzles.
	MinPeople, MaxPeople int
	// ArithLevels are the ARITH levels drawn uniformly for episodes and
	// fragments. Default 1–5 (all).
	ArithLevels []int
	// CorrectRate is the share of K&K episodes whose shown steps and boxed
	// answer are all right. A wrong episode's answer flips at least one role,
	// and each of its shown steps is wrong with StepErrorRate. This is the
	// main quality dial: 1 gives a strong base. Default 0.3.
	CorrectRate float64
	// ArithCorrectRate is CorrectRate for ARITH episodes; a wrong one has
	// one step off by 1 or 10 (or with a dropped sign) and an answer off by
	// the same amount. Default 0.3.
	ArithCorrectRate float64
	// AnswerOnlyRate is the share of episodes (both tasks) whose response is
	// only the final-answer line, with no reasoning. Default 0.5.
	AnswerOnlyRate float64
	// StepErrorRate is the chance that a shown template-CoT step of a wrong
	// K&K episode is wrong: a "No contradiction" where the assumption
	// contradicts a claim, or a contradiction claimed where there is none.
	// Default 0.5.
	StepErrorRate float64
	// MaxCoTSteps caps the template-CoT steps an episode shows; an episode
	// never shows all steps of its puzzle's trace. Default 3.
	MaxCoTSteps int
	// FlipRate is the chance that each person's role is flipped in a wrong
	// K&K answer; if none comes up, one random person's is. 0.5 makes wrong
	// answers random; small values make near misses. Default 0.5.
	FlipRate float64
	// BaseTemplateRate is the share of episodes in the base-model template
	// ("Question: … Answer: Let's think step by step.") instead of the Qwen
	// chat template. Default 0.1.
	BaseTemplateRate float64
	// NamePool draws K&K names from the first NamePool of kk.CommonNames
	// (see kk.FormatPool); it should match the data's. Default 0: all 51.
	NamePool int
	// MaxSentences caps the sentences of a semantics document (at least 2
	// are written). Default 6.
	MaxSentences int
	// MaxPhrases caps the teacher phrases of a K&K fragment (at least 2)
	// and, divided by two, the paragraphs of an ARITH fragment (at least 1).
	// Default 6.
	MaxPhrases int
}

// DefaultConfig returns the default corpus configuration: a weak base.
func DefaultConfig() Config {
	return Config{
		Seed:  777,
		Words: 1_000_000,
		Mix: Mix{KKSemantics: 0.30, KKEpisode: 0.30, KKFragment: 0.10,
			ArithEpisode: 0.20, ArithFragment: 0.10, KKRoster: 0.30},
		MinPeople:        2,
		MaxPeople:        6,
		ArithLevels:      []int{1, 2, 3, 4, 5},
		CorrectRate:      0.3,
		ArithCorrectRate: 0.3,
		AnswerOnlyRate:   0.5,
		StepErrorRate:    0.5,
		MaxCoTSteps:      3,
		FlipRate:         0.5,
		BaseTemplateRate: 0.1,
		MaxSentences:     6,
		MaxPhrases:       6,
	}
}

// Validate returns an error for a configuration Generate cannot honour.
func (c Config) Validate() error {
	if c.Words <= 0 && c.Documents <= 0 {
		return errors.New("corpus: need a positive word budget or document count")
	}
	total := 0.0
	for k, w := range c.Mix.weights() {
		if w < 0 {
			return fmt.Errorf("corpus: negative weight %v for %s", w, Kind(k))
		}
		total += w
	}
	if total <= 0 {
		return errors.New("corpus: every document kind has weight 0")
	}
	for _, r := range []struct {
		name string
		v    float64
	}{{"CorrectRate", c.CorrectRate}, {"ArithCorrectRate", c.ArithCorrectRate},
		{"AnswerOnlyRate", c.AnswerOnlyRate}, {"StepErrorRate", c.StepErrorRate},
		{"FlipRate", c.FlipRate}, {"BaseTemplateRate", c.BaseTemplateRate}} {
		if !(r.v >= 0 && r.v <= 1) {
			return fmt.Errorf("corpus: %s %v is not in [0, 1]", r.name, r.v)
		}
	}
	if c.MinPeople > c.MaxPeople {
		return fmt.Errorf("corpus: MinPeople %d > MaxPeople %d", c.MinPeople, c.MaxPeople)
	}
	for _, n := range []int{c.MinPeople, c.MaxPeople} {
		if err := kk.CheckPeople(n); err != nil {
			return fmt.Errorf("corpus: %w", err)
		}
	}
	if len(c.ArithLevels) == 0 && (c.Mix.ArithEpisode > 0 || c.Mix.ArithFragment > 0) {
		return errors.New("corpus: ARITH documents need at least one level")
	}
	for _, l := range c.ArithLevels {
		if _, err := arith.Spec(l); err != nil {
			return fmt.Errorf("corpus: %w", err)
		}
	}
	if err := kk.CheckNamePool(c.NamePool, max(c.MaxPeople, semMaxPeople)); err != nil {
		return fmt.Errorf("corpus: %w", err)
	}
	if c.MaxCoTSteps < 0 {
		return fmt.Errorf("corpus: negative MaxCoTSteps %d", c.MaxCoTSteps)
	}
	if c.MaxSentences < 2 || c.MaxPhrases < 2 {
		return fmt.Errorf("corpus: MaxSentences %d and MaxPhrases %d must be at least 2", c.MaxSentences, c.MaxPhrases)
	}
	return nil
}

// Set sets the weight of the kind named name (Kind.String, e.g. "kk_roster").
func (m *Mix) Set(name string, w float64) error {
	ptrs := [NumKinds]*float64{&m.KKSemantics, &m.KKEpisode, &m.KKFragment, &m.ArithEpisode, &m.ArithFragment, &m.KKRoster}
	for k := range ptrs {
		if kindNames[k] == name {
			*ptrs[k] = w
			return nil
		}
	}
	return fmt.Errorf("corpus: unknown document kind %q (known: %s)", name, strings.Join(kindNames[:], ", "))
}

// String renders the mix as kind=weight pairs, the form ParseMix reads.
func (m Mix) String() string {
	w := m.weights()
	parts := make([]string, NumKinds)
	for k := range w {
		parts[k] = fmt.Sprintf("%s=%g", kindNames[k], w[k])
	}
	return strings.Join(parts, ",")
}

// ParseMix reads "kind=weight,…" (e.g. "kk_roster=1,kk_episode=0.5") over
// base: kinds not named keep base's weights.
func ParseMix(s string, base Mix) (Mix, error) {
	m := base
	for _, part := range strings.Split(s, ",") {
		name, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return base, fmt.Errorf("corpus: mix entry %q is not kind=weight", part)
		}
		w, err := strconv.ParseFloat(val, 64)
		if err != nil {
			return base, fmt.Errorf("corpus: mix entry %q: %w", part, err)
		}
		if err := m.Set(name, w); err != nil {
			return base, err
		}
	}
	return m, nil
}
