package checkpoint

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// TestWeightsRoundTrip ships a trained tiny lm: only its weights go in the file, named relative
// to "/lm", and they load under another prefix (a reference copy) bit-identical.
func TestWeightsRoundTrip(t *testing.T) {
	cfg := tinyConfig()
	m := newTiny(t, cfg, 3)
	train(t, m, 0, 2)
	cfgJS, _ := json.Marshal(cfg)
	path := filepath.Join(t.TempDir(), "model.safetensors")
	if err := SaveWeights(path, m.Store, "/lm/", map[string]string{"lm.config": string(cfgJS)}); err != nil {
		t.Fatal(err)
	}
	ts, meta, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) != 2+7*cfg.Layers || ts[0].Name != "embed" || meta[keyPrefix] != "/lm" || meta[keyFormat] != "weights" {
		t.Errorf("file holds %d tensors, first %q, metadata %v; want %d model weights named relative to /lm",
			len(ts), ts[0].Name, meta, 2+7*cfg.Layers)
	}

	for _, tc := range []struct {
		name   string
		store  func() *model.Store
		prefix string
	}{
		{"fresh store, other prefix", model.NewStore, "/ref"},
		{"existing model, same prefix", func() *model.Store { return newTiny(t, cfg, 77).Store }, "/lm"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.store()
			got, err := LoadWeights(path, s, tc.prefix)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 1 || got["lm.config"] != string(cfgJS) {
				t.Errorf("metadata %v, want only the caller's lm.config", got)
			}
			if _, err := lm.Attach(s, tc.prefix, cfg); err != nil {
				t.Fatal(err)
			}
			for _, x := range ts {
				v := s.GetVariable(tc.prefix + "/" + x.Name)
				w := m.Store.GetVariable("/lm/" + x.Name)
				if string(varBytes(t, v)) != string(varBytes(t, w)) {
					t.Errorf("%s: values differ", v.Path())
				}
			}
		})
	}
}

func TestLoadWeightsMismatch(t *testing.T) {
	cfg := tinyConfig()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.safetensors")
	if err := SaveWeights(path, newTiny(t, cfg, 1).Store, "/lm", nil); err != nil {
		t.Fatal(err)
	}
	ckpt, err := Save(dir, 1, newTiny(t, cfg, 1).Store, nil)
	if err != nil {
		t.Fatal(err)
	}
	deeper, shallower, wider := cfg, cfg, cfg
	deeper.Layers, shallower.Layers, wider.DModel = 3, 1, 32
	for _, tc := range []struct {
		name string
		file string
		dst  *model.Store
		want string
	}{
		{"model deeper than file", path, newTiny(t, deeper, 1).Store, `missing from the file: "/lm/layer_2/`},
		{"model shallower than file", path, newTiny(t, shallower, 1).Store, `variables the store lacks under /lm: "/lm/layer_1/`},
		{"model wider than file", path, newTiny(t, wider, 1).Store, `variable "/lm/embed" is (Float32)[29, 24] in the file but (Float32)[29, 32]`},
		{"checkpoint file", filepath.Join(ckpt, ModelFile), model.NewStore(), "use Load"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.dst.NumVariables()
			_, err := LoadWeights(tc.file, tc.dst, "/lm")
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.file) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, tc.file, tc.want)
			}
			if tc.dst.NumVariables() != before {
				t.Errorf("a failed LoadWeights changed the store")
			}
		})
	}
	// And the other way round: a weights file is not a checkpoint.
	if err := Load(filepath.Dir(path), model.NewStore(), nil); err == nil {
		t.Errorf("Load of a directory without %s succeeded", ModelFile)
	}
}

func TestSaveWeightsErrors(t *testing.T) {
	s := newTiny(t, tinyConfig(), 1).Store
	for _, tc := range []struct {
		name   string
		prefix string
		meta   map[string]string
		want   string
	}{
		{"empty prefix", "", nil, "invalid scope prefix"},
		{"double slash", "/a//b", nil, "invalid scope prefix"},
		{"nothing there", "/nope", nil, "no variables under /nope"},
		{"reserved key", "/lm", map[string]string{"r1lab.step": "1"}, "reserved prefix"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.safetensors")
			err := SaveWeights(path, s, tc.prefix, tc.meta)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tc.want)
			}
		})
	}
}
