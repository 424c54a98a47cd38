package redistill

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"

	"github.com/r1lab/r1lab/datasets/dataio"
	"github.com/r1lab/r1lab/datasets/nprand"
	"github.com/r1lab/r1lab/gomlxmodels/rl"
)

// BufferConfig selects set B from a replay buffer.
type BufferConfig struct {
	// LastSteps is how many of the run's last steps the rollouts come from
	// (the paper: steps 115–125 of 125, i.e. 11). Default 10.
	LastSteps int `json:"last_steps"`
	// N is the number of samples kept after deduplication and the shuffle
	// (the paper: 1,000). Fewer are kept when fewer prompts have a correct
	// rollout. Default 1000.
	N int `json:"n"`
	// Seed seeds the shuffle (numpy's default_rng; the paper's script used
	// Python's random.seed(0), whose order we do not reproduce). Default 0.
	Seed uint64 `json:"seed"`
}

// DefaultBuffer returns the paper's B selection.
func DefaultBuffer() BufferConfig { return BufferConfig{LastSteps: 10, N: 1000} }

// BufferStats counts what FromBuffer saw and kept.
type BufferStats struct {
	FirstStep, LastStep int // the steps read, inclusive
	Rollouts            int // rollouts in those steps
	Correct             int // of which correct
	Prompts             int // distinct prompts with a correct rollout
	Kept                int // rows returned
}

var stepName = regexp.MustCompile(`^step_(\d+)\.parquet$`)

// Steps lists the steps of a run directory's replay buffer in order.
func Steps(runDir string) ([]int, error) {
	dir := filepath.Join(runDir, rl.RolloutsDir)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("redistill: replay buffer: %w", err)
	}
	var steps []int
	for _, e := range entries {
		if m := stepName.FindStringSubmatch(e.Name()); m != nil {
			n, _ := strconv.Atoi(m[1])
			steps = append(steps, n)
		}
	}
	if len(steps) == 0 {
		return nil, fmt.Errorf("redistill: %s holds no step_NNNNN.parquet files", dir)
	}
	slices.Sort(steps)
	return steps, nil
}

// FromBuffer builds set B from the replay buffer in runDir/rollouts: the
// correct rollouts of the last c.LastSteps steps, in step then prompt then
// sample order, deduplicated by prompt index (first occurrence kept),
// shuffled with c.Seed, the first c.N kept. Row ids are the prompts' indices.
func FromBuffer(runDir string, c BufferConfig) ([]dataio.SFTRow, BufferStats, error) {
	var st BufferStats
	if c.LastSteps < 1 || c.N < 1 {
		return nil, st, fmt.Errorf("redistill: last steps %d and N %d must be ≥ 1", c.LastSteps, c.N)
	}
	steps, err := Steps(runDir)
	if err != nil {
		return nil, st, err
	}
	st.LastStep = steps[len(steps)-1]
	st.FirstStep = max(1, st.LastStep-c.LastSteps+1)
	seen := map[int64]bool{}
	var rows []dataio.SFTRow
	for _, step := range steps {
		if step < st.FirstStep {
			continue
		}
		path := rl.StepFile(runDir, rl.RolloutsDir, step)
		rs, err := dataio.Read[rl.Rollout](path)
		if err != nil {
			return nil, st, err
		}
		slices.SortStableFunc(rs, func(a, b rl.Rollout) int {
			if a.Index != b.Index {
				return compare(a.Index, b.Index)
			}
			return compare(a.Sample, b.Sample)
		})
		st.Rollouts += len(rs)
		for _, r := range rs {
			if !r.Correct {
				continue
			}
			st.Correct++
			if seen[r.Index] {
				continue
			}
			seen[r.Index] = true
			rows = append(rows, sftRow(r.Index, r.Prompt, r.Response, r.GroundTruth, r.Level, r.DataSource))
		}
	}
	st.Prompts = len(rows)
	nprand.New(c.Seed).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	rows = rows[:min(c.N, len(rows))]
	st.Kept = len(rows)
	return rows, st, nil
}

func compare(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
