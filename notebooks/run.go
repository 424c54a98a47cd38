package notebooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// KernelName is the name of r1lab's Jupyter kernel, which the notebooks
// name in their metadata (kernelspec.name).
const KernelName = "r1lab"

// KernelDisplayName is the name Jupyter shows for the kernel.
const KernelDisplayName = "Go (r1lab)"

// RunDirEnv names the environment variable that points the notebooks at
// a run directory: they read the run's files there and write their figures
// to its figures/ folder. Unset, notebooks use ../runs/notebooks relative to
// this folder (the repository's git-ignored runs/).
const RunDirEnv = "R1LAB_RUN_DIR"

// ExperimentEnv names the environment variable that points the notebooks
// that analyse the paper's experiment (02 onwards) at a `r1lab reproduce`
// output directory. Unset, they use $R1LAB_RUN_DIR/experiment, and run
// `r1lab reproduce` into it (preset $R1LAB_PRESET, default quick) when it
// holds no experiment yet.
const ExperimentEnv = "R1LAB_EXPERIMENT"

// KernelSpec is a Jupyter kernel.json.
type KernelSpec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
}

// NewKernelSpec returns the spec of a GoNB kernel whose notebooks import the
// packages of the r1lab checkout at repo. GoNB's --go_work flag starts every
// notebook's temporary module with a go.work that uses repo (and adds the
// matching replace line, as %goworkfix does), so `import
// "github.com/r1lab/r1lab/…"` works with no cell for it; with %noautoget in
// the notebook, every other import resolves to the version repo's go.mod
// pins. pathDirs (the folders of gonb, goimports and go) are put in front of
// the PATH Jupyter starts the kernel with: GoNB runs go and goimports by name.
// ${PATH} is expanded by jupyter_client ≥ 7.
func NewKernelSpec(gonb, repo string, pathDirs []string) (KernelSpec, error) {
	if strings.Contains(repo, ",") {
		// GoNB splits --go_work at commas.
		return KernelSpec{}, fmt.Errorf("repository path %q contains a comma, which GoNB's --go_work cannot take", repo)
	}
	var dirs []string
	for _, d := range pathDirs {
		if d != "" && !contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return KernelSpec{
		Argv:          []string{gonb, "--kernel", "{connection_file}", "--go_work=" + repo},
		DisplayName:   KernelDisplayName,
		Language:      "go",
		InterruptMode: "message",
		Env:           map[string]string{"PATH": strings.Join(append(dirs, "${PATH}"), string(os.PathListSeparator))},
	}, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Write writes the spec as dir/kernel.json, creating dir.
func (s KernelSpec) Write(dir string) error {
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".kernel.json.*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, "kernel.json"))
}

// ReadKernelSpec reads dir/kernel.json.
func ReadKernelSpec(dir string) (KernelSpec, error) {
	var s KernelSpec
	data, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		return s, err
	}
	if err := json.Unmarshal(data, &s); err != nil {
		return s, fmt.Errorf("%s: %w", filepath.Join(dir, "kernel.json"), err)
	}
	return s, nil
}

// GoWork returns the repository the spec's --go_work flag names ("" if none).
func (s KernelSpec) GoWork() string {
	for _, a := range s.Argv {
		if v, ok := strings.CutPrefix(a, "--go_work="); ok {
			return v
		}
	}
	return ""
}

// Runner executes notebooks headlessly with jupyter nbconvert.
type Runner struct {
	// Jupyter is the jupyter command (default: "jupyter" on PATH).
	Jupyter string
	// Kernel is the kernel name (default KernelName).
	Kernel string
	// JupyterPath, if not empty, is put in front of JUPYTER_PATH, so
	// Jupyter finds kernels under JupyterPath/kernels first.
	JupyterPath string
	// CellTimeout limits each cell (default 5 minutes).
	CellTimeout time.Duration
	// Env holds extra KEY=VALUE pairs for nbconvert and the kernel.
	Env []string
}

// Result is one executed notebook.
type Result struct {
	Notebook *Notebook     // the executed notebook
	Path     string        // where nbconvert wrote it
	Stderr   string        // nbconvert's stderr (kernel logs included)
	Wall     time.Duration // time nbconvert took
}

// Execute runs the notebook at path into outDir (same file name) with
// `jupyter nbconvert --to notebook --execute --allow-errors`, so every cell
// runs and each failure shows in the result (see Notebook.Failures).
// An error means nbconvert itself failed: a kernel that did not start or
// died, a cell over the timeout, an unreadable notebook.
func (r Runner) Execute(ctx context.Context, path, outDir string) (*Result, error) {
	jupyter := r.Jupyter
	if jupyter == "" {
		var err error
		if jupyter, err = LookJupyter(); err != nil {
			return nil, err
		}
	}
	kernel := r.Kernel
	if kernel == "" {
		kernel = KernelName
	}
	timeout := r.CellTimeout
	if timeout <= 0 {
		timeout = 5 * time.Minute
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, jupyter, "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
		fmt.Sprintf("--ExecutePreprocessor.timeout=%d", int(timeout.Seconds())),
		"--ExecutePreprocessor.kernel_name="+kernel,
		"--output-dir", outDir, abs)
	cmd.Env = os.Environ()
	if r.JupyterPath != "" {
		jp := r.JupyterPath
		if old := os.Getenv("JUPYTER_PATH"); old != "" {
			jp += string(os.PathListSeparator) + old
		}
		cmd.Env = append(cmd.Env, "JUPYTER_PATH="+jp)
	}
	cmd.Env = append(cmd.Env, r.Env...)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	runErr := cmd.Run()
	res := &Result{Path: filepath.Join(outDir, filepath.Base(path)), Stderr: stderr.String(), Wall: time.Since(start)}
	if runErr != nil {
		return res, fmt.Errorf("jupyter nbconvert %s: %v\n%s", filepath.Base(path), runErr, Tail(res.Stderr, 30))
	}
	if res.Notebook, err = Read(res.Path); err != nil {
		return res, err
	}
	return res, nil
}

// Tail returns the last n lines of s that are not GoNB's informational log
// lines (klog "I…" lines), for error messages.
func Tail(s string, n int) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimRight(s, "\n"), "\n") {
		if len(l) > 5 && l[0] == 'I' && l[1] >= '0' && l[1] <= '9' {
			continue
		}
		keep = append(keep, l)
	}
	if len(keep) > n {
		keep = keep[len(keep)-n:]
	}
	return strings.Join(keep, "\n")
}

// ErrNoJupyter is returned when jupyter is not on PATH.
var ErrNoJupyter = errors.New("jupyter not found on PATH: install Jupyter with nbconvert " +
	"(Debian/Ubuntu: apt-get install jupyter-notebook jupyter-nbconvert python3-ipykernel jupyter-client; or `make deps-apt`)")

// LookJupyter finds the jupyter command and checks that it has nbconvert.
func LookJupyter() (string, error) {
	path, err := exec.LookPath("jupyter")
	if err != nil {
		return "", ErrNoJupyter
	}
	if _, err := exec.LookPath("jupyter-nbconvert"); err != nil {
		// jupyter finds subcommands as jupyter-<name> next to itself or on PATH.
		if _, err := os.Stat(filepath.Join(filepath.Dir(path), "jupyter-nbconvert")); err != nil {
			return "", fmt.Errorf("%s has no nbconvert: install it (Debian/Ubuntu: apt-get install jupyter-nbconvert)", path)
		}
	}
	return path, nil
}

// CodeCell returns a code cell with the given source, for notebooks written
// by programs (the kernel check, tests).
func CodeCell(source string) map[string]any {
	return map[string]any{"cell_type": "code", "execution_count": nil, "metadata": map[string]any{},
		"outputs": []any{}, "source": source}
}

// WriteNotebook writes an nbformat 4 notebook with the given cells that runs
// on the r1lab kernel and must produce figures.
func WriteNotebook(path string, figures []string, cells ...map[string]any) error {
	meta := map[string]any{
		"kernelspec":    map[string]any{"name": KernelName, "display_name": KernelDisplayName, "language": "go"},
		"language_info": map[string]any{"name": "go"},
	}
	if len(figures) > 0 {
		meta["r1lab"] = map[string]any{"figures": figures}
	}
	data, err := json.MarshalIndent(map[string]any{
		"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 4,
	}, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}
