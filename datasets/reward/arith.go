package reward

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Arith is the exact verifier of the toy ARITH domain (research/kk.md §10.1),
// shaped like deep-reasoning's MATH reward: text (decoded prompt+response)
// must end with EndOfText or ImEnd, and then ArithNoEOS decides.
func Arith(text, groundTruth string) Score {
	if !EndsWithEOS(text) {
		return Score{}
	}
	return ArithNoEOS(text, groundTruth)
}

// ArithNoEOS scores the last balanced box of text (LastBoxed) against the
// integer groundTruth, without the EOS test. An empty box (the prompt's own
// "\boxed{}") or no box scores 0. Content equal to groundTruth byte for byte
// scores 1, as the MATH reward's first test does; otherwise both sides go
// through ParseInteger and must give the same int64.
func ArithNoEOS(text, groundTruth string) Score {
	content, ok := LastBoxed(text)
	if !ok || content == "" {
		return Score{}
	}
	if content == groundTruth {
		return Binary(true)
	}
	got, err := ParseInteger(content)
	if err != nil {
		return Score{}
	}
	want, err := ParseInteger(groundTruth)
	if err != nil {
		return Score{}
	}
	return Binary(got == want)
}

// fracRe matches a whole \frac{a}{b} (also \dfrac, \tfrac) with an optional
// sign in front; a and b are flat.
var fracRe = regexp.MustCompile(`^([+-]?)\\[dt]?frac\{([^{}]*)\}\{([^{}]*)\}$`)

// groupedRe is a digit string with thousands separators: 1-3 digits, then
// groups of exactly three.
var groupedRe = regexp.MustCompile(`^[0-9]{1,3}(,[0-9]{3})+$`)

// ParseInteger reads a boxed answer the way the ARITH verifier normalises
// it, and returns its value:
//   - surrounding whitespace is trimmed and "\$" and "$" are dropped;
//   - the minus sign U+2212 "−" reads as "-";
//   - a trailing "." is dropped, and a leading "+" is accepted;
//   - "," and its LaTeX forms "\," and "{,}" are accepted only as thousands
//     separators ("1,000", "1\,000"; "1,00" is an error, so that a list like
//     "1, 2" is never read as 12);
//   - \frac{a}{b}, \dfrac, \tfrac and a/b are accepted when b divides a.
//
// Leading zeros are accepted ("007" is 7). Digits must be ASCII. Errors
// quote the input.
func ParseInteger(s string) (int64, error) {
	v, err := parseNormalised(normaliseInteger(s))
	if err != nil {
		return 0, fmt.Errorf("reward: cannot read %q as an integer: %w", s, err)
	}
	return v, nil
}

// normaliseInteger applies the textual clean-ups of ParseInteger.
func normaliseInteger(s string) string {
	s = strings.ReplaceAll(s, "\u2212", "-")
	s = strings.ReplaceAll(s, `\$`, "")
	s = strings.ReplaceAll(s, "$", "")
	s = strings.ReplaceAll(s, `\,`, ",")
	s = strings.ReplaceAll(s, "{,}", ",")
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ".")
	return strings.TrimSpace(s)
}

// parseNormalised parses a normalised answer: an integer or an exact
// fraction.
func parseNormalised(s string) (int64, error) {
	if m := fracRe.FindStringSubmatch(s); m != nil {
		v, err := parseFraction(m[2], m[3])
		if err != nil {
			return 0, err
		}
		if m[1] == "-" {
			if v == math.MinInt64 {
				return 0, errors.New("overflows int64")
			}
			v = -v
		}
		return v, nil
	}
	if num, den, ok := strings.Cut(s, "/"); ok {
		return parseFraction(num, den)
	}
	return parsePlainInteger(s)
}

// parseFraction returns num/den if den divides num exactly.
func parseFraction(num, den string) (int64, error) {
	a, err := parsePlainInteger(strings.TrimSpace(num))
	if err != nil {
		return 0, fmt.Errorf("numerator: %w", err)
	}
	b, err := parsePlainInteger(strings.TrimSpace(den))
	if err != nil {
		return 0, fmt.Errorf("denominator: %w", err)
	}
	switch {
	case b == 0:
		return 0, errors.New("division by zero")
	case a == math.MinInt64 && b == -1:
		return 0, errors.New("overflows int64")
	case a%b != 0:
		return 0, fmt.Errorf("%d/%d is not an integer", a, b)
	}
	return a / b, nil
}

// parsePlainInteger parses an optional sign followed by ASCII digits,
// optionally grouped by thousands separators.
func parsePlainInteger(s string) (int64, error) {
	sign, digits := "", s
	if digits != "" && (digits[0] == '+' || digits[0] == '-') {
		sign, digits = digits[:1], digits[1:]
	}
	if digits == "" {
		return 0, errors.New("no digits")
	}
	if strings.Contains(digits, ",") {
		if !groupedRe.MatchString(digits) {
			return 0, errors.New("misplaced thousands separator")
		}
		digits = strings.ReplaceAll(digits, ",", "")
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			r, _ := utf8.DecodeRuneInString(digits[i:])
			return 0, fmt.Errorf("unexpected character %q", r)
		}
	}
	// strconv sees the sign too, so that -9223372036854775808 fits.
	v, err := strconv.ParseInt(sign+digits, 10, 64)
	if err != nil {
		return 0, errors.New("overflows int64")
	}
	return v, nil
}
