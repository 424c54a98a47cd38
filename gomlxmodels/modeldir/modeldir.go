// Package modeldir reads and writes a model directory, the unit r1lab ships
// a trained model in and every command takes with --model:
//
//	config.json        the lm.Config (architecture)
//	tokenizer.json     the tokenizer (ids are part of the model)
//	model.safetensors  the weights, named relative to the model's scope
//
// The safetensors file opens with any safetensors reader (Python's
// safetensors, PyTorch).
package modeldir

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/checkpoint"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

// File names inside a model directory.
const (
	ConfigFile    = "config.json"
	TokenizerFile = "tokenizer.json"
	WeightsFile   = "model.safetensors"
)

// Save writes m and tok into dir, replacing it all at once.
func Save(dir string, m *lm.Model, tok *tokenizer.Tokenizer) error {
	if m.Config.Vocab != tok.VocabSize() {
		return fmt.Errorf("modeldir: model vocabulary %d ≠ tokenizer's %d", m.Config.Vocab, tok.VocabSize())
	}
	return dataio.WriteDirAtomic(dir, func(stage string) error {
		js, err := json.MarshalIndent(m.Config, "", "  ")
		if err != nil {
			return err
		}
		if err := dataio.WriteBytesAtomic(filepath.Join(stage, ConfigFile), append(js, '\n')); err != nil {
			return err
		}
		if err := tok.Save(filepath.Join(stage, TokenizerFile)); err != nil {
			return err
		}
		return checkpoint.SaveWeights(filepath.Join(stage, WeightsFile), m.Store, m.Path,
			map[string]string{"config": string(js)})
	})
}

// Load reads a model directory into a fresh Store, checking that the
// config, tokenizer and weights agree; errors name the file.
func Load(dir string) (*lm.Model, *tokenizer.Tokenizer, error) {
	cfgPath := filepath.Join(dir, ConfigFile)
	js, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, nil, fmt.Errorf("modeldir: %w", err)
	}
	var cfg lm.Config
	if err := json.Unmarshal(js, &cfg); err != nil {
		return nil, nil, fmt.Errorf("modeldir: %s: %w", cfgPath, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, nil, fmt.Errorf("modeldir: %s: %w", cfgPath, err)
	}
	tok, err := tokenizer.Load(filepath.Join(dir, TokenizerFile))
	if err != nil {
		return nil, nil, err
	}
	if cfg.Vocab != tok.VocabSize() {
		return nil, nil, fmt.Errorf("modeldir: %s: vocabulary %d ≠ %s's %d", cfgPath, cfg.Vocab, TokenizerFile, tok.VocabSize())
	}
	store := model.NewStore()
	if _, err := checkpoint.LoadWeights(filepath.Join(dir, WeightsFile), store, lm.DefaultPath); err != nil {
		return nil, nil, err
	}
	m, err := lm.Attach(store, lm.DefaultPath, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("modeldir: %s does not match %s: %w", WeightsFile, cfgPath, err)
	}
	// Attach checks that every weight the config needs is there; weights the
	// config does not know (a deeper model's file) must not be silently ignored.
	stored := 0
	for v := range store.IterVariables() {
		if strings.HasPrefix(v.Path(), lm.DefaultPath+"/") {
			stored += v.Shape().Size()
		}
	}
	if stored != cfg.NumParams() {
		return nil, nil, fmt.Errorf("modeldir: %s holds %d parameters, %s describes %d", WeightsFile, stored, cfgPath, cfg.NumParams())
	}
	return m, tok, nil
}
