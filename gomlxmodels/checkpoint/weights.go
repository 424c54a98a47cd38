package checkpoint

import (
	"fmt"
	"maps"
	"strings"

	"github.com/gomlx/gomlx/ml/model"
)

// SaveWeights writes the variables under the scope prefix (e.g. "/lm") to the safetensors file
// path, atomically, named relative to prefix ("embed", "layer_0/qkv_weights"), with metadata
// (e.g. the model's config as JSON; keys starting with "r1lab." are reserved). This is the file to
// ship a trained model in. When the optimizer is given the root scope (as r1lab's trainers do),
// GoMLX keeps its state outside the model's scope ("/AdamOptimizer/lm/..._1st_moment",
// "/AdamOptimizer/step", "/optimizers/learning_rate", "/global_step"), so for "/lm" the file holds
// exactly the model's weights.
func SaveWeights(path string, store *model.Store, prefix string, metadata map[string]string) error {
	fail := func(err error) error { return fmt.Errorf("checkpoint: save weights %s: %w", path, err) }
	if store == nil {
		return fail(fmt.Errorf("nil store"))
	}
	p, err := normalizePrefix(prefix)
	if err != nil {
		return fail(err)
	}
	for k := range metadata {
		if strings.HasPrefix(k, reservedPrefix) {
			return fail(fmt.Errorf("metadata key %q uses the reserved prefix %q", k, reservedPrefix))
		}
	}
	vars := variablesUnder(store, p)
	if len(vars) == 0 {
		return fail(fmt.Errorf("no variables under %s", p))
	}
	ts, frozen, err := snapshot(vars, func(path string) string { return relativeName(path, p) })
	if err != nil {
		return fail(err)
	}
	meta := maps.Clone(metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	meta[keyFormat], meta[keyPrefix], meta[keyNonTrainable] = "weights", p, frozen
	return WriteFile(path, ts, meta)
}

// relativeName strips prefix (canonical form) from a variable path below it.
func relativeName(path, prefix string) string {
	if prefix == "/" {
		return strings.TrimPrefix(path, "/")
	}
	return strings.TrimPrefix(path, prefix+"/")
}

// LoadWeights loads a file written by [SaveWeights] under the scope prefix, which need not be the
// one it was saved from (e.g. "/ref" for a frozen reference copy of "/lm"), and returns its
// metadata without the reserved "r1lab." keys.
//
// When the Store already holds variables under prefix, the file must match them exactly: same
// names, shapes and dtypes, none missing and none extra (a config mismatch, such as a deeper
// model's file). When it holds none, the variables are created with the saved shapes and
// trainable flags. The Store is untouched if anything fails; errors name the file and variable.
func LoadWeights(path string, store *model.Store, prefix string) (map[string]string, error) {
	if store == nil {
		return nil, fmt.Errorf("checkpoint: load weights %s: nil store", path)
	}
	p, err := normalizePrefix(prefix)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: load weights %s: %w", path, err)
	}
	sf, err := openFile(path)
	if err != nil {
		return nil, err
	}
	defer sf.close()
	if sf.metadata[keyFormat] == "checkpoint" {
		return nil, fmt.Errorf("checkpoint: load weights %s: a full checkpoint's model file, not a weights file: use Load", path)
	}
	pathOf := func(name string) (string, error) {
		if name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
			return "", fmt.Errorf("tensor %q is not a variable name relative to a scope, like \"layer_0/qkv_weights\"", name)
		}
		return strings.TrimSuffix(p, "/") + "/" + name, nil
	}
	plan, err := planRestore(sf, store, p, pathOf, true)
	if err != nil {
		return nil, err
	}
	values, err := sf.readTensors()
	if err != nil {
		return nil, err
	}
	if err := plan.apply(values); err != nil {
		return nil, err
	}
	meta := map[string]string{}
	for k, v := range sf.metadata {
		if !strings.HasPrefix(k, reservedPrefix) {
			meta[k] = v
		}
	}
	return meta, nil
}
