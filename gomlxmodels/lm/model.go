package lm

import (
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/ml/model"
)

// Model bundles a configuration with the Store that holds its weights, which is what samplers and
// trainers pass around. The weights live under Store at Path (default [DefaultPath]); other
// state (optimizer moments, a second model) may share the Store under other paths.
type Model struct {
	Config Config       // the architecture; must match the stored weights
	Store  *model.Store // holds the weights (and possibly other state)
	Path   string       // absolute scope path of the weights inside Store, e.g. "/lm"
}

// New creates a fresh Store holding a model with cfg, initialised from seed (see [Init]).
func New(cfg Config, seed uint64) (*Model, error) {
	m := &Model{Config: cfg, Store: model.NewStore(), Path: DefaultPath}
	if err := Init(m.Scope(), cfg, seed); err != nil {
		return nil, err
	}
	return m, nil
}

// Attach wraps an existing Store (e.g. one restored from a checkpoint) whose weights for cfg live
// at path, checking that every variable is present with the right shape.
func Attach(store *model.Store, path string, cfg Config) (*Model, error) {
	if store == nil {
		return nil, fmt.Errorf("lm.Attach: nil store")
	}
	m := &Model{Config: cfg, Store: store, Path: path}
	if err := CheckParams(m.Scope(), cfg); err != nil {
		return nil, err
	}
	return m, nil
}

// Scope returns a fresh Scope at the model's weights, for the graph functions of this package.
// It is safe to call inside a model.Exec graph function: variables are looked up in the Store,
// whichever Scope the Exec passed in.
func (m *Model) Scope() *model.Scope { return m.Store.Scope(m.Path) }

// NumParams counts the scalar parameters stored for this model: the variables its Config names
// that exist under Path (other state under the same path, e.g. an optimizer's learning rate, is
// not counted). It equals Config.NumParams once the model is initialised or loaded.
func (m *Model) NumParams() int {
	n := 0
	for _, p := range m.Config.params() {
		if v := m.Store.GetVariable(strings.TrimSuffix(m.Path, "/") + "/" + p.relPath()); v != nil {
			n += v.Shape().Size()
		}
	}
	return n
}
