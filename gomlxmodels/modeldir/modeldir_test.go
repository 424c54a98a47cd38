package modeldir

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
	"github.com/r1lab/r1lab/gomlxmodels/tokenizer"
)

func TestSaveLoad(t *testing.T) {
	tok, err := tokenizer.ForTasks()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := lm.ConfigForSize("tiny", tok.VocabSize())
	if err != nil {
		t.Fatal(err)
	}
	m, err := lm.New(cfg, 7)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "model")
	if err := Save(dir, m, tok); err != nil {
		t.Fatal(err)
	}
	got, gotTok, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Config != cfg || gotTok.VocabSize() != tok.VocabSize() || got.NumParams() != m.NumParams() {
		t.Fatalf("loaded config %v vocab %d params %d", got.Config, gotTok.VocabSize(), got.NumParams())
	}
	for v := range m.Store.IterVariables() {
		w := got.Store.GetVariable(v.Path())
		if w == nil {
			t.Fatalf("variable %s missing after load", v.Path())
		}
		a, _ := v.Value()
		b, _ := w.Value()
		if !slicesEqual(tensors.MustCopyFlatData[float32](a), tensors.MustCopyFlatData[float32](b)) {
			t.Errorf("variable %s differs after load", v.Path())
		}
	}
	// A config that disagrees with the weights is an error naming the files.
	cfg.Layers = 2
	js := []byte(strings.Replace(mustRead(t, filepath.Join(dir, ConfigFile)), `"layers": 4`, `"layers": 2`, 1))
	if err := os.WriteFile(filepath.Join(dir, ConfigFile), js, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Load(dir); err == nil || !strings.Contains(err.Error(), WeightsFile) {
		t.Errorf("mismatched config: %v", err)
	}
	if _, _, err := Load(filepath.Join(dir, "nope")); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("missing directory: %v", err)
	}
}

func mustRead(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func slicesEqual(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
