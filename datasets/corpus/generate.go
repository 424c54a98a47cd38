package corpus

import (
	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
)

// Document is one corpus document and its kind.
type Document struct {
	// Kind is the kind of document.
	Kind Kind
	// Text is the document; it always ends with prompt.EndOfText.
	Text string
}

// Generate returns the corpus's documents as plain text (see GenerateDocs).
func Generate(c Config, exclude Exclusion) ([]string, error) {
	docs, err := GenerateDocs(c, exclude)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(docs))
	for i, d := range docs {
		out[i] = d.Text
	}
	return out, nil
}

// GenerateDocs writes the corpus: c.Documents documents, or, if that is 0,
// documents until their CountWords total reaches c.Words (the last one may
// overshoot). Each document's kind is drawn from c.Mix. No document uses a
// puzzle or problem in exclude. The result depends only on c and exclude,
// and a smaller corpus is a prefix of a larger one.
func GenerateDocs(c Config, exclude Exclusion) ([]Document, error) {
	g, err := newGenerator(c, exclude)
	if err != nil {
		return nil, err
	}
	return g.run()
}

// generator holds the state of one Generate call. Documents are written in
// order from one random stream, because the puzzle and problem pools are
// shared state.
type generator struct {
	c       Config
	ex      Exclusion
	r       *rng
	weights []float64
	kkPools map[int]*kkPool
	arPools map[int]*arithPool
	doc     int // index of the document being written
	// tr, when not nil, records what each document was built from (tests).
	tr *trace
}

func newGenerator(c Config, ex Exclusion) (*generator, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	w := c.Mix.weights()
	g := &generator{c: c, ex: ex, r: newRNG(c.Seed, tagDocs), weights: w[:],
		kkPools: map[int]*kkPool{}, arPools: map[int]*arithPool{}}
	for n := c.MinPeople; n <= c.MaxPeople; n++ {
		g.kkPools[n] = &kkPool{people: n, sampler: kk.NewSampler(kk.SubSeed(c.Seed, tagKK+uint64(n)), n)}
	}
	for _, l := range c.ArithLevels {
		g.arPools[l] = &arithPool{level: l, seed: kk.SubSeed(c.Seed, tagArith+uint64(l)), seen: map[string]bool{}}
	}
	return g, nil
}

func (g *generator) run() ([]Document, error) {
	var docs []Document
	words := 0
	for g.doc = 0; ; g.doc++ {
		if g.c.Documents > 0 && g.doc >= g.c.Documents || g.c.Documents <= 0 && words >= g.c.Words {
			return docs, nil
		}
		kind := Kind(g.r.weighted(g.weights))
		text, err := g.document(kind)
		if err != nil {
			return nil, err
		}
		words += CountWords(text)
		docs = append(docs, Document{Kind: kind, Text: text})
	}
}

// document writes one document of a kind.
func (g *generator) document(kind Kind) (string, error) {
	switch kind {
	case KKSemantics:
		return g.semantics(), nil
	case KKEpisode:
		return g.kkEpisode()
	case KKFragment:
		return g.kkFragment(), nil
	case ArithEpisode:
		return g.arithEpisode()
	case KKRoster:
		return g.kkRoster()
	default:
		return g.arithFragment()
	}
}

// puzzle returns the next K&K puzzle of a random size, named by this
// document's own formatter seed (so a reused puzzle gets new names). Its
// Index is the document's.
func (g *generator) puzzle() (kk.Puzzle, error) {
	n := g.r.between(g.c.MinPeople, g.c.MaxPeople)
	pool := g.kkPools[n]
	stmts, err := pool.next(g.r, g.ex)
	if err != nil {
		return kk.Puzzle{}, err
	}
	p := kk.FormatPool(g.doc, kk.SubSeed(g.c.Seed, tagNames+uint64(g.doc)), stmts, g.c.NamePool)
	if g.tr != nil {
		g.tr.puzzles = append(g.tr.puzzles, p)
	}
	return p, nil
}

// problem returns the next ARITH problem of a random level.
func (g *generator) problem() (arith.Problem, error) {
	l := g.c.ArithLevels[g.r.intn(len(g.c.ArithLevels))]
	p, err := g.arPools[l].next(g.r, g.ex)
	if err == nil && g.tr != nil {
		g.tr.problems = append(g.tr.problems, p)
	}
	return p, err
}
