package main

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
	"github.com/r1lab/r1lab/gomlxmodels/runlog"
)

// TestMain lets a test re-execute this binary as the r1lab command (with
// R1LAB_TEST_AS_MAIN=1), so a test can kill a real process.
func TestMain(m *testing.M) {
	if os.Getenv("R1LAB_TEST_AS_MAIN") == "1" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// r1labProcess starts this test binary as `r1lab args…`.
func r1labProcess(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "R1LAB_TEST_AS_MAIN=1")
	return cmd
}

// TestRLKill9Resume kills `r1lab rl` with SIGKILL after its first
// checkpoint, resumes it with --resume, and checks that the metrics and the
// replay buffer equal an uninterrupted run's, with no step missing or
// repeated.
func TestRLKill9Resume(t *testing.T) {
	root := t.TempDir()
	data := filepath.Join(root, "data")
	if code, out, errOut := runCLI("data", "--task", "kk", "--out", data, "--test", "3:2", "--train", "3:12", "--sft", "2:2"); code != 0 {
		t.Fatalf("data: exit %d\n%s\n%s", code, out, errOut)
	}
	model := filepath.Join(root, "base")
	if code, out, errOut := runCLI("pretrain", "--size", "micro", "--out", model, "--kk-data", data, "--words", "1000",
		"--batch", "2", "--eval=false"); code != 0 {
		t.Fatalf("pretrain: exit %d\n%s\n%s", code, out, errOut)
	}
	rlArgs := func(out string) []string {
		return []string{"rl", "--model", filepath.Join(model, "model"), "--data", data, "--out", out, "--steps", "6",
			"--prompts-per-step", "2", "--group", "3", "--max-new", "8", "--val-every", "2", "--val-limit", "2",
			"--checkpoint-every", "1", "--seed", "3"}
	}
	straight := filepath.Join(root, "straight")
	if out, err := r1labProcess(t, rlArgs(straight)...).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}

	killed := filepath.Join(root, "killed")
	cmd := r1labProcess(t, rlArgs(killed)...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		if _, err := os.Stat(filepath.Join(killed, "checkpoints", "step_000002")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("no checkpoint of step 2 within 2 minutes")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	if _, done := os.Stat(filepath.Join(killed, "model")); done == nil {
		t.Skip("the run finished before it could be killed")
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		t.Fatalf("the run was not killed by the signal: %v", err)
	}
	if out, err := r1labProcess(t, append(rlArgs(killed), "--resume")...).CombinedOutput(); err != nil {
		t.Fatalf("resume: %v\n%s", err, out)
	}

	steps1, cols1, err := runlog.Read(filepath.Join(straight, "metrics.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	steps2, cols2, err := runlog.Read(filepath.Join(killed, "metrics.parquet"))
	if err != nil {
		t.Fatal(err)
	}
	if want := []int64{0, 1, 2, 3, 4, 5, 6}; !slices.Equal(steps1, want) || !slices.Equal(steps2, want) {
		t.Fatalf("steps: straight %v, resumed %v, want %v", steps1, steps2, want)
	}
	for name, c1 := range cols1 {
		if strings.HasPrefix(name, "timing_s/") || strings.HasPrefix(name, "perf/") {
			continue
		}
		c2 := cols2[name]
		for i := range c1 {
			if i >= len(c2) || !(c1[i] == c2[i] || math.IsNaN(c1[i]) && math.IsNaN(c2[i])) {
				t.Errorf("%s at step %d: straight %v, resumed %v", name, steps1[i], c1[i], at(c2, i))
			}
		}
	}
	for step := 1; step <= 6; step++ {
		a, err1 := dataio.Read[rl.Rollout](rl.StepFile(straight, rl.RolloutsDir, step))
		b, err2 := dataio.Read[rl.Rollout](rl.StepFile(killed, rl.RolloutsDir, step))
		if err1 != nil || err2 != nil || !slices.Equal(a, b) {
			t.Errorf("rollouts of step %d differ (%v, %v)", step, err1, err2)
		}
	}
}

// at returns col[i], NaN out of range.
func at(col []float64, i int) float64 {
	if i < len(col) {
		return col[i]
	}
	return math.NaN()
}
