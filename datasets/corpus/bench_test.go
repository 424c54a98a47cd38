package corpus

import (
	"testing"
)

// BenchmarkGenerate2M writes a 2-million-word corpus with the default mix
// and reports documents and words per second.
func BenchmarkGenerate2M(b *testing.B) {
	c := DefaultConfig()
	c.Words = 2_000_000
	var docs []Document
	for b.Loop() {
		var err error
		if docs, err = GenerateDocs(c, Exclusion{}); err != nil {
			b.Fatal(err)
		}
	}
	words := 0
	for _, d := range docs {
		words += CountWords(d.Text)
	}
	sec := b.Elapsed().Seconds() / float64(b.N)
	b.ReportMetric(float64(len(docs))/sec, "docs/s")
	b.ReportMetric(float64(words)/sec, "words/s")
}

// TestDefaultCorpusStats logs the default corpus's size per kind (run with
// -v to read it).
func TestDefaultCorpusStats(t *testing.T) {
	if testing.Short() {
		t.Skip("writes the whole default corpus")
	}
	docs, err := GenerateDocs(DefaultConfig(), Exclusion{})
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, s := range Summarize(docs) {
		t.Logf("%-15s %6d docs %8d words  mean %6.1f words/doc", s.Kind, s.Docs, s.Words, s.MeanWords())
		total += s.Words
	}
	t.Logf("total %d docs, %d words", len(docs), total)
}
