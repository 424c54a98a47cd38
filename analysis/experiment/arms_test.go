package experiment

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// same reports whether two series are equal, NaN equal to NaN.
func same(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) })
}

func openArms(t *testing.T, dir string) []ArmResult {
	t.Helper()
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	arms, err := e.Arms()
	if err != nil {
		t.Fatal(err)
	}
	return arms
}

func TestArms(t *testing.T) {
	arms := openArms(t, fixture(t))
	if len(arms) != len(RLArms) {
		t.Fatalf("%d arms, want %d", len(arms), len(RLArms))
	}
	for i, a := range arms {
		if a.Arm != RLArms[i] {
			t.Errorf("arm %d is %+v, want %+v", i, a.Arm, RLArms[i])
		}
	}
	skipped := map[string]string{}
	for _, a := range arms {
		skipped[a.Name] = a.Skipped
	}
	want := map[string]string{
		"rl-base": "", "rl-short": "", "rl-long": "not run",
		"rl-redistill-a": "skipped, as redistill-a was: redistill: the a set is empty",
		"rl-redistill-b": "no validation accuracy in metrics.parquet",
		"rl-control":     "not run",
	}
	for name, w := range want {
		if skipped[name] != w {
			t.Errorf("%s: Skipped %q, want %q", name, skipped[name], w)
		}
	}

	base := arms[0]
	if !base.Ran() || !slices.Equal(base.Steps, []int64{0, 2}) || !same(base.Acc, []float64{0.25, 0.5}) ||
		!same(base.Length, []float64{100, 70}) || !same(base.Clip, []float64{0.5, 0.25}) {
		t.Errorf("rl-base validation: steps %v acc %v length %v clip %v", base.Steps, base.Acc, base.Length, base.Clip)
	}
	if len(base.Levels) != 2 || !same(base.Levels[3], []float64{1.0 / 3, 2.0 / 3}) || !same(base.Levels[4], []float64{0.2, math.NaN()}) {
		t.Errorf("rl-base levels %v", base.Levels)
	}
	if !slices.Equal(base.TrainSteps, []int64{1, 2}) || !same(base.TrainScore, []float64{0.125, 0.375}) ||
		!same(base.TrainLen, []float64{90, 80}) || base.RLSteps() != 2 {
		t.Errorf("rl-base training: steps %v score %v length %v", base.TrainSteps, base.TrainScore, base.TrainLen)
	}
	if base.ValN != 8 || len(base.LevelN) != 2 || base.LevelN[3] != 3 || base.LevelN[4] != 5 {
		t.Errorf("rl-base validation prompts: %d, per level %v; want 8, 3 and 5", base.ValN, base.LevelN)
	}
	if base.SFTRows != 0 || base.Rollouts != 2*2*4 || base.WallS != 30 {
		t.Errorf("rl-base costs: SFT %d, rollouts %d, wall %v; want 0, 16, 30 (pre-training not counted)", base.SFTRows, base.Rollouts, base.WallS)
	}
	if base.Before() != 0.25 || base.After() != 0.5 || base.Best() != 0.5 || base.LevelAcc(3, 1) != 2.0/3 ||
		!math.IsNaN(base.LevelAcc(4, 1)) || !math.IsNaN(base.LevelAcc(9, 0)) {
		t.Errorf("rl-base before %v after %v best %v", base.Before(), base.After(), base.Best())
	}
	if x, y := base.Metrics.Series("critic/score/mean"); !same(x, []float64{1, 2}) || !same(y, []float64{0.125, 0.375}) {
		t.Errorf("Metrics.Series(critic/score/mean) = %v, %v", x, y)
	}
	if names := base.Metrics.Names(); !slices.IsSorted(names) || !slices.Contains(names, "actor/pg_loss") {
		t.Errorf("Metrics.Names() = %v", names)
	}

	short := arms[1]
	if !slices.Equal(short.Steps, []int64{0, 1, 2}) || short.ValN != 10 || len(short.LevelN) != 0 ||
		short.SFTRows != 12 || short.WallS != 40+10 || short.Best() != 0.6 {
		t.Errorf("rl-short: steps %v, ValN %d, LevelN %v, SFT %d, wall %v", short.Steps, short.ValN, short.LevelN, short.SFTRows, short.WallS)
	}
	if base.Decoding() != "greedy" || short.Decoding() != "mean@4, temperature 0.7" ||
		Decoding(arms[:2]) != "per arm: base (no SFT): greedy; short-CoT SFT: mean@4, temperature 0.7" || Decoding(arms[1:2]) != short.Decoding() {
		t.Errorf("decoding: rl-base %q, rl-short %q, both %q", base.Decoding(), short.Decoding(), Decoding(arms[:2]))
	}
	rb := arms[4]
	if rb.Ran() || !slices.Equal(rb.TrainSteps, []int64{1, 2}) || rb.SFTRows != 4 || rb.WallS != 55 || len(rb.ResultRows()) != 0 {
		t.Errorf("rl-redistill-b: %+v", rb)
	}
	if long := arms[2]; long.Metrics != nil || long.Steps != nil || !math.IsNaN(long.After()) || !math.IsNaN(long.Best()) {
		t.Errorf("rl-long (not run) has results: %+v", long)
	}

	ran := Ran(arms)
	if len(ran) != 2 || ran[0].Name != "rl-base" || ran[1].Name != "rl-short" || len(arms) != 6 {
		t.Errorf("Ran: %d arms", len(ran))
	}
	if ls := Levels(arms); !slices.Equal(ls, []int64{3, 4}) {
		t.Errorf("Levels = %v", ls)
	}
}

func TestReadArms(t *testing.T) {
	dir := fixture(t)
	e, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	arms, err := e.ReadArms(RLArms[1], RLArms[0])
	if err != nil || len(arms) != 2 || arms[0].Name != "rl-short" || arms[1].Name != "rl-base" {
		t.Fatalf("ReadArms: %v, %v", arms, err)
	}
	// A finished arm with an unreadable file is an error that names it.
	cfg := filepath.Join(dir, "runs", "rl-short", ConfigFile)
	if err := os.WriteFile(cfg, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Arms(); err == nil || !strings.Contains(err.Error(), cfg) {
		t.Errorf("Arms with a broken config.json: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "runs", "rl-base", MetricsFile)); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ReadArms(RLArms[0]); err == nil || !strings.Contains(err.Error(), MetricsFile) {
		t.Errorf("ReadArms without metrics.parquet: %v", err)
	}
}

func TestDecoding(t *testing.T) {
	for _, c := range []struct {
		samples     int
		temperature float64
		want        string
	}{
		{1, 0, "greedy"},
		{8, 0, "greedy"}, // rl.Config refuses it; all 8 would be the greedy response
		{1, 1, "sampled, temperature 1"},
		{8, 0.7, "mean@8, temperature 0.7"},
	} {
		if got := (ArmResult{ValSamples: c.samples, ValTemperature: c.temperature}).Decoding(); got != c.want {
			t.Errorf("%d samples at temperature %g: Decoding() = %q, want %q", c.samples, c.temperature, got, c.want)
		}
	}
	if got := Decoding(nil); got != "greedy" {
		t.Errorf("Decoding(nil) = %q", got)
	}
}
