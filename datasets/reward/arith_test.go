package reward

import (
	"strconv"
	"strings"
	"testing"
)

func TestParseInteger(t *testing.T) {
	tests := []struct {
		in   string
		want int64
	}{
		{"42", 42},
		{"-42", -42},
		{"+42", 42},
		{" 42 ", 42},
		{"\t42\n", 42},
		{"42.", 42},
		{"$42$", 42},
		{`\$42`, 42},
		{"$ -7 $.", -7},
		{"\u22127", -7}, // U+2212 minus sign
		{"1,000", 1000},
		{"-12,345,678", -12345678},
		{`1\,000`, 1000},
		{"1{,}000", 1000},
		{"007", 7},
		{"-0", 0},
		{`\frac{6}{3}`, 2},
		{`\dfrac{-6}{3}`, -2},
		{`-\frac{6}{3}`, -2},
		{`-\tfrac{6}{-3}`, 2},
		{`\frac{ 10 }{ 5 }`, 2},
		{"6/3", 2},
		{"-6 / 3", -2},
		{"0/5", 0},
		{"9223372036854775807", 9223372036854775807},
		{"-9223372036854775808", -9223372036854775808},
		{"-9,223,372,036,854,775,808", -9223372036854775808},
	}
	for _, tc := range tests {
		got, err := ParseInteger(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseInteger(%q) = %d, %v, want %d", tc.in, got, err, tc.want)
		}
	}
}

func TestParseIntegerErrors(t *testing.T) {
	tests := []struct{ in, why string }{
		{"", "no digits"},
		{"$$", "no digits"},
		{"+", "no digits"},
		{"--5", "unexpected character"},
		{"+-5", "unexpected character"},
		{"1,00", "thousands separator"},
		{"1, 2", "thousands separator"},
		{",123", "thousands separator"},
		{"1,0000", "thousands separator"},
		{"5.0", "unexpected character"},
		{"1e3", "unexpected character"},
		{"0x10", "unexpected character"},
		{"١٢", "unexpected character"}, // Arabic-Indic digits
		{"5..", "unexpected character"},
		{"x = 5", "unexpected character"},
		{`\frac{1}{2}`, "not an integer"},
		{"7/2", "not an integer"},
		{"1/0", "division by zero"},
		{`\frac{1}{0}`, "division by zero"},
		{"1/2/3", "denominator"},
		{`\frac{a}{2}`, "numerator"},
		{`\frac{\frac{4}{2}}{2}`, "unexpected character"},
		{"9223372036854775808", "overflows"},
		{"-9223372036854775808/-1", "overflows"},
		{`-\frac{-9223372036854775808}{1}`, "overflows"},
	}
	for _, tc := range tests {
		got, err := ParseInteger(tc.in)
		if err == nil {
			t.Errorf("ParseInteger(%q) = %d, want an error", tc.in, got)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, strconv.Quote(tc.in)) {
			t.Errorf("ParseInteger(%q) error %q does not quote the input", tc.in, msg)
		}
		if !strings.Contains(msg, tc.why) {
			t.Errorf("ParseInteger(%q) error %q does not say %q", tc.in, msg, tc.why)
		}
	}
}

func TestArith(t *testing.T) {
	const prompt = headQwen + "Compute the value of 3 * (4 + 5) * 38.<|im_end|>\n<|im_start|>assistant\n"
	tests := []struct {
		name, response, gt string
		want               float64
	}{
		{"exact", `4 + 5 = 9. The final answer is: \boxed{1026}.` + EndOfText, "1026", 1},
		{"im_end", `\boxed{1026}` + ImEnd, "1026", 1},
		{"truncated", `\boxed{1026}`, "1026", 0},
		{"EOS followed by a space", `\boxed{1026}` + EndOfText + " ", "1026", 0},
		{"thousands separator", `\boxed{1,026}` + EndOfText, "1026", 1},
		{"dollars and period", `\boxed{$1026$.}` + EndOfText, "1026", 1},
		{"fraction", `\boxed{\frac{2052}{2}}` + EndOfText, "1026", 1},
		{"non-integer fraction", `\boxed{\frac{2053}{2}}` + EndOfText, "1026", 0},
		{"wrong", `\boxed{1025}` + EndOfText, "1026", 0},
		{"no box: the prompt's empty box is last", "1026" + EndOfText, "1026", 0},
		{"last box counts", `\boxed{1026} or \boxed{1025}` + EndOfText, "1026", 0},
		{"wrong, then right", `\boxed{1025} no, \boxed{1026}` + EndOfText, "1026", 1},
		{"unbalanced last box is skipped", `\boxed{1026} \boxed{1025` + EndOfText, "1026", 1},
		{"nested box is not unwrapped", `\boxed{\boxed{1026}}` + EndOfText, "1026", 0},
		{"negative with unicode minus", "\\boxed{\u22125}" + EndOfText, "-5", 1},
		{"exact string match needs no parse", `\boxed{x+1}` + EndOfText, "x+1", 1},
		{"unparseable ground truth", `\boxed{5}` + EndOfText, "five", 0},
		{"empty box, empty ground truth", `\boxed{}` + EndOfText, "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Arith(prompt+tc.response, tc.gt)
			if got.Value != tc.want || got.Correct != (tc.want == 1) {
				t.Errorf("Arith = %v, want %v", got, tc.want)
			}
			// Without the EOS requirement only the EOS rows change.
			noEOS := ArithNoEOS(prompt+tc.response, tc.gt)
			if EndsWithEOS(tc.response) && noEOS != got {
				t.Errorf("ArithNoEOS = %v, differs from Arith on an EOS-terminated text", noEOS)
			}
		})
	}
	if got := ArithNoEOS(`\boxed{1,026}`, "1026"); got.Value != 1 {
		t.Errorf("ArithNoEOS without EOS = %v, want 1", got)
	}
}
