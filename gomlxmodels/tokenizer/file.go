package tokenizer

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/r1lab/r1lab/datasets/dataio"
)

// File format identification, checked by Load.
const (
	fileFormat  = "r1lab-word-tokenizer"
	fileVersion = 1
)

// file is the JSON layout of a saved tokenizer. Ids are implicit: specials
// take 0..len(Specials)-1, words follow in the listed (byte) order.
type file struct {
	Format   string   `json:"format"`
	Version  int      `json:"version"`
	Specials []string `json:"specials"`
	Words    []string `json:"words"`
}

// Save writes the tokenizer to path as JSON, atomically: a reader sees the
// old file or the complete new one.
func (t *Tokenizer) Save(path string) error {
	data, err := json.MarshalIndent(file{
		Format:   fileFormat,
		Version:  fileVersion,
		Specials: t.tokens[:t.numSpecial],
		Words:    t.tokens[t.numSpecial:],
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("tokenizer: save %s: %w", path, err)
	}
	if err := dataio.WriteBytesAtomic(path, append(data, '\n')); err != nil {
		return fmt.Errorf("tokenizer: save %s: %w", path, err)
	}
	return nil
}

// Load reads a tokenizer written by Save. It checks the format, that the
// words are in byte order without repeats (so every id is what the file
// says), and everything New checks; errors name the file.
func Load(path string) (*Tokenizer, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: load: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f file
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("tokenizer: load %s: not a tokenizer file: %w", path, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("tokenizer: load %s: trailing data after the JSON object", path)
	}
	if f.Format != fileFormat || f.Version != fileVersion {
		return nil, fmt.Errorf("tokenizer: load %s: format %q version %d, want %q version %d",
			path, f.Format, f.Version, fileFormat, fileVersion)
	}
	for k := 1; k < len(f.Words); k++ {
		if f.Words[k-1] >= f.Words[k] {
			return nil, fmt.Errorf("tokenizer: load %s: words %q and %q (ids %d, %d) are not in strict byte order",
				path, f.Words[k-1], f.Words[k], len(f.Specials)+k-1, len(f.Specials)+k)
		}
	}
	t, err := New(f.Words, f.Specials)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: load %s: %s", path, strings.TrimPrefix(err.Error(), "tokenizer: "))
	}
	// New keeps specials in order and sorts words, which are sorted: the ids
	// are the file's. Checked anyway, as it is the file's whole contract.
	if !slices.Equal(t.tokens, append(slices.Clone(f.Specials), f.Words...)) {
		return nil, fmt.Errorf("tokenizer: load %s: ids differ from the file's order", path)
	}
	return t, nil
}
