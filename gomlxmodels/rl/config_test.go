package rl

import (
	"strings"
	"testing"

	"github.com/r1lab/r1lab/gomlxmodels/grpo"
)

// TestConfigValidate: the defaults are valid and are the documented ones; each invalid option is
// reported by name.
func TestConfigValidate(t *testing.T) {
	d := DefaultConfig()
	if err := d.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	if d.GRPO != grpo.DefaultConfig() || d.PromptsPerStep != 16 || d.Temperature != 0.7 || d.ValEvery != 5 ||
		d.MaxNewTokens != 512 || d.CheckpointEvery != 25 || d.UseReference() {
		t.Errorf("defaults %+v", d)
	}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want string // "" means valid
	}{
		{"no prompts", func(c *Config) { c.PromptsPerStep = 0 }, "PromptsPerStep 0"},
		{"no steps", func(c *Config) { c.Steps = 0 }, "Steps 0"},
		{"temperature differs", func(c *Config) { c.Temperature = 1 }, "equal GRPO.Temperature 0.7"},
		{"both temperatures 1", func(c *Config) { c.Temperature, c.GRPO.Temperature = 1, 1 }, ""},
		{"dr_grpo without length", func(c *Config) { c.GRPO.LossAgg = grpo.AggDrGRPO; c.GRPO.MaxCompletionLength = 100 }, "MaxCompletionLength 100 must equal MaxNewTokens 512"},
		{"dr_grpo", func(c *Config) { c.GRPO.LossAgg = grpo.AggDrGRPO; c.GRPO.MaxCompletionLength = 512 }, ""},
		{"mini-batches", func(c *Config) { c.GRPO.MiniBatches = 3 }, "do not split into 3"},
		{"mini-batches divide", func(c *Config) { c.GRPO.MiniBatches = 4 }, ""},
		{"negative val", func(c *Config) { c.ValEvery = -1 }, "ValEvery -1"},
		{"keep", func(c *Config) { c.Keep = 0 }, "Keep 0"},
		{"greedy samples", func(c *Config) { c.ValSamples = 8 }, "ValSamples 8 must be ≥ 0 and ValTemperature 0"},
		{"negative val samples", func(c *Config) { c.ValSamples, c.ValTemperature = -1, 0.7 }, "ValSamples -1"},
		{"sampled validation", func(c *Config) { c.ValSamples, c.ValTemperature = 8, 0.7 }, ""},
		{"one sample at a temperature", func(c *Config) { c.ValTemperature = 1 }, ""},
		{"grpo", func(c *Config) { c.GRPO.GroupSize = 0 }, "GroupSize 0"},
		{"reference for KL", func(c *Config) { c.GRPO.KLCoef = 0.01 }, ""},
		{"random reward", func(c *Config) { c.RandomReward = 0.5 }, ""},
		{"random reward of 1", func(c *Config) { c.RandomReward = 1 }, "RandomReward 1 must be in [0, 1)"},
		{"negative random reward", func(c *Config) { c.RandomReward = -0.5 }, "RandomReward -0.5"},
	} {
		c := DefaultConfig()
		tc.edit(&c)
		err := c.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}
