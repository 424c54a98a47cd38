package nb

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/r1lab/r1lab/analysis/experiment"
	"github.com/r1lab/r1lab/analysis/figures"
	"github.com/r1lab/r1lab/notebooks"
)

// RunDir is where the notebooks write: $R1LAB_RUN_DIR, or runs/notebooks in
// the repository (Jupyter runs a notebook in its own folder, notebooks/).
func RunDir() string {
	return cmp.Or(os.Getenv(notebooks.RunDirEnv), filepath.Join("..", "runs", "notebooks"))
}

// ExperimentDir is the `r1lab reproduce` output the notebooks 02 onwards
// read: $R1LAB_EXPERIMENT, or RunDir()/experiment.
func ExperimentDir() string {
	return cmp.Or(os.Getenv(notebooks.ExperimentEnv), filepath.Join(RunDir(), "experiment"))
}

// Check stops the cell on an error; GoNB shows the panic under the cell.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}

// Must returns v, or stops the cell on an error.
func Must[T any](v T, err error) T {
	Check(err)
	return v
}

// Show displays a PNG figure under the cell and saves it as
// RunDir()/figures/name. It waits until GoNB has the figure: a cell that
// ends right after displaying could otherwise lose it.
func Show(png []byte, name string) {
	path := filepath.Join(RunDir(), "figures", name)
	Check(figures.Save(path, png))
	gonbui.DisplayPNG(png)
	gonbui.Sync()
	fmt.Println("saved", Must(filepath.Abs(path)))
}

// EnvString reads a setting from the environment, or returns def when it is
// unset or empty.
func EnvString(name, def string) string {
	if s := os.Getenv(name); s != "" {
		return s
	}
	return def
}

// EnvInt reads a positive integer setting from the environment, or returns
// def when it is unset; any other value stops the cell.
func EnvInt(name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		panic(fmt.Sprintf("$%s = %q: want a positive integer", name, s))
	}
	return n
}

// EnsureExperiment makes ExperimentDir() hold a finished experiment: it runs
// `r1lab reproduce` (preset $R1LAB_PRESET, default quick) when there is
// none, and resumes an unfinished one.
func EnsureExperiment() *experiment.Experiment {
	dir := ExperimentDir()
	e, err := experiment.Open(dir)
	var args []string
	switch {
	case errors.Is(err, fs.ErrNotExist):
		preset := cmp.Or(os.Getenv("R1LAB_PRESET"), "quick")
		fmt.Printf("%s holds no experiment (no stages.json): running r1lab reproduce --preset %s into it.\n", dir, preset)
		if preset == "quick" {
			fmt.Println("This takes about 10 minutes on 2 CPU cores; the notebook goes on when it is done.")
		}
		args = []string{"--preset", preset, "--out", dir}
	case err != nil:
		panic(err)
	case e.Status("report") != "":
		fmt.Printf("The experiment in %s is unfinished: continuing it with r1lab reproduce --resume.\n", dir)
		args = []string{"--resume", "--preset", e.Preset, "--task", e.Task, "--seed", fmt.Sprint(e.Seed), "--out", dir}
	default:
		return e
	}
	reproduce(dir, args...)
	return Must(experiment.Open(dir))
}

// reproduce runs `r1lab reproduce args…` into dir with `go run`, in the
// kernel's temporary module, whose go.work uses the r1lab checkout. The
// stage lines go under the cell, the progress to dir.log.
func reproduce(dir string, args ...string) {
	Check(os.MkdirAll(filepath.Dir(dir), 0o755))
	logPath := dir + ".log"
	logFile := Must(os.Create(logPath))
	defer logFile.Close()
	cmd := exec.Command("go", append([]string{"run", "github.com/r1lab/r1lab/cmd/r1lab", "reproduce"}, args...)...)
	cmd.Dir = os.Getenv("GONB_TMP_DIR") // "" outside GoNB: the current directory
	cmd.Stdout, cmd.Stderr = os.Stdout, logFile
	fmt.Printf("$ r1lab reproduce %s   (progress: %s)\n", strings.Join(args, " "), Must(filepath.Abs(logPath)))
	if err := cmd.Run(); err != nil {
		log, _ := os.ReadFile(logPath)
		lines := strings.Split(strings.TrimSpace(string(log)), "\n")
		fmt.Println(strings.Join(lines[max(0, len(lines)-20):], "\n"))
		panic(fmt.Sprintf("r1lab reproduce: %v", err))
	}
}
