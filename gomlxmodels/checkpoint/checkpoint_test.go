package checkpoint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// runState is the kind of state a trainer passes to Save.
type runState struct {
	Step   int     `json:"step"`
	Cursor int64   `json:"cursor"`
	Seeds  []int64 `json:"seeds"`
}

// mixedStore holds one variable per tensor of mixedTensors; every third is non-trainable.
func mixedStore(t *testing.T) *model.Store {
	t.Helper()
	s := model.NewStore()
	for i, x := range mixedTensors() {
		v, err := s.CreateVariable(x.Name, x.Value)
		if err != nil {
			t.Fatal(err)
		}
		v.SetTrainable(i%3 != 0)
	}
	return s
}

func TestSaveLoadMixedStore(t *testing.T) {
	src := mixedStore(t)
	dir := t.TempDir()
	state := runState{Step: 12, Cursor: 1 << 40, Seeds: []int64{-1, 7}}
	path, err := Save(dir, 12, src, state)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "step_000012"); path != want {
		t.Errorf("path %s, want %s", path, want)
	}
	for _, tc := range []struct {
		name string
		dst  func() *model.Store
	}{
		{"into empty store", model.NewStore},
		{"into existing variables", func() *model.Store {
			// Same variables, zero values, all trainable: values come from the file, flags stay.
			s := model.NewStore()
			for v := range src.IterVariables() {
				if _, err := s.CreateVariable(v.Path(), tensors.FromShape(v.Shape())); err != nil {
					t.Fatal(err)
				}
			}
			return s
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := tc.dst()
			var got runState
			if err := Load(path, dst, &got); err != nil {
				t.Fatal(err)
			}
			if got.Step != 12 || got.Cursor != 1<<40 || !slices.Equal(got.Seeds, state.Seeds) {
				t.Errorf("state %+v, want %+v", got, state)
			}
			if tc.name == "into empty store" {
				assertSameStores(t, src, dst)
				return
			}
			for v := range src.IterVariables() {
				d := dst.GetVariable(v.Path())
				if string(varBytes(t, v)) != string(varBytes(t, d)) {
					t.Errorf("%s: values differ", v.Path())
				}
				if !d.Trainable {
					t.Errorf("%s: an existing variable's trainable flag was changed", v.Path())
				}
			}
		})
	}
}

// TestSaveLoadTrainedModel round-trips a tiny lm after two AdamW steps: weights, both moments of
// every weight, the step counters and the learning rate.
func TestSaveLoadTrainedModel(t *testing.T) {
	m := newTiny(t, tinyConfig(), 1)
	train(t, m, 0, 2)
	var moments, frozen int
	for v := range m.Store.IterVariables() {
		if strings.HasSuffix(v.Name(), "_moment") {
			moments++
		}
		if !v.Trainable {
			frozen++
		}
	}
	if want := 2 * (2 + 7*tinyConfig().Layers); moments != want {
		t.Fatalf("%d moment variables after training, want %d: is the optimizer state in the store?", moments, want)
	}
	path, err := Save(t.TempDir(), 2, m.Store, nil)
	if err != nil {
		t.Fatal(err)
	}
	dst := model.NewStore()
	if err := Load(path, dst, nil); err != nil {
		t.Fatal(err)
	}
	assertSameStores(t, m.Store, dst)
	if got := optimizer.GetGlobalStep(dst); got != 2 {
		t.Errorf("global step %d after load, want 2", got)
	}
	if _, err := lm.Attach(dst, "/lm", tinyConfig()); err != nil {
		t.Errorf("restored weights do not form the model: %v", err)
	}
	t.Logf("%d variables (%d non-trainable) round-tripped", dst.NumVariables(), frozen)
}

// TestResumeExact: N steps straight must equal k steps, save, load into a fresh model, N−k steps,
// bit for bit, on every variable (weights, moments, counters).
func TestResumeExact(t *testing.T) {
	const total, k = 5, 2
	cfg := tinyConfig()
	straight := newTiny(t, cfg, 1)
	train(t, straight, 0, total)

	first := newTiny(t, cfg, 1)
	train(t, first, 0, k)
	path, err := Save(t.TempDir(), k, first.Store, runState{Step: k})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		fresh func(t *testing.T) *lm.Model
	}{
		// A different seed: every weight must come from the checkpoint, not from init.
		{"lm.New then Load", func(t *testing.T) *lm.Model { return newTiny(t, cfg, 99) }},
		{"empty store, Load, Attach", func(t *testing.T) *lm.Model { return &lm.Model{Config: cfg, Store: model.NewStore(), Path: "/lm"} }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.fresh(t)
			var st runState
			if err := Load(path, m.Store, &st); err != nil {
				t.Fatal(err)
			}
			if _, err := lm.Attach(m.Store, m.Path, cfg); err != nil {
				t.Fatal(err)
			}
			train(t, m, st.Step, total)
			assertSameStores(t, straight.Store, m.Store)
		})
	}
}

func TestLoadMismatch(t *testing.T) {
	src := mixedStore(t)
	path, err := Save(t.TempDir(), 1, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(path, ModelFile)
	for _, tc := range []struct {
		name  string
		setup func(s *model.Store)
		want  string
	}{
		{"shape", func(s *model.Store) {
			_, _ = s.CreateVariable("/lm/w", tensors.FromShape(shapes.Make(dtypes.Float32, 3, 2)))
		}, `variable "/lm/w" is (Float32)[2, 3] in the file but (Float32)[3, 2] in the store`},
		{"dtype", func(s *model.Store) {
			_, _ = s.CreateVariable("/global_step", tensors.FromValue(int32(0)))
		}, `variable "/global_step" is (Int64)`},
		{"missing from file", func(s *model.Store) {
			_, _ = s.CreateVariable("/AdamOptimizer/extra_1st_moment", tensors.FromValue(float32(0)))
		}, `store variables missing from the file: "/AdamOptimizer/extra_1st_moment"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := model.NewStore()
			tc.setup(dst)
			before := dst.NumVariables()
			err := Load(path, dst, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), file) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, file, tc.want)
			}
			if dst.NumVariables() != before {
				t.Errorf("a failed Load changed the store: %d variables, was %d", dst.NumVariables(), before)
			}
		})
	}
}

// TestLoadCorruptCheckpoint damages a saved checkpoint directory; errors must name the file.
func TestLoadCorruptCheckpoint(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(dir string) error
		file   string
		want   string
	}{
		{"truncated model", func(dir string) error {
			p := filepath.Join(dir, ModelFile)
			st, _ := os.Stat(p)
			return os.Truncate(p, st.Size()-5)
		}, ModelFile, "truncated"},
		{"missing model", func(dir string) error { return os.Remove(filepath.Join(dir, ModelFile)) }, ModelFile, "no such file"},
		{"corrupt state", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, StateFile), []byte(`{"step": 3,`), 0o644)
		}, StateFile, "not valid JSON"},
		{"state of wrong type", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, StateFile), []byte(`{"step": "three"}`), 0o644)
		}, StateFile, "cannot unmarshal"},
		{"missing state", func(dir string) error { return os.Remove(filepath.Join(dir, StateFile)) }, StateFile, "no such file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path, err := Save(t.TempDir(), 3, mixedStore(t), runState{Step: 3})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.damage(path); err != nil {
				t.Fatal(err)
			}
			dst := model.NewStore()
			var st runState
			err = Load(path, dst, &st)
			if err == nil || !strings.Contains(err.Error(), filepath.Join(path, tc.file)) && !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, tc.file, tc.want)
			}
			if !strings.Contains(err.Error(), tc.file) {
				t.Errorf("error %v does not name %s", err, tc.file)
			}
			if dst.NumVariables() != 0 {
				t.Errorf("a failed Load created %d variables", dst.NumVariables())
			}
		})
	}
}

func TestSaveErrors(t *testing.T) {
	uninit := model.NewStore()
	uninit.VariableWithShape("/lm/w", shapes.Make(dtypes.Float32, 2), nil)
	badDType := mixedStore(t)
	_, _ = badDType.CreateVariable("/c", tensors.FromValue(complex64(1)))
	for _, tc := range []struct {
		name  string
		step  int
		store *model.Store
		state any
		want  string
	}{
		{"negative step", -1, mixedStore(t), nil, "negative step"},
		{"nil store", 1, nil, nil, "nil store"},
		{"uninitialised variable", 1, uninit, nil, `variable "/lm/w" has no value`},
		{"unencodable state", 1, mixedStore(t), func() {}, "encoding state"},
		// Fails inside the staging directory: it must be removed.
		{"unsupported dtype", 1, badDType, nil, `tensor "/c": dtype Complex64`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			_, err := Save(dir, tc.step, tc.store, tc.state)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("a failed Save left %v in %s", entries, dir)
			}
		})
	}
}

// TestSaveReplacesStep: saving a step again (a resumed run) replaces it and leaves no leftovers.
func TestSaveReplacesStep(t *testing.T) {
	dir := t.TempDir()
	s := mixedStore(t)
	if _, err := Save(dir, 4, s, runState{Step: 4, Cursor: 1}); err != nil {
		t.Fatal(err)
	}
	if err := s.GetVariable("/f64").SetValue(tensors.FromValue(2.0)); err != nil {
		t.Fatal(err)
	}
	path, err := Save(dir, 4, s, runState{Step: 4, Cursor: 2})
	if err != nil {
		t.Fatal(err)
	}
	dst := model.NewStore()
	var st runState
	if err := Load(path, dst, &st); err != nil {
		t.Fatal(err)
	}
	if got := tensors.ToScalar[float64](dst.GetVariable("/f64").MustValue()); got != 2 || st.Cursor != 2 {
		t.Errorf("loaded /f64 = %v, cursor %d; want the second save's 2, 2", got, st.Cursor)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("directory holds %d entries, want only step_000004", len(entries))
	}
}

// TestLatest: a crash mid-save leaves a hidden staging directory, which Latest must ignore,
// as it ignores non-canonical names and plain files.
func TestLatest(t *testing.T) {
	dir := t.TempDir()
	if _, _, ok, err := Latest(filepath.Join(dir, "nope")); ok || err != nil {
		t.Fatalf("missing dir: ok=%v err=%v, want no checkpoint and no error", ok, err)
	}
	s := mixedStore(t)
	for _, step := range []int{10, 20, 9} {
		if _, err := Save(dir, step, s, runState{Step: step}); err != nil {
			t.Fatal(err)
		}
	}
	// What a save killed after writing part of the model file leaves behind.
	crashed := filepath.Join(dir, ".step_000030.tmp-12345")
	if err := os.MkdirAll(crashed, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(crashed, ModelFile), []byte{1, 2, 3}, 0o644); err != nil {
		t.Fatal(err)
	}
	_ = os.MkdirAll(filepath.Join(dir, "step_40"), 0o755)                           // not canonical
	_ = os.WriteFile(filepath.Join(dir, "step_000050"), []byte("not a dir"), 0o644) // a file
	path, step, ok, err := Latest(dir)
	if err != nil || !ok || step != 20 || path != filepath.Join(dir, "step_000020") {
		t.Fatalf("Latest = %s, %d, %v, %v; want step_000020", path, step, ok, err)
	}
	var st runState
	if err := Load(path, model.NewStore(), &st); err != nil || st.Step != 20 {
		t.Fatalf("Load(latest) = %v, state %+v", err, st)
	}

	// A complete-looking name with a file missing was damaged from outside: say so.
	broken := filepath.Join(dir, "step_000060")
	_ = os.MkdirAll(broken, 0o755)
	_ = os.WriteFile(filepath.Join(broken, ModelFile), nil, 0o644)
	if _, _, _, err := Latest(dir); err == nil || !strings.Contains(err.Error(), broken) || !strings.Contains(err.Error(), StateFile) {
		t.Errorf("Latest with an incomplete newest checkpoint: %v, want an error naming %s", err, broken)
	}
}

func TestPrune(t *testing.T) {
	dir := t.TempDir()
	s := mixedStore(t)
	for step := 1; step <= 5; step++ {
		if _, err := Save(dir, step*100, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	for _, leftover := range []string{".step_000600.tmp-1", ".step_000500.tmp-2.old", ".step_000100.del"} {
		_ = os.MkdirAll(filepath.Join(dir, leftover, "x"), 0o755)
	}
	_ = os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("keep me"), 0o644)
	if err := Prune(dir, 2); err != nil {
		t.Fatal(err)
	}
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if want := []string{"notes.txt", "step_000400", "step_000500"}; !slices.Equal(names, want) {
		t.Errorf("after Prune(2): %v, want %v", names, want)
	}
	if err := Prune(dir, 5); err != nil {
		t.Errorf("Prune keeping more than exist: %v", err)
	}
	if err := Prune(dir, 0); err == nil || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("Prune(0) = %v, want an error", err)
	}
	if err := Prune(filepath.Join(dir, "missing"), 1); err != nil {
		t.Errorf("Prune of a missing dir: %v", err)
	}
}

func TestStepNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		step int
		ok   bool
	}{
		{"step_000000", 0, true},
		{"step_000120", 120, true},
		{"step_1234567", 1234567, true},
		{"step_120", 0, false},
		{"step_0001234567", 0, false},
		{"step_-00001", 0, false},
		{"step_", 0, false},
		{"step_00012a", 0, false},
		{".step_000120.tmp-1", 0, false},
	} {
		step, ok := parseStep(tc.name)
		if ok != tc.ok || step != tc.step {
			t.Errorf("parseStep(%q) = %d, %v; want %d, %v", tc.name, step, ok, tc.step, tc.ok)
		}
		if tc.ok && StepName(tc.step) != tc.name {
			t.Errorf("StepName(%d) = %q, want %q", tc.step, StepName(tc.step), tc.name)
		}
	}
}

// TestStateRawMessage: a json.RawMessage state is stored verbatim (modulo indentation) and
// loads back into a RawMessage.
func TestStateRawMessage(t *testing.T) {
	path, err := Save(t.TempDir(), 0, mixedStore(t), json.RawMessage(`{"config":{"lr":0.001},"seed":[1,2]}`))
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	if err := Load(path, model.NewStore(), &raw); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Config struct{ LR float64 } `json:"config"`
		Seed   []int                `json:"seed"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.Config.LR != 0.001 || len(v.Seed) != 2 {
		t.Errorf("state %s → %+v, %v", raw, v, err)
	}
}
