package prompt

import (
	"strings"
	"testing"
)

func TestQwenTemplateExact(t *testing.T) {
	// The exact strings of deep-reasoning's K_and_K_preprocess.py (kk.md §6.1).
	wantRL := "<|im_start|>system\nPlease reason step by step, and put your final answer within \\boxed{}.<|im_end|>\n" +
		"<|im_start|>user\nQUIZ<|im_end|>\n<|im_start|>assistant\n"
	if got := Qwen.RL("QUIZ"); got != wantRL {
		t.Errorf("Qwen.RL:\n got %q\nwant %q", got, wantRL)
	}
	if got := Qwen.SFT("QUIZ"); got != strings.TrimSuffix(wantRL, "\n") {
		t.Errorf("Qwen.SFT = %q, want the RL prompt without its final newline", got)
	}
	// SFT prompt + a response starting with "\n" is the RL prompt + the rest.
	if Qwen.SFT("Q")+"\nabc" != Qwen.RL("Q")+"abc" {
		t.Error("SFT prompt + \\n-response differs from RL prompt + response")
	}
}

func TestBaseTemplate(t *testing.T) {
	want := "Question:\nQUIZ\nAnswer:\nLet's think step by step."
	if got := Base.RL("QUIZ"); got != want {
		t.Errorf("Base.RL = %q, want %q", got, want)
	}
	if Base.SFT("QUIZ") != want {
		t.Error("Base.SFT differs from Base.RL")
	}
}

func TestParseTemplate(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Template
		wantErr bool
	}{{"qwen", Qwen, false}, {"base", Base, false}, {"llama", "", true}, {"", "", true}} {
		got, err := ParseTemplate(tc.in)
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("ParseTemplate(%q) = %q, %v", tc.in, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), tc.in) {
			t.Errorf("error %q does not name the input", err)
		}
	}
}
