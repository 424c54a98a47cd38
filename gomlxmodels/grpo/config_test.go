package grpo

import (
	"math"
	"strings"
	"testing"
)

func TestDefaultConfigIsThePapers(t *testing.T) {
	c := DefaultConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	// research/paper.md §6.1; the learning rate is the documented toy-scale exception.
	if c.GroupSize != 8 || c.ScaleRewards != ScaleGroup || c.AdvantageEpsilon != 1e-6 || c.LossAgg != AggTokenMean ||
		c.Temperature != 0.7 || c.PPOEpochs != 1 || c.MiniBatches != 1 || c.ClipLow != 0.2 || c.ClipHigh != 0.2 ||
		c.KLCoef != 0 || c.EntropyCoef != 0 || c.Beta1 != 0.5 || c.Beta2 != 0.999 || c.WeightDecay != 0.01 ||
		c.WarmupSteps != 8 || c.ClipGradNorm != 1 || c.LossScale != 1 {
		t.Errorf("defaults differ from the paper's GRPO settings: %+v", c)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Config)
		errHas string // "" means valid
	}{
		{"dapo", func(c *Config) { c.LossAgg = AggDAPO }, ""},
		{"grpo", func(c *Config) { c.LossAgg = AggGRPO }, ""},
		{"dr_grpo with length", func(c *Config) { c.LossAgg, c.MaxCompletionLength = AggDrGRPO, 64 }, ""},
		{"dr_grpo without length", func(c *Config) { c.LossAgg = AggDrGRPO }, "MaxCompletionLength"},
		{"unknown agg", func(c *Config) { c.LossAgg = "bnpo" }, "LossAgg"},
		{"unknown scaling", func(c *Config) { c.ScaleRewards = "std" }, "ScaleRewards"},
		{"unknown KL", func(c *Config) { c.KLEstimator = "k2" }, "KLEstimator"},
		{"k1", func(c *Config) { c.KLEstimator = KLK1 }, ""},
		{"zero temperature", func(c *Config) { c.Temperature = 0 }, "Temperature"},
		{"zero epochs", func(c *Config) { c.PPOEpochs = 0 }, "PPOEpochs"},
		{"clip low ≥ 1", func(c *Config) { c.ClipLow = 1 }, "ClipLow"},
		{"negative KL coef", func(c *Config) { c.KLCoef = -1 }, "KLCoef"},
		{"NaN entropy coef", func(c *Config) { c.EntropyCoef = math.NaN() }, "EntropyCoef"},
		{"beta1 = 1", func(c *Config) { c.Beta1 = 1 }, "betas"},
		{"zero loss scale", func(c *Config) { c.LossScale = 0 }, "LossScale"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(&c)
			err := c.Validate()
			switch {
			case tc.errHas == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tc.errHas != "" && (err == nil || !strings.Contains(err.Error(), tc.errHas)):
				t.Errorf("error %v, want one mentioning %q", err, tc.errHas)
			}
		})
	}
}

func TestLearningRateAt(t *testing.T) {
	c := DefaultConfig()
	c.LearningRate, c.WarmupSteps = 8e-4, 8
	// verl's constant-with-warmup: lr·min(1, s/8) for s = step−1.
	for _, tc := range []struct {
		step int
		want float64
	}{{1, 0}, {2, 1e-4}, {5, 4e-4}, {8, 7e-4}, {9, 8e-4}, {500, 8e-4}} {
		if got := c.LearningRateAt(tc.step); math.Abs(got-tc.want) > 1e-18 {
			t.Errorf("LearningRateAt(%d) = %g, want %g", tc.step, got, tc.want)
		}
	}
	c.WarmupSteps = 0
	if got := c.LearningRateAt(1); got != 8e-4 {
		t.Errorf("without warmup step 1 has rate %g, want 8e-4", got)
	}
}
