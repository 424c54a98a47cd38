package corpus

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/prompt"
)

func TestDeterministic(t *testing.T) {
	c := DefaultConfig()
	c.Documents = 400
	a, err := Generate(c, Exclusion{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Generate(c, Exclusion{})
	if !slices.Equal(a, b) {
		t.Fatal("the same configuration gave different corpora")
	}
	c.Seed++
	d, _ := Generate(c, Exclusion{})
	same := 0
	for i := range a {
		if a[i] == d[i] {
			same++
		}
	}
	if same > len(a)/20 {
		t.Errorf("seeds %d and %d share %d of %d documents", c.Seed-1, c.Seed, same, len(a))
	}
}

func TestPrefix(t *testing.T) {
	c := DefaultConfig()
	c.Documents = 300
	long, err := Generate(c, Exclusion{})
	if err != nil {
		t.Fatal(err)
	}
	c.Documents = 120
	short, _ := Generate(c, Exclusion{})
	if !slices.Equal(short, long[:120]) {
		t.Error("a shorter corpus is not a prefix of a longer one")
	}
}

func TestWordBudget(t *testing.T) {
	for _, budget := range []int{1, 5000, 40000} {
		c := DefaultConfig()
		c.Words = budget
		docs, err := GenerateDocs(c, Exclusion{})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, d := range docs {
			total += CountWords(d.Text)
		}
		last := CountWords(docs[len(docs)-1].Text)
		if total < budget || total-last >= budget {
			t.Errorf("budget %d: %d documents, %d words (last %d): should stop at the first document reaching the budget",
				budget, len(docs), total, last)
		}
		sum := 0
		for _, s := range Summarize(docs) {
			sum += s.Words
		}
		if sum != total {
			t.Errorf("Summarize counts %d words, want %d", sum, total)
		}
	}
}

func TestEveryDocumentEndsWithEndOfText(t *testing.T) {
	c := DefaultConfig()
	c.Documents = 3000
	docs, err := GenerateDocs(c, Exclusion{})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if !strings.HasSuffix(d.Text, prompt.EndOfText) || strings.Count(d.Text, prompt.EndOfText) != 1 {
			t.Fatalf("%s document does not end with its only %s:\n%s", d.Kind, prompt.EndOfText, d.Text)
		}
		episode := d.Kind == KKEpisode || d.Kind == ArithEpisode
		chat := strings.HasPrefix(d.Text, prompt.QwenHead)
		base := strings.HasPrefix(d.Text, "Question:\n")
		if episode != (chat || base) {
			t.Fatalf("%s document: chat %v, base template %v:\n%s", d.Kind, chat, base, d.Text)
		}
		if strings.Contains(d.Text, "  ") || strings.Contains(d.Text, " \n") || strings.Contains(d.Text, "\n ") {
			t.Fatalf("%s document has stray spaces:\n%q", d.Kind, d.Text)
		}
	}
}

func TestMix(t *testing.T) {
	c := DefaultConfig()
	c.Documents = 6000
	c.Mix = Mix{KKSemantics: 1, KKEpisode: 2, KKFragment: 0, ArithEpisode: 3, ArithFragment: 4}
	docs, err := GenerateDocs(c, Exclusion{})
	if err != nil {
		t.Fatal(err)
	}
	stats := Summarize(docs)
	w := c.Mix.weights()
	for k, s := range stats {
		checkRate(t, "share of "+Kind(k).String(), s.Docs, len(docs), w[k]/10)
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Config)
	}{
		{"no size", func(c *Config) { c.Words, c.Documents = 0, 0 }},
		{"negative weight", func(c *Config) { c.Mix.KKFragment = -1 }},
		{"all weights zero", func(c *Config) { c.Mix = Mix{} }},
		{"rate above 1", func(c *Config) { c.CorrectRate = 1.5 }},
		{"negative rate", func(c *Config) { c.FlipRate = -0.1 }},
		{"NaN rate", func(c *Config) { c.StepErrorRate = math.NaN() }},
		{"people reversed", func(c *Config) { c.MinPeople, c.MaxPeople = 5, 3 }},
		{"one person", func(c *Config) { c.MinPeople = 1 }},
		{"bad level", func(c *Config) { c.ArithLevels = []int{0} }},
		{"no levels", func(c *Config) { c.ArithLevels = nil }},
		{"negative steps", func(c *Config) { c.MaxCoTSteps = -1 }},
		{"one sentence", func(c *Config) { c.MaxSentences = 1 }},
	} {
		c := DefaultConfig()
		tc.change(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: Validate accepted %+v", tc.name, c)
		}
		if _, err := Generate(c, Exclusion{}); err == nil {
			t.Errorf("%s: Generate accepted the configuration", tc.name)
		}
	}
	if err := DefaultConfig().Validate(); err != nil {
		t.Errorf("DefaultConfig: %v", err)
	}
	c := DefaultConfig()
	c.ArithLevels, c.Mix.ArithEpisode, c.Mix.ArithFragment = nil, 0, 0
	if err := c.Validate(); err != nil {
		t.Errorf("a K&K-only corpus needs no ARITH levels: %v", err)
	}
}

func TestKindString(t *testing.T) {
	for k, want := range []string{"kk_semantics", "kk_episode", "kk_fragment", "arith_episode", "arith_fragment", "kk_roster", "Kind(6)"} {
		if got := Kind(k).String(); got != want {
			t.Errorf("Kind(%d) = %q, want %q", k, got, want)
		}
	}
}

func TestParseMix(t *testing.T) {
	base := DefaultConfig().Mix
	m, err := ParseMix("kk_roster=1, arith_episode=0", base)
	if err != nil || m.KKRoster != 1 || m.ArithEpisode != 0 || m.KKEpisode != base.KKEpisode {
		t.Errorf("ParseMix = %+v, %v", m, err)
	}
	if back, err := ParseMix(m.String(), Mix{}); err != nil || back != m {
		t.Errorf("String does not round-trip: %q → %+v, %v", m.String(), back, err)
	}
	for _, bad := range []string{"kk_roster", "kk_rooster=1", "kk_roster=x"} {
		if _, err := ParseMix(bad, base); err == nil || !strings.Contains(err.Error(), strings.Split(bad, "=")[0]) {
			t.Errorf("ParseMix(%q) error %v", bad, err)
		}
	}
}
