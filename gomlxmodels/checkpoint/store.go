package checkpoint

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// maxListed bounds how many variable names an error message lists.
const maxListed = 5

// normalizePrefix turns a scope prefix into canonical form: absolute, no trailing "/" (except the
// root "/"), no empty segments.
func normalizePrefix(prefix string) (string, error) {
	p := "/" + strings.Trim(prefix, "/")
	if prefix == "" || strings.Contains(p, "//") {
		return "", fmt.Errorf("invalid scope prefix %q (want e.g. \"/lm\", or \"/\" for everything)", prefix)
	}
	return p, nil
}

// under reports whether the variable path lies at or below prefix (canonical form).
func under(path, prefix string) bool {
	return prefix == "/" || strings.HasPrefix(path, prefix+"/")
}

// variablesUnder returns the store's variables below prefix, in creation order.
func variablesUnder(store *model.Store, prefix string) []*model.Variable {
	var vs []*model.Variable
	for v := range store.IterVariables() {
		if under(v.Path(), prefix) {
			vs = append(vs, v)
		}
	}
	return vs
}

// snapshot returns the variables' values as named tensors (named by nameOf) and the JSON list of
// the names of non-trainable ones. Every variable must have a value: an uninitialised one cannot
// be saved, and skipping it would make the checkpoint incomplete.
func snapshot(vars []*model.Variable, nameOf func(path string) string) ([]Tensor, string, error) {
	ts := make([]Tensor, 0, len(vars))
	frozen := []string{}
	for _, v := range vars {
		if !v.HasValue() {
			return nil, "", fmt.Errorf("variable %q has no value yet (run its graph or Store.InitializeVariables first)", v.Path())
		}
		t, err := v.Value()
		if err != nil {
			return nil, "", fmt.Errorf("variable %q: %w", v.Path(), err)
		}
		name := nameOf(v.Path())
		ts = append(ts, Tensor{Name: name, Value: t})
		if !v.Trainable {
			frozen = append(frozen, name)
		}
	}
	js, err := json.Marshal(frozen)
	return ts, string(js), err
}

// restorePlan is a checked mapping of a file's tensors onto a Store, built before any data is
// read or any variable is touched, so a failed Load leaves the Store as it was.
type restorePlan struct {
	store     *model.Store
	paths     []string          // per file entry: the variable path
	vars      []*model.Variable // per file entry: the existing variable, or nil to create one
	trainable []bool            // per file entry: the flag for a created variable
}

// planRestore maps each tensor of sf to the variable pathOf(name). A tensor whose variable exists
// must match its shape and dtype; a variable under prefix with no tensor is an error ("missing":
// it would silently keep its fresh value). A tensor with no variable creates one, unless strict is
// set and the Store already holds variables under prefix ("extra": e.g. a deeper model's file).
func planRestore(sf *stFile, store *model.Store, prefix string, pathOf func(string) (string, error), strict bool) (*restorePlan, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint: load %s: %s", sf.path, fmt.Sprintf(format, args...))
	}
	frozen := map[string]bool{}
	if js, ok := sf.metadata[keyNonTrainable]; ok {
		var names []string
		if err := json.Unmarshal([]byte(js), &names); err != nil {
			return nil, fail("malformed %s metadata: %v", keyNonTrainable, err)
		}
		for _, n := range names {
			frozen[n] = true
		}
	}
	existing := variablesUnder(store, prefix)
	p := &restorePlan{store: store}
	inFile := make(map[string]bool, len(sf.entries))
	var extra []string
	for _, e := range sf.entries {
		path, err := pathOf(e.name)
		if err != nil {
			return nil, fail("%v", err)
		}
		inFile[path] = true
		v := store.GetVariable(path)
		if v != nil && !v.Shape().Equal(e.shape) {
			return nil, fail("variable %q is %s in the file but %s in the store", path, e.shape, v.Shape())
		}
		if v == nil && strict && len(existing) > 0 {
			extra = append(extra, path)
		}
		p.paths = append(p.paths, path)
		p.vars = append(p.vars, v)
		p.trainable = append(p.trainable, !frozen[e.name])
	}
	if len(extra) > 0 {
		return nil, fail("the file has variables the store lacks under %s: %s", prefix, listNames(extra))
	}
	var missing []string
	for _, v := range existing {
		if !inFile[v.Path()] {
			missing = append(missing, v.Path())
		}
	}
	if len(missing) > 0 {
		return nil, fail("store variables missing from the file: %s", listNames(missing))
	}
	return p, nil
}

// apply stores values (one per planned entry) into the Store.
func (p *restorePlan) apply(values []*tensors.Tensor) error {
	for i, t := range values {
		if v := p.vars[i]; v != nil {
			if err := v.SetValue(t); err != nil {
				return fmt.Errorf("checkpoint: setting %q: %w", p.paths[i], err)
			}
			continue
		}
		v, err := p.store.CreateVariable(p.paths[i], t)
		if err != nil {
			return fmt.Errorf("checkpoint: creating %q: %w", p.paths[i], err)
		}
		v.SetTrainable(p.trainable[i])
	}
	return nil
}

// listNames quotes up to maxListed names and counts the rest.
func listNames(names []string) string {
	var b strings.Builder
	for i, n := range names {
		if i == maxListed {
			fmt.Fprintf(&b, " and %d more", len(names)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", n)
	}
	return b.String()
}
