package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/corpus"
	"github.com/r1lab/r1lab/datasets/kk"
)

// preset sizes every stage of `r1lab reproduce`: the extra flags each
// command gets on top of the paths the pipeline fills in. Flags not listed
// keep the commands' defaults (the paper's recipe where it has one).
type preset struct {
	about string   // what is scaled down, for the report
	data  []string // r1lab data
	// drills, when set, adds the stage "drills" before pre-training: r1lab
	// pretrain on copy drills alone (kk_roster), whose model pre-training then
	// continues from (--init-model). A tiny model learns to copy a puzzle's
	// names into its answer only after several hundred steps of drills;
	// mixed into the full corpus, the drills are too rare for that in a
	// 2-core budget (README: "Where the toy experiment stands").
	drills   []string
	pretrain []string // r1lab pretrain (the base stage, or "pretrain" with answers)
	// answers, when set, makes the model every arm starts from a fine-tune:
	// the pre-training stage is then named "pretrain", and the stage "base"
	// is r1lab sft of its model on the answer drills with these flags (the
	// data flags must ask for them with --answer-drills). Shared by every
	// arm, like pre-training, so no arm counts its samples or wall time. A
	// tiny model pre-trained on 2 cores names the people of a puzzle but
	// guesses their roles (README: "Where the toy experiment stands"); the
	// drills teach it to get roles right, so that RL has a base to build on,
	// as the paper's Qwen2.5 base already reasons a little.
	answers  []string
	sft      []string // r1lab sft (short-CoT and long-CoT arms)
	rl       []string // r1lab rl (every arm)
	redistA  []string // r1lab redistill --mode a (decoding flags)
	redistB  []string // r1lab redistill --mode b (buffer flags)
	redistFT []string // the SFT flags of every redistill stage (the paper: as for the long-CoT set)
	rlRedist []string // flags added to rl for the arms that start from re-distilled models (later ones win)
}

// presets by name, then task.
var presets = map[string]map[string]preset{
	"smoke":     {"kk": smokePreset},
	"paper-cpu": {"kk": paperCPUKK},
	"quick": {
		"kk":    quickPreset("--test", "3-5:10", "--train", "3-5:100", "--sft", "2:30,3:70"),
		"arith": quickPreset("--test", "1-3:10", "--train", "1-3:100", "--sft", "1-3:34"),
	},
}

// paperCPUKK is the K&K experiment sized for 2 CPU cores. Its base is the
// pre-trained model fine-tuned on answer drills (see answers), the first
// tiny model to get more roles right than guessing. What is scaled down, and
// why, is in about; the wall time of the seed-1234 run from an empty
// directory is in the README.
var paperCPUKK = preset{
	about: "the tiny model (0.25 M parameters) pre-trained in two phases, 2.2 M words of copy drills then 700k words " +
		"of the full corpus with drills kept at half of the documents, then fine-tuned for one epoch on 16,000 answer drills " +
		"(K&K puzzles of 2–3 people outside every split, answered with the box alone; not in the paper, whose Qwen2.5 base " +
		"already reasons a little) to give the base; SFT pool 500 puzzles of 2–3 people " +
		"(paper: 1,000) fine-tuned for 2 epochs in batches grouped by length (paper: shuffled), RL on 2–4 people (paper: 3–7), test 2–5 people, 30 per level, " +
		"with 5 never trained on (paper: 4–8, 100 per level, 8 unseen); GRPO with 8 prompts × 8 samples per step (paper: 128 × 8), " +
		"20 steps per cold-start arm and 5 per re-distilled arm (paper: about 125), 1 warmup step (paper: 8), " +
		"responses up to 640 tokens (paper: 4,096); re-distilled B from the last 5 steps' buffer, up to 450 samples " +
		"(paper: steps 115–125, 1,000)",
	// People counts one lower than the paper's: on 3–6 people the tiny model's
	// short-CoT SFT solved 4 of 120 puzzles and RL had too few rewarded groups
	// to learn from; 2-person puzzles (399 exist) make rewards common enough.
	// The answer drills: 8,000 per level of 2 and 3 people (the SFT pool's
	// levels), from statement sets no split uses.
	data: []string{"--test", "2-5:30", "--train", "2:200,3:400,4:400", "--sft", "2:100,3:400", "--answer-drills", "2:8000,3:8000"},
	// Drills until the model copies names (the jump came after about 650
	// steps of 32 windows at a constant 1e-3; 2.2 M words is about 900), on
	// their own corpus seed so the base phase sees other puzzles. Validation
	// every 150 steps still brackets the jump at 600 and 750; every 50 made the
	// stage's wall 146 s longer than its steps, every 150 makes it 33 s.
	drills: []string{"--words", "2200000", "--seq", "112", "--batch", "32", "--lr", "1e-3", "--schedule", "constant",
		"--corpus-seed", "778", "--val-every", "150", "--eval=false"},
	// The full corpus at the default peak lr 3e-3 (1e-3 did not bring the
	// drilled model back to the corpus in 183 steps: val loss 1.84 and
	// degenerate output), with the drills' weight raised from 0.3 to 1 so
	// that the copying survives.
	pretrain: []string{"--words", "700000", "--mix", "kk_roster=1", "--eval=false"},
	// One epoch of answer drills in batches of 32 at 1e-3 (490 steps): the
	// pre-trained model named the people but got 48–53% of roles right, a
	// guess; after these drills 57.7% [53.4, 62.0] (mean@8 accuracy 13.2%).
	// A PyTorch model of the same size, trained on answers alone, reached 74%
	// after 500 such steps and 90% after 2,000: more drills would help, but
	// each 1,000 costs about 80 s here.
	answers: []string{"--epochs", "1", "--batch", "32", "--lr", "1e-3", "--warmup", "10", "--val-every", "100",
		"--eval-data", "", "--group-by-length"},
	// The paper's 2 epochs. Six were needed when the base guessed the answer's
	// form (two left it boxing three names for every puzzle); the drills teach
	// the form, and from a drilled base six epochs of short-CoT SFT scored
	// 10.8% mean@8 against two's 6.9% for three times the time (both with
	// roles at guessing: the teacher's traces overwrite what the drills taught).
	// Batches grouped by length (the paper does not): 26% / 18% fewer padded
	// tokens on the short-CoT / long-CoT sets, for the 90-minute budget.
	sft: []string{"--epochs", "2", "--batch", "8", "--eval-data", "", "--group-by-length"},
	// 20 steps: what the budget leaves after pre-training and SFT (3–43 s per step with 8 × 8 rollouts
	// in the seed-1234 run, most of it sampling, as the update skips zero-advantage rows). One warmup step, as the paper's 8
	// of about 125 would take most of the run. lr 5e-5: from the undrilled base 5e-4 made the short-CoT
	// model's answers longer and its accuracy drop within 5 steps; from a drilled base the default 1e-4
	// lowered the base's mean@8 by 4.4 points [−8.4, −0.7] in 20 steps and the short-CoT arm's by 2.9,
	// 2e-5 changed nothing (−0.4 [−2.7, +2.0]), and 5e-5 with 32 prompts per step raised it by 2.6
	// points [+0.3, +5.1] in 40 steps (the CoT arms cannot afford 32: their responses are 6–15× longer).
	// From this preset's own base, 32 prompts at 5e-5 still lowered greedy accuracy (25 → 19 of 120 in 20
	// steps; mean@8 +0.8 [−0.8, +2.6]): GRPO first moves the share of knights the answers give (README).
	// 640 tokens hold 448 of the 450 long-CoT SFT traces (320 held 91, and 408 of the 450 short-CoT ones).
	rl: []string{"--steps", "20", "--prompts-per-step", "8", "--max-new", "640", "--warmup", "1", "--lr", "5e-5", "--val-every", "5",
		"--val-batch", "40", "--checkpoint-every", "5", "--keep", "4"},
	rlRedist: []string{"--steps", "5"},
	redistA:  []string{"--max-new", "640", "--eval-batch", "50"},
	redistB:  []string{"--last-steps", "5", "--n", "450"},
	redistFT: []string{"--epochs", "2", "--batch", "8", "--eval-data", "", "--group-by-length"}, // as the cold-start arms
}

// smokePreset runs every stage, both kinds of drills included, with the "micro" model in seconds, for tests
// (the notebooks' shared run, the pipeline's own tests). Nothing is learned:
// the re-distilled sets come out empty and their arms are skipped.
var smokePreset = preset{
	about: "a test of the pipeline and its analyses in seconds: the micro model on 3–5 people, 12 test puzzles, " +
		"3 RL steps of 2 prompts × 4 responses per arm; nothing is learned, so accuracies are 0 and the " +
		"re-distilled sets come out empty (their arms are skipped)",
	data:     []string{"--test", "3-5:4", "--train", "3-5:8", "--sft", "2:6,3:6", "--answer-drills", "2:60"},
	drills:   []string{"--size", "micro", "--words", "500", "--corpus-max-people", "5", "--eval=false", "--batch", "2"},
	pretrain: []string{"--words", "2000", "--corpus-max-people", "5", "--eval=false", "--batch", "2"},
	answers:  []string{"--epochs", "1", "--batch", "16", "--eval-data", ""},
	sft:      []string{"--epochs", "1", "--batch", "4", "--eval-data", ""},
	rl: []string{"--steps", "3", "--prompts-per-step", "2", "--group", "4", "--max-new", "16", "--val-every", "1",
		"--val-limit", "0", "--checkpoint-every", "1", "--keep", "4"},
	redistA:  []string{"--max-new", "16"},
	redistB:  []string{"--last-steps", "2", "--n", "4"},
	redistFT: []string{"--epochs", "1", "--batch", "4", "--eval-data", ""},
}

// quickPreset is a smoke run of every stage in about ten minutes on 2
// cores: a base pre-trained on 100k words, SFT on about 90 samples, 3 RL
// steps of 4 prompts × 4 samples per arm. Its accuracies are noise; it shows
// that the pipeline runs and what it writes.
func quickPreset(data ...string) preset {
	return preset{
		about: "a smoke run of every stage in about ten minutes: 30 test prompts, a base pre-trained on 100k words, " +
			"SFT on about 90 samples, 3 RL steps of 4 prompts × 4 samples per arm, responses up to 160 tokens; its accuracies are noise",
		data:     data,
		pretrain: []string{"--words", "100000", "--eval=false"},
		sft:      []string{"--epochs", "1", "--batch", "8", "--eval-data", ""},
		rl: []string{"--steps", "3", "--prompts-per-step", "4", "--group", "4", "--max-new", "160", "--val-every", "3",
			"--val-batch", "30", "--checkpoint-every", "3", "--lr", "1e-4"},
		redistA:  []string{"--max-new", "160", "--eval-batch", "50"},
		redistB:  []string{"--last-steps", "3", "--n", "100"},
		redistFT: []string{"--epochs", "1", "--batch", "8", "--eval-data", ""},
	}
}

// presetFor returns a preset, or an error listing the valid choices.
func presetFor(name, task string) (preset, error) {
	byTask, ok := presets[name]
	if !ok {
		return preset{}, fmt.Errorf("--preset %q: want quick, paper-cpu or smoke", name)
	}
	p, ok := byTask[task]
	if !ok {
		var tasks []string
		for t := range byTask {
			tasks = append(tasks, t)
		}
		slices.Sort(tasks)
		return preset{}, fmt.Errorf("--task %q: preset %s is defined for %s", task, name, strings.Join(tasks, " and "))
	}
	return p, nil
}

// stages lays out the experiment in out: data/<task>, runs/<arm>, and the
// report at the top.
func (p preset) stages(out, task string, seed uint64) []stage {
	data := filepath.Join(out, "data", task)
	run := func(name string) string { return filepath.Join(out, "runs", name) }
	model := func(name string) string { return filepath.Join(run(name), "model") }
	s := strconv.FormatUint(seed, 10)
	cat := slices.Concat[[]string]
	pretrainData := []string{"--kk-data", data}
	if task == "arith" {
		pretrainData = []string{"--kk-data", "", "--arith-data", data}
	}
	pre := "base" // the pre-training stage: the base, unless answer drills follow it
	if p.answers != nil {
		pre = "pretrain"
	}
	var first []stage
	if p.drills != nil {
		first = []stage{{name: "drills", dir: run("drills"), resumable: true, args: cat([]string{"pretrain", "--out", run("drills"),
			"--init-seed", s, "--seed", s, "--mix", drillsOnly}, pretrainData, p.drills)}}
	}
	pretrain := stage{name: pre, dir: run(pre), resumable: true, args: cat([]string{"pretrain", "--out", run(pre),
		"--init-seed", s, "--seed", s}, pretrainData, p.pretrain)}
	if p.drills != nil {
		pretrain.args = append(pretrain.args, "--init-model", model("drills"))
		pretrain = withNeeds(pretrain, "drills")
	}
	first = append(first, pretrain)
	if p.answers != nil {
		first = append(first, stage{name: "base", dir: run("base"), resumable: true, needs: []string{pre}, args: cat([]string{"sft",
			"--model", model(pre), "--data", filepath.Join(data, kk.AnswerDrillsSet), "--out", run("base"), "--seed", s}, p.answers)})
	}
	sftArm := func(name, set string) stage {
		return stage{name: name, dir: run(name), resumable: true, args: cat([]string{"sft", "--model", model("base"),
			"--data", filepath.Join(data, set), "--out", run(name), "--seed", s}, p.sft)}
	}
	rlArm := func(name, from string, extra ...string) stage {
		return stage{name: name, dir: run(name), resumable: true, needs: []string{from}, args: cat([]string{"rl", "--model", model(from),
			"--data", data, "--out", run(name), "--seed", s}, p.rl, extra)}
	}
	redist := func(name, mode string, extra ...string) stage {
		return stage{name: name, dir: run(name), resumable: true, args: cat([]string{"redistill", "--mode", mode,
			"--data", data, "--base", model("base"), "--out", run(name), "--seed", s, "--shuffle-seed", s}, extra, p.redistFT)}
	}
	return slices.Concat([]stage{
		{name: "data", dir: data, args: cat([]string{"data", "--task", task, "--out", data, "--seed", s, "--shuffle-seed", s,
			"--teacher-seed", s}, p.data)},
	}, first, []stage{
		sftArm("sft-short", "sft_short_cot"),
		sftArm("sft-long", "sft_long_cot"),
		rlArm("rl-base", "base"),
		rlArm("rl-short", "sft-short"),
		rlArm("rl-long", "sft-long"),
		redist("redistill-a", "a", cat([]string{"--policy", model("rl-long")}, p.redistA)...),
		redist("redistill-b", "b", cat([]string{"--rl-run", run("rl-long")}, p.redistB)...),
		withNeeds(redist("control", "control", "--b-set", filepath.Join(run("redistill-b"), "data")), "redistill-b"),
		rlArm("rl-redistill-a", "redistill-a", p.rlRedist...),
		rlArm("rl-redistill-b", "redistill-b", p.rlRedist...),
		rlArm("rl-control", "control", p.rlRedist...),
		{name: "report", args: []string{"report", "--dir", out}},
	})
}

// drillsOnly is the --mix of the drills stage: copy drills alone, every
// other kind named with weight 0 (a mix names all kinds).
var drillsOnly = corpus.Mix{KKRoster: 1}.String()

func withNeeds(s stage, needs ...string) stage {
	s.needs = append(s.needs, needs...)
	return s
}
