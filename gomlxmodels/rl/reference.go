package rl

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/gomlxmodels/lm"
)

// modelVariables returns the variables of m's weights (those under m.Path), in Store order.
func modelVariables(m *lm.Model) []*model.Variable {
	prefix := strings.TrimSuffix(m.Path, "/") + "/"
	var vars []*model.Variable
	for v := range m.Store.IterVariables() {
		if strings.HasPrefix(v.Path(), prefix) {
			vars = append(vars, v)
		}
	}
	return vars
}

// frozenCopy returns the reference policy: a copy of m's current weights in a Store of its own,
// not trainable. A separate Store keeps it out of the Updater (whose AdamW would otherwise decay
// it) and out of checkpoints: a resumed run rebuilds it from the initial model, which the
// checkpoint's model fingerprint guarantees is the same.
func frozenCopy(m *lm.Model) (*lm.Model, error) {
	store := model.NewStore()
	for _, v := range modelVariables(m) {
		val, err := v.Value()
		if err != nil {
			return nil, fmt.Errorf("rl: reference copy of %s: %w", v.Path(), err)
		}
		clone, err := val.Clone()
		if err != nil {
			return nil, fmt.Errorf("rl: reference copy of %s: %w", v.Path(), err)
		}
		nv, err := store.CreateVariable(v.Path(), clone)
		if err != nil {
			return nil, fmt.Errorf("rl: reference copy of %s: %w", v.Path(), err)
		}
		nv.SetTrainable(false)
	}
	return lm.Attach(store, m.Path, m.Config)
}

// fingerprintWeights identifies m's weights (paths, shapes and bytes), so that a resume that
// starts from another model — which would change the reference policy — fails.
func fingerprintWeights(m *lm.Model) (string, error) {
	h := sha256.New()
	for _, v := range modelVariables(m) {
		val, err := v.Value()
		if err != nil {
			return "", fmt.Errorf("rl: fingerprint of %s: %w", v.Path(), err)
		}
		fmt.Fprintf(h, "%s %s\n", v.Path(), val.Shape())
		if val.Shape().Size() > 0 {
			if err := val.ConstBytes(func(b []byte) { h.Write(b) }); err != nil {
				return "", fmt.Errorf("rl: fingerprint of %s: %w", v.Path(), err)
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}
