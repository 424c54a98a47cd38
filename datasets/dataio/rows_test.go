package dataio

import "testing"

func TestNewRLRow(t *testing.T) {
	r := NewRLRow("P", "Alice is a knight", "kk", SplitTest, 7, 3)
	checks := []struct {
		name      string
		got, want any
	}{
		{"prompt length", len(r.Prompt), 1},
		{"prompt content", r.Prompt[0].Content, "P"},
		{"prompt role", r.Prompt[0].Role, "user"},
		{"data_source", r.DataSource, "kk"},
		{"ability", r.Ability, "math"},
		{"ground_truth", r.RewardModel.GroundTruth, "Alice is a knight"},
		{"style", r.RewardModel.Style, "rule"},
		// deep-reasoning duplicates the ground truth into extra_info.answer.
		{"extra_info.answer", r.ExtraInfo.Answer, "Alice is a knight"},
		{"extra_info.index", r.ExtraInfo.Index, int64(7)},
		{"extra_info.level", r.ExtraInfo.Level, int64(3)},
		{"extra_info.split", r.ExtraInfo.Split, "test"},
		{"extra_info.question", r.ExtraInfo.Question, ""},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %#v, want %#v", c.name, c.got, c.want)
		}
	}
}

func TestPromptText(t *testing.T) {
	tests := []struct {
		name   string
		prompt []Message
		want   string
	}{
		{"none", nil, ""},
		{"one", []Message{{Content: "<|im_start|>user\nQ", Role: RoleUser}}, "<|im_start|>user\nQ"},
		{"two concatenated", []Message{{Content: "a", Role: "system"}, {Content: "b", Role: RoleUser}}, "ab"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := (RLRow{Prompt: tc.prompt}).PromptText(); got != tc.want {
				t.Errorf("PromptText() = %q, want %q", got, tc.want)
			}
		})
	}
}
