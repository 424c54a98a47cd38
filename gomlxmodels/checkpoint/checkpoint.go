package checkpoint

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"

	"github.com/gomlx/gomlx/ml/model"
	"github.com/r1lab/r1lab/datasets/dataio"
)

// Names of the files inside a checkpoint directory.
const (
	ModelFile = "model.safetensors" // every variable of the Store
	StateFile = "state.json"        // the caller's state blob
)

// Naming of checkpoint directories and of the hidden leftovers of interrupted saves and prunes.
const (
	stepPrefix = "step_"
	tmpInfix   = ".tmp-" // ".step_000120.tmp-<random>": a directory being built
	delSuffix  = ".del"  // ".step_000120.del": a directory being deleted by Prune
)

// Checkpoint is one checkpoint directory found by [List].
type Checkpoint struct {
	Step int    // the training step it was saved at
	Path string // its directory, e.g. "runs/x/checkpoints/step_000120"
}

// StepName returns the directory name of step's checkpoint: "step_" and the step zero-padded to
// six digits (wider steps keep all their digits), e.g. "step_000120".
func StepName(step int) string { return fmt.Sprintf("%s%06d", stepPrefix, step) }

// parseStep inverts StepName. Only canonical names count, so "step_120" or "step_000120.bak"
// left by a user are never mistaken for checkpoints.
func parseStep(name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, stepPrefix)
	if !ok || digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	step, err := strconv.Atoi(digits)
	if err != nil || StepName(step) != name {
		return 0, false
	}
	return step, true
}

// Save writes a checkpoint of step into dir/StepName(step) and returns its path: every variable
// of store (values, shapes, dtypes and trainable flags, in creation order) and state, encoded
// with encoding/json (pass a json.RawMessage to store bytes as they are; nil writes null).
//
// The directory is assembled under a hidden temporary name in dir, with every file fsynced, and
// renamed into place only when complete. An existing checkpoint of the same step (a resumed run
// passing it again) is replaced: it is first moved aside under a hidden name, so a crash at any
// point leaves either the old or the new checkpoint (or, in the instant between the two renames,
// neither, and [Latest] then returns the previous step). Every variable must have a value.
func Save(dir string, step int, store *model.Store, state any) (path string, err error) {
	fail := func(err error) error { return fmt.Errorf("checkpoint: save step %d in %s: %w", step, dir, err) }
	if step < 0 {
		return "", fail(fmt.Errorf("negative step"))
	}
	if store == nil {
		return "", fail(fmt.Errorf("nil store"))
	}
	stateJS, err := json.MarshalIndent(state, "", "  ")
	if err != nil {
		return "", fail(fmt.Errorf("encoding state: %w", err))
	}
	ts, frozen, err := snapshot(variablesUnder(store, "/"), func(p string) string { return p })
	if err != nil {
		return "", fail(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fail(err)
	}
	name := StepName(step)
	stage, err := os.MkdirTemp(dir, "."+name+tmpInfix+"*")
	if err != nil {
		return "", fail(err)
	}
	defer func() {
		if err != nil {
			_ = os.RemoveAll(stage)
		}
	}()
	if err := os.Chmod(stage, 0o755); err != nil { // MkdirTemp makes 0700; results are shared
		return "", fail(err)
	}
	meta := map[string]string{keyFormat: "checkpoint", keyStep: strconv.Itoa(step), keyNonTrainable: frozen}
	if err := WriteFile(filepath.Join(stage, ModelFile), ts, meta); err != nil {
		return "", err
	}
	if err := dataio.WriteBytesAtomic(filepath.Join(stage, StateFile), append(stateJS, '\n')); err != nil {
		return "", fail(err)
	}
	final := filepath.Join(dir, name)
	if err := replaceDir(stage, final); err != nil {
		return "", fail(err)
	}
	return final, nil
}

// replaceDir renames stage to final, moving an existing final aside first and deleting it only
// once the new directory is in place, then fsyncs the parent so the renames survive a crash.
func replaceDir(stage, final string) error {
	old := ""
	if _, err := os.Lstat(final); err == nil {
		old = stage + ".old" // still matches the ".step_*.tmp-*" leftovers that Prune sweeps
		if err := os.Rename(final, old); err != nil {
			return err
		}
	}
	if err := os.Rename(stage, final); err != nil {
		if old != "" {
			_ = os.Rename(old, final)
		}
		return err
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return err
		}
	}
	return syncDir(filepath.Dir(final))
}

// syncDir fsyncs a directory so that renames inside it are durable. File systems that cannot
// fsync a directory (some network and FUSE mounts) are tolerated.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Load restores the checkpoint directory path (as returned by [Save] or [Latest]) into store and
// decodes its state.json into state (a pointer, or nil to skip it).
//
// Every variable in the file is restored: into the Store's variable of the same path, which must
// have the same shape and dtype, or into a new variable with the saved shape, dtype and trainable
// flag (e.g. optimizer moments in a freshly built model; existing variables keep their own
// trainable flag). A Store variable that the file lacks is an error, since it would silently keep
// its fresh value and the resume would not be exact. Everything is checked, and the data read
// and checksummed, before the Store is touched, so a failed Load leaves it as it was. Errors name
// the file, and the variable where one is at fault.
func Load(path string, store *model.Store, state any) error {
	if store == nil {
		return fmt.Errorf("checkpoint: load %s: nil store", path)
	}
	sf, err := openFile(filepath.Join(path, ModelFile))
	if err != nil {
		return err
	}
	defer sf.close()
	if f := sf.metadata[keyFormat]; f == "weights" {
		return fmt.Errorf("checkpoint: load %s: a weights file (SaveWeights), not a checkpoint: use LoadWeights", sf.path)
	}
	statePath := filepath.Join(path, StateFile)
	stateJS, err := os.ReadFile(statePath)
	if err != nil {
		return fmt.Errorf("checkpoint: load %s: %w", path, err)
	}
	if !json.Valid(stateJS) {
		return fmt.Errorf("checkpoint: load %s: not valid JSON (corrupt)", statePath)
	}
	plan, err := planRestore(sf, store, "/", absolutePath, false)
	if err != nil {
		return err
	}
	values, err := sf.readTensors()
	if err != nil {
		return err
	}
	if state != nil {
		if err := json.Unmarshal(stateJS, state); err != nil {
			return fmt.Errorf("checkpoint: load %s: %w", statePath, err)
		}
	}
	return plan.apply(values)
}

// absolutePath checks that a checkpoint tensor name is an absolute variable path.
func absolutePath(name string) (string, error) {
	if !strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
		return "", fmt.Errorf("tensor %q is not an absolute variable path like \"/lm/embed\"", name)
	}
	return name, nil
}

// List returns the checkpoints in dir, oldest first. Hidden leftovers of interrupted saves and
// names other than StepName's are ignored; a missing dir holds no checkpoints.
func List(dir string) ([]Checkpoint, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	var cps []Checkpoint
	for _, e := range entries {
		if step, ok := parseStep(e.Name()); ok && e.IsDir() {
			cps = append(cps, Checkpoint{Step: step, Path: filepath.Join(dir, e.Name())})
		}
	}
	slices.SortFunc(cps, func(a, b Checkpoint) int { return cmp.Compare(a.Step, b.Step) })
	return cps, nil
}

// Latest returns the newest checkpoint in dir; ok is false when there is none (a fresh run).
// Because Save renames complete directories into place, the newest one is complete unless it was
// damaged from outside; then Latest returns an error naming it instead of silently falling back
// to an older step.
func Latest(dir string) (path string, step int, ok bool, err error) {
	cps, err := List(dir)
	if err != nil || len(cps) == 0 {
		return "", 0, false, err
	}
	cp := cps[len(cps)-1]
	for _, f := range []string{ModelFile, StateFile} {
		if st, err := os.Stat(filepath.Join(cp.Path, f)); err != nil || !st.Mode().IsRegular() {
			return "", 0, false, fmt.Errorf("checkpoint: %s is incomplete (no %s); remove it to resume from the previous one", cp.Path, f)
		}
	}
	return cp.Path, cp.Step, true, nil
}

// Prune deletes all but the newest keep (≥ 1) checkpoints in dir, and the hidden leftovers of
// saves or prunes that were interrupted. A checkpoint is first renamed to a hidden name and only
// then deleted, so a crash mid-delete never leaves a partial step_* directory. Only one process
// may write checkpoints to dir: Prune would delete another writer's save in progress.
func Prune(dir string, keep int) error {
	if keep < 1 {
		return fmt.Errorf("checkpoint: prune %s: keep must be at least 1, got %d", dir, keep)
	}
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("checkpoint: prune: %w", err)
	}
	for _, e := range entries {
		n := e.Name()
		if strings.HasPrefix(n, "."+stepPrefix) && (strings.Contains(n, tmpInfix) || strings.HasSuffix(n, delSuffix)) {
			if err := os.RemoveAll(filepath.Join(dir, n)); err != nil {
				return fmt.Errorf("checkpoint: prune: %w", err)
			}
		}
	}
	cps, err := List(dir)
	if err != nil {
		return err
	}
	for _, cp := range cps[:max(0, len(cps)-keep)] {
		trash := filepath.Join(dir, "."+filepath.Base(cp.Path)+delSuffix)
		if err := os.Rename(cp.Path, trash); err != nil {
			return fmt.Errorf("checkpoint: prune: %w", err)
		}
		if err := os.RemoveAll(trash); err != nil {
			return fmt.Errorf("checkpoint: prune: %w", err)
		}
	}
	return syncDir(dir)
}
