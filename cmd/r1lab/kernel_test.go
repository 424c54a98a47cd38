package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/notebooks"
)

func TestKernelFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"kernel"}, 2, "missing subcommand"},
		{[]string{"kernel", "--help"}, 0, "r1lab kernel install"},
		{[]string{"kernel", "uninstall"}, 2, `unknown subcommand "uninstall"`},
		{[]string{"kernel", "install", "--user", "--prefix", "/tmp/x"}, 2, "exclude each other"},
		{[]string{"kernel", "install", "--bogus"}, 2, "flag provided but not defined"},
		{[]string{"kernel", "check", "--check"}, 2, "flag provided but not defined"},
		{[]string{"kernel", "install", "extra"}, 2, `unexpected argument "extra"`},
		{[]string{"kernel", "install", "--help"}, 0, "--prefix DIR"},
	} {
		code, _, errOut := runCLI(c.args...)
		if code != c.code || !strings.Contains(errOut, c.msg) {
			t.Errorf("%q: exit %d, stderr %q; want exit %d and %q", c.args, code, errOut, c.code, c.msg)
		}
	}
	o, err := parseKernelFlags("install", []string{"--prefix", "p", "--repo", "r", "--check"}, os.Stderr)
	if err != nil || o.prefix != "p" || o.repo != "r" || !o.check || o.user {
		t.Errorf("parsed %+v, %v", o, err)
	}
}

func TestToolVersions(t *testing.T) {
	gomod := []byte(`module example.com/m

go 1.26.5

require (
	github.com/janpfeifer/gonb v0.11.5 // indirect
	golang.org/x/tools v0.44.0 // indirect
	golang.org/x/tools/gopls v0.20.0 // indirect
)

tool (
	github.com/janpfeifer/gonb
	golang.org/x/tools/cmd/goimports
)
`)
	got, err := toolVersions(gomod, kernelTools)
	if err != nil {
		t.Fatal(err)
	}
	want := []kernelTool{
		{"github.com/janpfeifer/gonb", "github.com/janpfeifer/gonb", "v0.11.5"},
		{"golang.org/x/tools/cmd/goimports", "golang.org/x/tools", "v0.44.0"},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("toolVersions = %+v, want %+v", got, want)
	}
	if s := got[1].String(); s != "goimports (golang.org/x/tools v0.44.0)" {
		t.Errorf("String() = %q", s)
	}
	// A tool missing from the tool block, or a package no module provides, is an error.
	if _, err := toolVersions(gomod, []string{"golang.org/x/tools/gopls"}); err == nil || !strings.Contains(err.Error(), "no `tool golang.org/x/tools/gopls`") {
		t.Errorf("gopls (required, not a tool): err %v", err)
	}
	noReq := []byte("module m\n\ngo 1.26\n\ntool example.com/x/cmd/y\n")
	if _, err := toolVersions(noReq, []string{"example.com/x/cmd/y"}); err == nil || !strings.Contains(err.Error(), "no module that provides") {
		t.Errorf("tool without a require: err %v", err)
	}

	// This repository pins both tools, at exact versions.
	repo, err := findRepo(".")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	tools, err := toolVersions(data, kernelTools)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools {
		if !strings.HasPrefix(tool.Version, "v") || strings.Contains(tool.Version, "latest") {
			t.Errorf("%s: version %q is not an exact pin", tool.Package, tool.Version)
		}
	}
	if tools[0].Version != "v0.11.5" {
		t.Errorf("gonb pinned at %s; the notebooks and research/stack.md were checked with v0.11.5", tools[0].Version)
	}
}

func TestFindRepo(t *testing.T) {
	root := t.TempDir()
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := findRepo(deep); err == nil || !strings.Contains(err.Error(), "not inside an r1lab checkout") {
		t.Errorf("no go.mod: err %v", err)
	}
	// Another module's go.mod on the way up is passed over.
	if err := os.WriteFile(filepath.Join(root, "a", "go.mod"), []byte("module example.com/other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("module github.com/r1lab/r1lab\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := findRepo(deep); err != nil || got != root {
		t.Errorf("findRepo = %q, %v; want %q", got, err, root)
	}
}

func TestKernelDir(t *testing.T) {
	env := func(kv ...string) func(string) string {
		return func(k string) string {
			for i := 0; i+1 < len(kv); i += 2 {
				if kv[i] == k {
					return kv[i+1]
				}
			}
			return ""
		}
	}
	data := t.TempDir()
	for _, c := range []struct {
		name, prefix string
		getenv       func(string) string
		goos, want   string
	}{
		{"JUPYTER_DATA_DIR", "", env("JUPYTER_DATA_DIR", data, "XDG_DATA_HOME", "/x"), "linux", filepath.Join(data, "kernels", "r1lab")},
		{"XDG_DATA_HOME", "", env("XDG_DATA_HOME", "/x"), "linux", "/x/jupyter/kernels/r1lab"},
		{"linux default", "", env(), "linux", "/home/u/.local/share/jupyter/kernels/r1lab"},
		{"macOS", "", env(), "darwin", "/home/u/Library/Jupyter/kernels/r1lab"},
		{"windows", "", env("APPDATA", "/appdata"), "windows", "/appdata/jupyter/kernels/r1lab"},
		{"prefix wins", "/opt/py", env("JUPYTER_DATA_DIR", data), "linux", "/opt/py/share/jupyter/kernels/r1lab"},
	} {
		got, err := kernelDir(c.prefix, c.getenv, "/home/u", c.goos)
		if err != nil || got != c.want {
			t.Errorf("%s: kernelDir = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if _, err := kernelDir("", env(), "", "linux"); err == nil {
		t.Error("no home and no JUPYTER_DATA_DIR: want an error")
	}

	// The kernelspec lands where the path logic says, and says what the kernel needs.
	t.Setenv("JUPYTER_DATA_DIR", data)
	dir, err := defaultKernelDir("")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := notebooks.NewKernelSpec(filepath.Join(dir, "bin", "gonb"), "/src/r1lab", []string{filepath.Join(dir, "bin"), "/usr/local/go/bin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.Write(dir); err != nil {
		t.Fatal(err)
	}
	back, err := notebooks.ReadKernelSpec(filepath.Join(data, "kernels", "r1lab"))
	if err != nil {
		t.Fatal(err)
	}
	if back.GoWork() != "/src/r1lab" || back.Argv[1] != "--kernel" || back.Argv[2] != "{connection_file}" || back.Language != "go" {
		t.Errorf("kernel.json = %+v", back)
	}
	if p := back.Env["PATH"]; p != filepath.Join(dir, "bin")+":/usr/local/go/bin:${PATH}" {
		t.Errorf("kernel PATH = %q", p)
	}
	if _, err := notebooks.NewKernelSpec("gonb", "/a,b", nil); err == nil {
		t.Error("a repository path with a comma (GoNB's --go_work separator) was accepted")
	}
}

// Without go or jupyter on PATH, install says what is missing and how to get it.
func TestKernelInstallMissingTools(t *testing.T) {
	goBin := goRootBin(t)
	t.Setenv("PATH", t.TempDir())
	code, _, errOut := runCLI("kernel", "install", "--prefix", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "go not found on PATH") {
		t.Errorf("no go: exit %d, %q", code, errOut)
	}
	t.Setenv("PATH", goBin)
	code, _, errOut = runCLI("kernel", "install", "--prefix", t.TempDir())
	if code != 1 || !strings.Contains(errOut, "jupyter not found on PATH") || !strings.Contains(errOut, "apt-get install") {
		t.Errorf("no jupyter: exit %d, %q", code, errOut)
	}
	code, _, errOut = runCLI("kernel", "check")
	if code != 1 || !strings.Contains(errOut, "jupyter not found on PATH") {
		t.Errorf("check without jupyter: exit %d, %q", code, errOut)
	}
}

func goRootBin(t *testing.T) string {
	out, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Skip("go env GOROOT:", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "bin")
}

// TestKernelInstallAndCheck installs the kernel into a temporary Jupyter
// data folder, offline (GOPROXY=off: the tools come from the module cache),
// and runs its check notebook.
func TestKernelInstallAndCheck(t *testing.T) {
	required := os.Getenv("R1LAB_REQUIRE_NOTEBOOKS") == "1"
	if testing.Short() && !required {
		t.Skip("builds GoNB and runs a notebook: skipped in -short mode")
	}
	if _, err := notebooks.LookJupyter(); err != nil {
		if required {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	// The module cache must hold the tools' modules (make deps-go puts them there).
	list := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/janpfeifer/gonb", "golang.org/x/tools")
	list.Env = append(os.Environ(), "GOPROXY=off", "GOFLAGS=-mod=readonly")
	dirsOut, err := list.Output()
	if dirs := strings.Split(strings.TrimSpace(string(dirsOut)), "\n"); err != nil || len(dirs) != 2 || slices.Contains(dirs, "") {
		msg := "the tools' modules are not in the module cache (run make deps-go)"
		if required {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	t.Setenv("JUPYTER_PATH", "")
	t.Setenv("GOPROXY", "off")
	code, out, errOut := runCLI("kernel", "install", "--check")
	if code != 0 {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	for _, want := range []string{"Installed the Jupyter kernel \"r1lab\"", "gonb v0.11.5", "Kernel check passed", "r1lab kernel ok: Zoey is a knave, Oliver is a knight"} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, f := range []string{"kernel.json", "bin/gonb", "bin/goimports"} {
		if _, err := os.Stat(filepath.Join(data, "kernels", "r1lab", f)); err != nil {
			t.Error(err)
		}
	}
	t.Log(out)
}
