package checkpoint

import (
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// benchStore is the training state of the "small" preset (about 4.8 M parameters with a
// 256-token vocabulary): the weights plus AdamW's two moments per weight, ~58 MB of Float32.
func benchStore(b *testing.B) (*model.Store, int64) {
	b.Helper()
	cfg, err := lm.ConfigForSize("small", 256)
	if err != nil {
		b.Fatal(err)
	}
	m, err := lm.New(cfg, 1)
	if err != nil {
		b.Fatal(err)
	}
	var weights []*model.Variable
	for v := range m.Store.IterVariables() {
		weights = append(weights, v)
	}
	var n int64
	for _, v := range weights {
		for _, suffix := range []string{"_1st_moment", "_2nd_moment"} {
			if _, err := m.Store.CreateVariable("/AdamOptimizer"+v.Path()+suffix, tensors.FromShape(v.Shape())); err != nil {
				b.Fatal(err)
			}
		}
		n += 3 * int64(v.Shape().Memory())
	}
	return m.Store, n
}

// BenchmarkSave: one checkpoint of benchStore (write, fsync, rename) per iteration.
func BenchmarkSave(b *testing.B) {
	store, n := benchStore(b)
	dir := b.TempDir()
	b.SetBytes(n)
	for b.Loop() {
		if _, err := Save(dir, 1, store, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoad: restoring benchStore's checkpoint into existing variables, checksum included.
func BenchmarkLoad(b *testing.B) {
	store, n := benchStore(b)
	path, err := Save(b.TempDir(), 1, store, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(n)
	for b.Loop() {
		if err := Load(path, store, nil); err != nil {
			b.Fatal(err)
		}
	}
}
