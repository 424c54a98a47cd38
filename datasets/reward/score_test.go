package reward

import (
	"math"
	"strings"
	"testing"
)

func TestEndsWithEOS(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"", false},
		{EndOfText, true},
		{ImEnd, true},
		{"answer" + EndOfText, true},
		{"answer" + ImEnd, true},
		{"answer" + EndOfText + " ", false},
		{"answer" + EndOfText + "\n", false},
		{"answer<|endoftext|", false},
		{"<|eot_id|>", false}, // Llama's EOS is not one the paper's K&K reward accepts
	}
	for _, tc := range tests {
		if got := EndsWithEOS(tc.text); got != tc.want {
			t.Errorf("EndsWithEOS(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

func TestBinaryAndString(t *testing.T) {
	if s := Binary(true); s.Value != 1 || !s.Correct || s.String() != "1 (correct)" {
		t.Errorf("Binary(true) = %+v %q", s, s)
	}
	if s := Binary(false); s.Value != 0 || s.Correct || s.String() != "0 (wrong)" {
		t.Errorf("Binary(false) = %+v %q", s, s)
	}
	if s := (Score{Value: -0.5}).String(); !strings.HasPrefix(s, "-0.5 ") {
		t.Errorf("String of -0.5 = %q", s)
	}
}

func TestMean(t *testing.T) {
	tests := []struct {
		name         string
		scores       []Score
		value, accur float64
	}{
		{"empty", nil, 0, 0},
		{"binary", []Score{Binary(true), Binary(false), Binary(true), Binary(true)}, 0.75, 0.75},
		{"logic-rl", []Score{{3, true}, {-0.5, false}, {-1, false}, {-3, false}}, -0.375, 0.25},
	}
	for _, tc := range tests {
		v, a := Mean(tc.scores)
		if math.Abs(v-tc.value) > 1e-12 || math.Abs(a-tc.accur) > 1e-12 {
			t.Errorf("%s: Mean = %v, %v, want %v, %v", tc.name, v, a, tc.value, tc.accur)
		}
	}
}
