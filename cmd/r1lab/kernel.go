package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/r1lab/r1lab/notebooks"
)

const kernelSummary = `Install or check the Jupyter kernel that runs r1lab's notebooks (notebooks/*.ipynb).

  r1lab kernel install [--user | --prefix DIR] [--repo DIR] [--check]
  r1lab kernel check [--user | --prefix DIR]

install builds GoNB and goimports at the versions the repository's go.mod pins
(go install in the repository, as "go install tool" does; never @latest) into
the kernel's own folder, and registers the kernel "r1lab" ("Go (r1lab)") with
Jupyter: in the user's Jupyter data folder (--user, the default:
$JUPYTER_DATA_DIR, else ~/.local/share/jupyter on Linux) or in
DIR/share/jupyter/kernels (--prefix DIR). The kernel starts each notebook with
a go.work that uses the repository (GoNB's --go_work), so notebooks import
github.com/r1lab/r1lab/... with no setup cell; their first cell, %noautoget,
keeps every other import at the version go.mod pins.

check asks Jupyter which "r1lab" kernel it sees and runs a one-cell notebook on
it headlessly (jupyter nbconvert) that imports r1lab's packages; install
--check does the same after installing.`

// kernelTools are the programs the kernel needs, by the package go.mod's
// tool block names. gopls is optional: GoNB uses it only for completion and
// hover in JupyterLab, and go.mod does not pin it.
var kernelTools = []string{"github.com/janpfeifer/gonb", "golang.org/x/tools/cmd/goimports"}

// r1labModule is the module path a repository checkout must have.
const r1labModule = "github.com/r1lab/r1lab"

// kernelCheckTimeout bounds the check notebook (its first run compiles GoMLX).
const kernelCheckTimeout = 10 * time.Minute

var errNoGo = errors.New("go not found on PATH: the kernel is built with, and compiles notebooks with, " +
	"the Go toolchain (Go ≥ 1.26.5; https://go.dev/dl)")

type kernelOptions struct {
	user   bool
	prefix string
	repo   string
	check  bool
}

func runKernel(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stderr, "%s\n", kernelSummary)
		if len(args) == 0 {
			return usageError{errors.New("missing subcommand: install or check")}
		}
		return flag.ErrHelp
	}
	verb := args[0]
	if verb != "install" && verb != "check" {
		return usageError{fmt.Errorf("unknown subcommand %q (want install or check)", verb)}
	}
	o, err := parseKernelFlags(verb, args[1:], stderr)
	if err != nil {
		return err
	}
	if verb == "check" {
		return kernelCheck(o, "", stdout, stderr)
	}
	dir, err := kernelInstall(o, stdout, stderr)
	if err != nil || !o.check {
		return err
	}
	return kernelCheck(o, dir, stdout, stderr)
}

func parseKernelFlags(verb string, args []string, stderr io.Writer) (kernelOptions, error) {
	var o kernelOptions
	fs := newFlagSet("kernel "+verb, kernelSummary, stderr)
	fs.BoolVar(&o.user, "user", false, "register the kernel in the user's Jupyter data folder (the default)")
	fs.StringVar(&o.prefix, "prefix", "", "register the kernel in `DIR`/share/jupyter/kernels instead")
	if verb == "install" {
		fs.StringVar(&o.repo, "repo", "", "the r1lab checkout the notebooks import (default: the one holding the current directory)")
		fs.BoolVar(&o.check, "check", false, "then run a one-cell notebook on the kernel to check it")
	}
	if err := parseFlags(fs, args); err != nil {
		return o, err
	}
	if o.user && o.prefix != "" {
		return o, usageError{errors.New("--user and --prefix exclude each other")}
	}
	return o, nil
}

// kernelDir returns the folder of the kernelspec: under prefix if set, else
// in the user's Jupyter data folder.
func kernelDir(prefix string, getenv func(string) string, home, goos string) (string, error) {
	if prefix != "" {
		abs, err := filepath.Abs(prefix)
		if err != nil {
			return "", err
		}
		return filepath.Join(abs, "share", "jupyter", "kernels", notebooks.KernelName), nil
	}
	data, err := jupyterDataDir(getenv, home, goos)
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "kernels", notebooks.KernelName), nil
}

// jupyterDataDir is jupyter_core's jupyter_data_dir(): $JUPYTER_DATA_DIR,
// else the platform's per-user folder.
func jupyterDataDir(getenv func(string) string, home, goos string) (string, error) {
	if d := getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Abs(d)
	}
	switch goos {
	case "darwin":
		return filepath.Join(home, "Library", "Jupyter"), nil
	case "windows":
		if a := getenv("APPDATA"); a != "" {
			return filepath.Join(a, "jupyter"), nil
		}
		return "", errors.New("neither JUPYTER_DATA_DIR nor APPDATA is set: use --prefix")
	}
	if home == "" && getenv("XDG_DATA_HOME") == "" {
		return "", errors.New("no home folder (HOME) and neither JUPYTER_DATA_DIR nor XDG_DATA_HOME set: use --prefix")
	}
	xdg := getenv("XDG_DATA_HOME")
	if xdg == "" {
		xdg = filepath.Join(home, ".local", "share")
	}
	return filepath.Join(xdg, "jupyter"), nil
}

func defaultKernelDir(prefix string) (string, error) {
	home, _ := os.UserHomeDir()
	return kernelDir(prefix, os.Getenv, home, runtime.GOOS)
}

// findRepo returns the r1lab checkout holding dir: the nearest folder at or
// above dir whose go.mod declares module github.com/r1lab/r1lab.
func findRepo(dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if data, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && modfile.ModulePath(data) == r1labModule {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("%s is not inside an r1lab checkout (no go.mod of %s above it): "+
				"run r1lab kernel install from the repository, or pass --repo", dir, r1labModule)
		}
	}
}

// kernelTool is one tool the kernel needs and the module version go.mod pins for it.
type kernelTool struct {
	Package string // e.g. golang.org/x/tools/cmd/goimports
	Module  string // e.g. golang.org/x/tools
	Version string // e.g. v0.44.0
}

func (t kernelTool) String() string {
	name := filepath.Base(t.Package)
	if t.Module == t.Package {
		return name + " " + t.Version
	}
	return fmt.Sprintf("%s (%s %s)", name, t.Module, t.Version)
}

// toolVersions resolves each of pkgs from a go.mod: it must be in the tool
// block, and the required module providing it (the longest module path that
// prefixes it) gives the version.
func toolVersions(gomod []byte, pkgs []string) ([]kernelTool, error) {
	f, err := modfile.Parse("go.mod", gomod, nil)
	if err != nil {
		return nil, err
	}
	var out []kernelTool
	for _, pkg := range pkgs {
		if !slices.ContainsFunc(f.Tool, func(t *modfile.Tool) bool { return t.Path == pkg }) {
			return nil, fmt.Errorf("go.mod has no `tool %s`: the kernel's tools are pinned there", pkg)
		}
		var best *modfile.Require
		for _, r := range f.Require {
			if (pkg == r.Mod.Path || strings.HasPrefix(pkg, r.Mod.Path+"/")) && (best == nil || len(r.Mod.Path) > len(best.Mod.Path)) {
				best = r
			}
		}
		if best == nil {
			return nil, fmt.Errorf("go.mod requires no module that provides %s", pkg)
		}
		out = append(out, kernelTool{Package: pkg, Module: best.Mod.Path, Version: best.Mod.Version})
	}
	return out, nil
}

// kernelInstall builds the tools and writes the kernelspec; it returns the
// kernelspec's folder.
func kernelInstall(o kernelOptions, stdout, stderr io.Writer) (string, error) {
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return "", errNoGo
	}
	if _, err := notebooks.LookJupyter(); err != nil {
		return "", err
	}
	repo := o.repo
	if repo == "" {
		if repo, err = findRepo("."); err != nil {
			return "", err
		}
	} else if repo, err = findRepo(repo); err != nil {
		return "", err
	}
	gomod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		return "", err
	}
	tools, err := toolVersions(gomod, kernelTools)
	if err != nil {
		return "", fmt.Errorf("%s: %w", filepath.Join(repo, "go.mod"), err)
	}
	dir, err := defaultKernelDir(o.prefix)
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "bin")
	names := make([]string, len(tools))
	for i, t := range tools {
		names[i] = t.String()
	}
	fmt.Fprintf(stderr, "kernel: building %s into %s\n", strings.Join(names, ", "), bin)
	// go install in the repository builds each tool at the version go.mod
	// pins, as `go install tool` does; GOWORK=off keeps a go.work out of it.
	install := exec.Command(goCmd, append([]string{"install"}, kernelTools...)...)
	install.Dir = repo
	install.Env = append(os.Environ(), "GOBIN="+bin, "GOWORK=off")
	install.Stdout, install.Stderr = stderr, stderr
	if err := install.Run(); err != nil {
		return "", fmt.Errorf("go install %s (in %s): %w", strings.Join(kernelTools, " "), repo, err)
	}
	spec, err := notebooks.NewKernelSpec(filepath.Join(bin, "gonb"), repo, []string{bin, filepath.Dir(goCmd)})
	if err != nil {
		return "", err
	}
	if err := spec.Write(dir); err != nil {
		return "", err
	}
	copyGoNBLogo(goCmd, repo, dir)

	fmt.Fprintf(stdout, "Installed the Jupyter kernel %q (%s) in %s\n", notebooks.KernelName, notebooks.KernelDisplayName, dir)
	fmt.Fprintf(stdout, "  tools: %s, in %s\n", strings.Join(names, ", "), bin)
	fmt.Fprintf(stdout, "  notebooks import %s from %s (go.work)\n", r1labModule, repo)
	if _, err := exec.LookPath("gopls"); err != nil {
		fmt.Fprintln(stdout, "  note: gopls is not on PATH; notebooks run without it, but JupyterLab's Go completion and hover "+
			"need it (go.mod does not pin gopls: install the version you want with go install golang.org/x/tools/gopls@vX.Y.Z)")
	}
	if o.prefix != "" {
		fmt.Fprintf(stdout, "  Jupyter finds kernels under a prefix only if it is one of its data paths (jupyter --paths); "+
			"otherwise set JUPYTER_PATH=%s\n", filepath.Dir(filepath.Dir(dir)))
	}
	return dir, nil
}

// copyGoNBLogo gives the kernel GoNB's logo, from the module cache; the
// kernel works without it, so failures are ignored.
func copyGoNBLogo(goCmd, repo, dir string) {
	cmd := exec.Command(goCmd, "list", "-m", "-f", "{{.Dir}}", "github.com/janpfeifer/gonb")
	cmd.Dir = repo
	cmd.Env = append(os.Environ(), "GOWORK=off")
	out, err := cmd.Output()
	if err != nil {
		return
	}
	logo, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "kernel", "Go_gopher_favicon.svg"))
	if err != nil {
		return
	}
	_ = os.WriteFile(filepath.Join(dir, "logo-svg.svg"), logo, 0o644)
}

// kernelCheckCell imports r1lab packages, GoMLX among them, and prints a marker.
const kernelCheckCell = `%noautoget
import (
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/gomlxmodels/backend"
)
%%
b, err := backend.New()
if err != nil {
	panic(err)
}
fmt.Println("r1lab kernel ok:", kk.Generate(1234, 2, 1)[0].GroundTruth(), "|", backend.Describe(b))
`

// kernelCheck checks that Jupyter sees the r1lab kernel (in want, if not
// empty) and that a notebook on it imports r1lab's packages.
func kernelCheck(o kernelOptions, want string, stdout, stderr io.Writer) error {
	jupyter, err := notebooks.LookJupyter()
	if err != nil {
		return err
	}
	if want == "" && (o.user || o.prefix != "") {
		if want, err = defaultKernelDir(o.prefix); err != nil {
			return err
		}
	}
	found, err := jupyterKernelDir(jupyter, notebooks.KernelName)
	if err != nil {
		return err
	}
	if found == "" {
		if o.prefix != "" {
			return fmt.Errorf("Jupyter (%s) has no kernel %q: it does not look under %s; set JUPYTER_PATH=%s (or install without --prefix)",
				jupyter, notebooks.KernelName, o.prefix, filepath.Join(o.prefix, "share", "jupyter"))
		}
		return fmt.Errorf("Jupyter (%s) has no kernel %q: run r1lab kernel install", jupyter, notebooks.KernelName)
	}
	if want != "" && !sameDir(found, want) {
		return fmt.Errorf("Jupyter's kernel %q is %s, not %s: that one comes first on Jupyter's data path (jupyter --paths); "+
			"remove it (jupyter kernelspec remove %s) or install there", notebooks.KernelName, found, want, notebooks.KernelName)
	}
	spec, err := notebooks.ReadKernelSpec(found)
	if err != nil {
		return err
	}
	repo := spec.GoWork()
	if repo == "" {
		return fmt.Errorf("%s: the kernel has no --go_work: it is not r1lab's (reinstall with r1lab kernel install)", found)
	}
	if len(spec.Argv) == 0 {
		return fmt.Errorf("%s: empty argv", found)
	}
	if _, err := os.Stat(spec.Argv[0]); err != nil {
		return fmt.Errorf("%s: the kernel's GoNB is missing (%v): reinstall with r1lab kernel install", found, err)
	}
	if _, err := findRepo(repo); err != nil {
		return fmt.Errorf("%s: the kernel's repository %s is gone or not an r1lab checkout (%v): reinstall from the checkout", found, repo, err)
	}
	fmt.Fprintf(stderr, "kernel: Jupyter's %q kernel is %s (repository %s); running a check notebook…\n", notebooks.KernelName, found, repo)

	tmp, err := os.MkdirTemp("", "r1lab-kernel-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	path := filepath.Join(tmp, "check.ipynb")
	if err := notebooks.WriteNotebook(path, nil, notebooks.CodeCell(kernelCheckCell)); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), kernelCheckTimeout)
	defer cancel()
	res, err := notebooks.Runner{Jupyter: jupyter, CellTimeout: kernelCheckTimeout}.Execute(ctx, path, filepath.Join(tmp, "out"))
	if err != nil {
		return fmt.Errorf("kernel check: %w", err)
	}
	if fs := res.Notebook.Failures(); len(fs) > 0 {
		var b strings.Builder
		for _, f := range fs {
			fmt.Fprintf(&b, "\n  %s", f)
		}
		return fmt.Errorf("kernel check: the check notebook failed:%s", b.String())
	}
	var text strings.Builder
	for _, c := range res.Notebook.Cells {
		for _, out := range c.Outputs {
			text.WriteString(string(out.Text))
		}
	}
	line := ""
	for _, l := range strings.Split(text.String(), "\n") {
		if strings.HasPrefix(l, "r1lab kernel ok:") {
			line = l
		}
	}
	if line == "" {
		return fmt.Errorf("kernel check: the check notebook printed no result; its output:\n%s", text.String())
	}
	fmt.Fprintf(stdout, "Kernel check passed in %s: %s\n", res.Wall.Round(100*time.Millisecond), line)
	return nil
}

// jupyterKernelDir returns the folder of the kernelspec Jupyter uses for
// name ("" if it has none).
func jupyterKernelDir(jupyter, name string) (string, error) {
	out, err := exec.Command(jupyter, "kernelspec", "list", "--json").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("jupyter kernelspec list: %v\n%s", err, ee.Stderr)
		}
		return "", fmt.Errorf("jupyter kernelspec list: %w", err)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		return "", fmt.Errorf("jupyter kernelspec list --json: %w", err)
	}
	return list.Kernelspecs[name].ResourceDir, nil
}

func sameDir(a, b string) bool {
	ra, errA := filepath.EvalSymlinks(a)
	rb, errB := filepath.EvalSymlinks(b)
	if errA != nil || errB != nil {
		return filepath.Clean(a) == filepath.Clean(b)
	}
	return ra == rb
}
