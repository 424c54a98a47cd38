// Command r1lab runs the r1lab pipeline: generate task data, pre-train a
// small base model, SFT, GRPO, re-distillation, evaluation and the
// sample-effect analyses (see README.md). Each step is a subcommand with its
// own --help.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
)

// command is one r1lab subcommand.
type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

// commands lists the subcommands by name.
var commands map[string]command

// init fills commands (reproduce runs other commands through it, which a
// package-level initialiser cannot refer to).
func init() {
	commands = map[string]command{
		"data":      {"generate a task's datasets (K&K or ARITH) as Parquet", runData},
		"pretrain":  {"pre-train the base model on the synthetic corpus", runPretrain},
		"sft":       {"supervised fine-tuning on an SFT set (short-CoT, long-CoT, re-distilled)", runSFT},
		"eval":      {"greedy evaluation of a model on a test file", runEvalCmd},
		"redistill": {"re-distillation: an SFT set from an RL policy (A), its replay buffer (B) or the teacher (control), then SFT of the base", runRedistill},
		"reproduce": {"the paper's experiment end to end (presets quick, paper-cpu), resumable by stage", runReproduce},
		"report":    {"tables, figures and report.md of a reproduce run", runReport},
		"rl":        {"GRPO on a task's RL prompts (the paper's recipe): rollouts, rewards, validation, replay buffer", runRL},
		"bench":     {"training and decoding throughput, side by side with a PyTorch CPU peer", runBench},
		"kernel":    {"install or check the Jupyter kernel (GoNB) that runs the notebooks", runKernel},
		"effect":    {"the sample-effect analyses of a reproduce run: SE vs ΔAcc, rankings, RL checkpoints", runEffect},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches to a subcommand and returns the process exit code:
// 0 success, 2 bad usage, 1 any other failure.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "r1lab: unknown command %q\n\n", args[0])
		usage(stderr)
		return 2
	}
	err := cmd.run(args[1:], stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, new(usageError)):
		fmt.Fprintf(stderr, "r1lab %s: %v\n", args[0], err)
		return 2
	default:
		fmt.Fprintf(stderr, "r1lab %s: %v\n", args[0], err)
		return 1
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: r1lab <command> [flags]   (r1lab <command> --help for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
}

// usageError marks an error in the command line (exit code 2).
type usageError struct{ error }

// newFlagSet returns a FlagSet that reports errors instead of exiting and
// prints its usage with the command's summary.
func newFlagSet(name, summary string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: r1lab %s [flags]\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, turning a flag error into a usageError.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// flagSet reports whether the flag name was given on fs's command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
