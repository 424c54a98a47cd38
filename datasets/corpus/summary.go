package corpus

// KindStats summarises the documents of one kind.
type KindStats struct {
	Kind  Kind
	Docs  int // documents of the kind
	Words int // their CountWords total
}

// MeanWords returns the mean words per document (0 for no documents).
func (s KindStats) MeanWords() float64 {
	if s.Docs == 0 {
		return 0
	}
	return float64(s.Words) / float64(s.Docs)
}

// Summarize counts documents and words per kind, indexed by Kind.
func Summarize(docs []Document) [NumKinds]KindStats {
	var out [NumKinds]KindStats
	for k := range out {
		out[k].Kind = Kind(k)
	}
	for _, d := range docs {
		out[d.Kind].Docs++
		out[d.Kind].Words += CountWords(d.Text)
	}
	return out
}
