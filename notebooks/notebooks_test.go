package notebooks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// requireEnv makes the tests that run notebooks fail, instead of skip,
// when Jupyter or GoNB is missing (make test sets it).
const requireEnv = "R1LAB_REQUIRE_NOTEBOOKS"

// harness is a private r1lab kernel for the tests: a kernelspec in a
// temporary Jupyter data directory, identical to what `r1lab kernel install`
// writes except that it runs the gonb found on PATH (or in ../.tools/bin,
// where `make deps-go` puts it) and that its go.work points at this checkout,
// so the notebooks are tested against the code next to them.
type harness struct {
	runner Runner
}

// lookTool finds a tool on PATH, then in the repository's .tools/bin.
func lookTool(name string) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	p, err := filepath.Abs(filepath.Join("..", ".tools", "bin", name))
	if err == nil {
		_, err = os.Stat(p)
	}
	if err != nil {
		return "", fmt.Errorf("%s not found on PATH or in .tools/bin (`make deps-go` installs GoNB and goimports there)", name)
	}
	return p, nil
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	required := os.Getenv(requireEnv) == "1"
	if testing.Short() && !required {
		t.Skip("runs notebooks: skipped in -short mode")
	}
	missing := func(err error) {
		t.Helper()
		if required {
			t.Fatalf("%v (%s=1: the notebook tools are required)", err, requireEnv)
		}
		t.Skipf("%v; set %s=1 to make this a failure", err, requireEnv)
	}
	jupyter, err := LookJupyter()
	if err != nil {
		missing(err)
	}
	gonb, err := lookTool("gonb")
	if err != nil {
		missing(err)
	}
	goimports, err := lookTool("goimports")
	if err != nil {
		missing(err)
	}
	goCmd, err := exec.LookPath("go") // go test puts GOROOT/bin first on PATH
	if err != nil {
		missing(err)
	}
	goBin := filepath.Dir(goCmd)
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := NewKernelSpec(gonb, repo, []string{filepath.Dir(goimports), filepath.Dir(gonb), goBin})
	if err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if err := spec.Write(filepath.Join(data, "kernels", KernelName)); err != nil {
		t.Fatal(err)
	}
	return &harness{runner: Runner{Jupyter: jupyter, JupyterPath: data, CellTimeout: 5 * time.Minute}}
}

// smokePreset is the `r1lab reproduce` preset of the experiment the tests
// share: every stage of the paper's pipeline with the micro model, in
// seconds. Nothing is learned, so the re-distilled sets come out empty and
// their arms are skipped, a case the notebooks must handle anyway.
const smokePreset = "smoke"

// sharedRun returns the run directory every notebook is pointed at
// (R1LAB_RUN_DIR): the notebooks write their figures to its figures/ folder,
// and the ones that analyse an experiment read its experiment/ folder (see
// ExperimentEnv), which sharedRun fills first, once for all of them, with
// `r1lab reproduce --preset smoke`.
func sharedRun(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx := testContext(t)
	start := time.Now()
	bin := filepath.Join(t.TempDir(), "r1lab")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/r1lab")
	build.Dir = ".."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build ./cmd/r1lab: %v\n%s", err, out)
	}
	exp := filepath.Join(dir, "experiment")
	cmd := exec.CommandContext(ctx, bin, "reproduce", "--preset", smokePreset, "--out", exp)
	cmd.WaitDelay = 10 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("r1lab reproduce --preset %s --out %s: %v\n%s", smokePreset, exp, err, Tail(string(out), 30))
	}
	t.Logf("shared experiment (r1lab reproduce --preset %s) built in %s", smokePreset, time.Since(start).Round(100*time.Millisecond))
	return dir
}

func testContext(t *testing.T) context.Context {
	ctx := t.Context()
	if d, ok := t.Deadline(); ok {
		c, cancel := context.WithDeadline(ctx, d.Add(-15*time.Second))
		t.Cleanup(cancel)
		ctx = c
	}
	return ctx
}

func notebookFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no notebooks found")
	}
	slices.Sort(files)
	return files
}

// TestNotebooks executes every notebook in this folder headlessly with the
// r1lab kernel and fails on any failed cell and on any declared figure that
// was not saved and displayed.
func TestNotebooks(t *testing.T) {
	h := newHarness(t)
	runDir := sharedRun(t)
	out := t.TempDir()
	// Set both, so that a developer's own R1LAB_EXPERIMENT is not what the notebooks test.
	h.runner.Env = []string{RunDirEnv + "=" + runDir, ExperimentEnv + "=" + filepath.Join(runDir, "experiment")}
	for _, path := range notebookFiles(t) {
		t.Run(strings.TrimSuffix(path, ".ipynb"), func(t *testing.T) {
			res, err := h.runner.Execute(testContext(t), path, out)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s executed in %s", path, res.Wall.Round(100*time.Millisecond))
			failures := append(res.Notebook.Failures(), res.Notebook.CheckFigures(filepath.Join(runDir, "figures"))...)
			for _, f := range failures {
				t.Errorf("%s: %s", path, f)
			}
			if len(failures) > 0 {
				t.Logf("nbconvert stderr (tail):\n%s", Tail(res.Stderr, 20))
				keepExecuted(t, res.Path)
			}
		})
	}
}

// keepExecuted copies a failed executed notebook out of the test's
// temporary folders, so that it can be opened after the test.
func keepExecuted(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	dir, err := os.MkdirTemp("", "r1lab-notebook-")
	if err != nil {
		return
	}
	kept := filepath.Join(dir, filepath.Base(path))
	if os.WriteFile(kept, data, 0o644) == nil {
		t.Logf("executed notebook kept as %s", kept)
	}
}

// TestNotebookSources checks what every notebook must say about itself,
// without running it: the r1lab kernel, %noautoget first (so no import ever
// resolves to @latest: GoNB's autoget runs a bare `go get`), declared
// figures, and no committed outputs.
func TestNotebookSources(t *testing.T) {
	for _, path := range notebookFiles(t) {
		nb, err := Read(path)
		if err != nil {
			t.Fatal(err)
		}
		if ks := nb.Metadata.Kernelspec; ks == nil || ks.Name != KernelName {
			t.Errorf("%s: kernelspec %+v, want name %q", path, ks, KernelName)
		}
		if len(nb.Metadata.R1lab.Figures) == 0 {
			t.Errorf("%s: declares no figures (metadata.r1lab.figures)", path)
		}
		first := -1
		for i, c := range nb.Cells {
			if c.CellType == "code" {
				first = i
				break
			}
		}
		if first < 0 || !strings.Contains(string(nb.Cells[first].Source), "%noautoget") {
			t.Errorf("%s: the first code cell must hold %%noautoget", path)
		}
		for i, c := range nb.Cells {
			if strings.Contains(string(c.Source), "@latest") {
				t.Errorf("%s: cell %d mentions @latest; pin versions", path, i)
			}
			if len(c.Outputs) > 0 {
				t.Errorf("%s: cell %d has committed outputs; clear them before committing", path, i)
			}
		}
	}
}

// TestCheckerCatchesFailures runs a notebook that fails in every way GoNB
// reports differently and checks that the checker catches each one, in its
// cell, and nothing in the cell that works.
func TestCheckerCatchesFailures(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "broken.ipynb")
	cells := []string{
		0: "%noautoget",
		1: "%%\nx := undefinedThing + 1",                           // build error: an "error" output
		2: "%%\nvar m map[string]int\nm[\"a\"] = 1",                // panic: stderr "panic: …" + "error"
		3: "!false",                                                // failed shell command: only stderr "exit status 1"
		4: "%%\nfmt.Println(\"Error: not a failure\")\nos.Exit(3)", // silent non-zero exit
		5: "import \"github.com/r1lab/r1lab/datasets/kk\"\n%%\nfmt.Println(\"fine\", kk.MinPeople)",
	}
	var cs []map[string]any
	for _, src := range cells {
		cs = append(cs, CodeCell(src))
	}
	if err := WriteNotebook(path, []string{"never.png"}, cs...); err != nil {
		t.Fatal(err)
	}
	runDir := t.TempDir()
	h.runner.Env = []string{RunDirEnv + "=" + runDir}
	res, err := h.runner.Execute(testContext(t), path, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("executed in %s", res.Wall.Round(100*time.Millisecond))
	byCell := map[int][]string{}
	for _, f := range append(res.Notebook.Failures(), res.Notebook.CheckFigures(filepath.Join(runDir, "figures"))...) {
		t.Logf("caught: %s", f)
		byCell[f.Cell] = append(byCell[f.Cell], f.Reason)
	}
	want := map[int]string{1: "error output", 2: "panic: assignment to entry in nil map", 3: `"exit status 1"`, 4: `"exit status 3"`, -1: "figure never.png not saved"}
	for cell, substr := range want {
		if !strings.Contains(strings.Join(byCell[cell], "\n"), substr) {
			t.Errorf("cell %d: failures %q, want one containing %q", cell, byCell[cell], substr)
		}
	}
	for _, cell := range []int{0, 5} {
		if len(byCell[cell]) > 0 {
			t.Errorf("cell %d works but was flagged: %q", cell, byCell[cell])
		}
	}
	if out := res.Notebook.Cells[5].Outputs; len(out) == 0 || !strings.Contains(string(out[0].Text), "fine 2") {
		t.Errorf("cell 5 (imports r1lab) outputs %+v, want \"fine 2\"", out)
	}
}

// TestFailuresOffline checks the checker on hand-written outputs, in both
// of nbformat's encodings of multi-line text.
func TestFailuresOffline(t *testing.T) {
	nb, err := Parse([]byte(`{"nbformat": 4, "nbformat_minor": 4,
	 "metadata": {"r1lab": {"figures": ["a.png", "b.svg"]}},
	 "cells": [
	  {"cell_type": "markdown", "source": ["panic: in prose is fine\n"]},
	  {"cell_type": "code", "source": "", "outputs": [
	    {"output_type": "stream", "name": "stdout", "text": ["Error: a word in output\n", "no exit status 1 here\n"]},
	    {"output_type": "display_data", "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]}}]},
	  {"cell_type": "code", "source": "", "outputs": [
	    {"output_type": "stream", "name": "stderr", "text": ["panic: boom\n", "\n", "goroutine 1 [running]:\n", "exit status 2\n"]}]},
	  {"cell_type": "code", "source": "", "outputs": [
	    {"output_type": "error", "ename": "ERROR", "evalue": "failed to run \"go build\": exit status 1", "traceback": []}]},
	  {"cell_type": "code", "source": "", "outputs": [
	    {"output_type": "stream", "name": "stderr", "text": "exit status 1\n"}]},
	  {"cell_type": "code", "source": "", "outputs": [
	    {"output_type": "display_data", "data": {"text/html": ["<div><svg width=\"1\"></svg></div>"]}}]}
	 ]}`))
	if err != nil {
		t.Fatal(err)
	}
	var cells []int
	for _, f := range nb.Failures() {
		cells = append(cells, f.Cell)
	}
	if !slices.Equal(cells, []int{2, 3, 4}) {
		t.Errorf("failed cells %v, want [2 3 4]: %q", cells, nb.Failures())
	}
	if n := nb.Images(); n != 2 {
		t.Errorf("Images() = %d, want 2 (a PNG and an inline SVG)", n)
	}
	figs := t.TempDir()
	png := append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 200)...)
	if err := os.WriteFile(filepath.Join(figs, "a.png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
	fs := nb.CheckFigures(figs)
	if len(fs) != 1 || !strings.Contains(fs[0].Reason, "b.svg not saved") {
		t.Errorf("CheckFigures = %q, want only b.svg missing", fs)
	}
	if err := os.WriteFile(filepath.Join(figs, "b.svg"), []byte("not an image"), 0o644); err != nil {
		t.Fatal(err)
	}
	if fs := nb.CheckFigures(figs); len(fs) != 1 || !strings.Contains(fs[0].Reason, "not a PNG or SVG") {
		t.Errorf("CheckFigures = %q, want b.svg rejected as not an image", fs)
	}
	if _, err := Parse([]byte(`{"nbformat": 3, "cells": []}`)); err == nil {
		t.Error("nbformat 3 accepted")
	}
}
