package lm

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// paramFormula counts parameters independently of Config.params: embedding + per layer
// (two norm scales, fused qkv + its bias, output projection, gate|up, down) + final norm.
func paramFormula(c Config) int {
	qkv := (c.Heads + 2*c.KVHeads) * c.HeadDim
	perLayer := 2*c.DModel + c.DModel*qkv + qkv + c.Heads*c.HeadDim*c.DModel + 3*c.DModel*c.FFN
	return c.Vocab*c.DModel + c.Layers*perLayer + c.DModel
}

func TestConfigForSize(t *testing.T) {
	for _, name := range Sizes {
		t.Run(name, func(t *testing.T) {
			c, err := ConfigForSize(name, 300)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := c.NumParams(), paramFormula(c); got != want {
				t.Errorf("NumParams = %d, formula gives %d", got, want)
			}
			t.Logf("%s: %s", name, c)
		})
	}
	if _, err := ConfigForSize("huge", 300); err == nil || !strings.Contains(err.Error(), `"huge"`) {
		t.Errorf("ConfigForSize(huge) error = %v, want one naming the size", err)
	}
	if _, err := ConfigForSize("tiny", 0); err == nil || !strings.Contains(err.Error(), "Vocab = 0") {
		t.Errorf("ConfigForSize(tiny, 0) error = %v, want one naming Vocab", err)
	}
}

func TestConfigValidate(t *testing.T) {
	base := testConfig(dtypes.Float32)
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"ok", func(*Config) {}, ""},
		{"kv does not divide heads", func(c *Config) { c.KVHeads = 3 }, "KVHeads = 3 must divide Heads = 4"},
		{"odd head dim", func(c *Config) { c.HeadDim = 7 }, "HeadDim = 7 must be even"},
		{"zero layers", func(c *Config) { c.Layers = 0 }, "Layers = 0"},
		{"nan eps", func(c *Config) { c.NormEps = math.NaN() }, "NormEps = NaN"},
		{"int dtype", func(c *Config) { c.DType = dtypes.Int32 }, "DType = Int32"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := base
			tc.mutate(&c)
			err := c.Validate()
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("Validate() = %v, want error containing %q", err, tc.wantErr)
			}
		})
	}
}

func TestInitIsSeededPerVariable(t *testing.T) {
	cfg := testConfig(dtypes.Float32)
	a := newTestModel(t, cfg, 7)
	if got, want := a.NumParams(), paramFormula(cfg); got != want {
		t.Errorf("stored parameters = %d, formula gives %d", got, want)
	}
	b := newTestModel(t, cfg, 7)
	c := newTestModel(t, cfg, 8)
	deeper := cfg
	deeper.Layers = 3
	d := newTestModel(t, deeper, 7)
	get := func(m *Model, rel string) []float32 {
		v := m.Store.GetVariable(m.Path + "/" + rel)
		if v == nil {
			t.Fatalf("no variable %s", rel)
		}
		return tensors.MustCopyFlatData[float32](v.MustValue())
	}
	for _, rel := range []string{"embed", "layer_1/qkv_weights"} {
		if !equalF32(get(a, rel), get(b, rel)) {
			t.Errorf("%s differs between two models with seed 7", rel)
		}
		if equalF32(get(a, rel), get(c, rel)) {
			t.Errorf("%s equal for seeds 7 and 8", rel)
		}
		// Weights depend on (seed, name) only, not on what else the model holds.
		if !equalF32(get(a, rel), get(d, rel)) {
			t.Errorf("%s differs between a 2- and a 3-layer model with the same seed", rel)
		}
	}
	if equalF32(get(a, "layer_0/qkv_weights"), get(a, "layer_1/qkv_weights")) {
		t.Error("layers 0 and 1 got identical weights")
	}
	if _, err := Attach(a.Store, a.Path, cfg); err != nil {
		t.Errorf("Attach with the model's own config: %v", err)
	}
	wider := cfg
	wider.FFN++
	if _, err := Attach(a.Store, a.Path, wider); err == nil || !strings.Contains(err.Error(), "gate_up_weights has shape") {
		t.Errorf("Attach with a wider FFN = %v, want a shape error naming gate_up_weights", err)
	}
	if err := CheckParams(a.Scope(), deeper); err == nil || !strings.Contains(err.Error(), "layer_2") {
		t.Errorf("CheckParams with a 3-layer config on a 2-layer model = %v, want an error naming layer_2", err)
	}
}

func equalF32(a, b []float32) bool {
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

// TestCausal changes one token and checks that exactly the logits at and after it change.
func TestCausal(t *testing.T) {
	cfg := testConfig(dtypes.Float32)
	m := newTestModel(t, cfg, 1)
	e := logitsExec(t, m)
	rng := rand.New(rand.NewPCG(1, 2))
	const s, changed = 12, 7
	tokens := randomTokens(rng, 1, s, cfg.Vocab)
	before := runLogits(t, e, tokens, onesMask(1, s))
	tokens[0][changed] = (tokens[0][changed] + 1) % int32(cfg.Vocab)
	after := runLogits(t, e, tokens, onesMask(1, s))
	for pos := range s {
		d := maxAbsDiff(before[0][pos], after[0][pos])
		if pos < changed && d != 0 {
			t.Errorf("position %d < %d changed by %g", pos, changed, d)
		}
		if pos >= changed && d < 1e-6 {
			t.Errorf("position %d ≥ %d did not change (Δ=%g): the token is ignored", pos, changed, d)
		}
	}
}

// TestPaddingMask checks that pad tokens, left or right, cannot influence real tokens: a row's
// logits at its real positions equal those of the same tokens run alone without padding.
func TestPaddingMask(t *testing.T) {
	cfg := testConfig(dtypes.Float32)
	m := newTestModel(t, cfg, 2)
	e := logitsExec(t, m)
	rng := rand.New(rand.NewPCG(3, 4))
	const s = 10
	real := randomTokens(rng, 2, 6, cfg.Vocab)
	alone := runLogits(t, e, real, onesMask(2, 6))

	for _, padVal := range []int32{0, 5} {
		// Row 0: 4 pads on the left; row 1: 4 pads on the right.
		tokens := [][]int32{make([]int32, s), make([]int32, s)}
		mask := [][]bool{make([]bool, s), make([]bool, s)}
		for j := range s {
			tokens[0][j], tokens[1][j] = padVal+int32(j%3), padVal+int32(j%2)
		}
		for j := range 6 {
			tokens[0][4+j], mask[0][4+j] = real[0][j], true
			tokens[1][j], mask[1][j] = real[1][j], true
		}
		got := runLogits(t, e, tokens, mask)
		for j := range 6 {
			if d := maxAbsDiff(got[0][4+j], alone[0][j]); d > 1e-5 {
				t.Errorf("pad=%d: left-padded row, real token %d: |Δlogit| = %g", padVal, j, d)
			}
			if d := maxAbsDiff(got[1][j], alone[1][j]); d > 1e-5 {
				t.Errorf("pad=%d: right-padded row, real token %d: |Δlogit| = %g", padVal, j, d)
			}
		}
		for _, row := range got {
			for _, l := range row {
				for _, v := range l {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						t.Fatalf("pad=%d: non-finite logit %g at a pad position", padVal, v)
					}
				}
			}
		}
	}
}
