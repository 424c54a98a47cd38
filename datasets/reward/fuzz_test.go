package reward

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Seeds shared by the text fuzzers: the shapes the rewards meet in practice.
var fuzzTexts = []string{
	"",
	kkPrompt + `\boxed{Zoey is a knave, Oliver is a knight}.` + EndOfText,
	kkPrompt + `\boxed{\text{Zoey}}` + ImEnd,
	logicRLPrompt + " x </think><answer> (1) Zoey is a knave\n(2) Oliver is a knight </answer>" + ImEnd,
	`\boxed{\frac{1}{2^{x^{2}}}} \boxed{1,024` + EndOfText,
	"Assistant: <think></think><answer>Jacké is a KNİGHT</answer>",
}

func FuzzKK(f *testing.F) {
	for _, s := range fuzzTexts {
		f.Add(s, kkGT)
	}
	f.Add(`\boxed{a, b}`+EndOfText, "b, a")
	f.Fuzz(func(t *testing.T, text, gt string) {
		got, noEOS := KK(text, gt), KKNoEOS(text, gt)
		for _, s := range []Score{got, noEOS} {
			if (s.Value != 0 && s.Value != 1) || s.Correct != (s.Value == 1) {
				t.Fatalf("score %+v is not a consistent 1/0", s)
			}
		}
		if want := EndsWithEOS(text) && noEOS.Correct; got.Correct != want {
			t.Fatalf("KK = %v, KKNoEOS = %v, EndsWithEOS = %v", got, noEOS, EndsWithEOS(text))
		}
		if strings.ContainsAny(gt, "{}") {
			return
		}
		// Appending the ground truth, its clauses reversed, as the last box
		// before an EOS must always score 1.
		parts := strings.Split(gt, kkSep)
		slices.Reverse(parts)
		boxed := text + `\boxed{` + strings.Join(parts, kkSep) + "}" + ImEnd
		if s := KK(boxed, gt); !s.Correct {
			t.Fatalf("KK(%q, %q) = %v after appending the reversed answer", boxed, gt, s)
		}
	})
}

// logicRLTotals are the totals each version can produce.
var logicRLTotals = map[LogicRLVersion][]float64{
	LogicRLV1: {3, 1, -0.5, -1},
	LogicRLV2: {3, -0.5, -1, -3},
}

func FuzzLogicRL(f *testing.F) {
	for _, s := range fuzzTexts {
		f.Add(s, "(1) Zoey is a knave\n(2) Oliver is a knight")
	}
	f.Add("Assistant:<think></think><answer>Jack is a knight</answer>", "(1) Jack is a knight\n(2) Jackson is a knave")
	f.Fuzz(func(t *testing.T, text, stf string) {
		v1, v2 := LogicRL(text, stf, LogicRLV1), LogicRL(text, stf, LogicRLV2)
		for v, s := range map[LogicRLVersion]Score{LogicRLV1: v1, LogicRLV2: v2} {
			if !slices.Contains(logicRLTotals[v], s.Value) {
				t.Fatalf("%v total %v is not one of %v", v, s.Value, logicRLTotals[v])
			}
			if s.Correct != (s.Value == 3) {
				t.Fatalf("%v: Correct=%v with total %v", v, s.Correct, s.Value)
			}
		}
		// Both versions share the format term: a V2 format failure (−3) is
		// a V1 format failure (−1), and V1's "format ok, no answer" (1) is
		// V2's −1.
		if v2.Value == -3 && v1.Value != -1 {
			t.Fatalf("v2 = -3 but v1 = %v", v1.Value)
		}
		if v1.Value == 1 && v2.Value != -1 {
			t.Fatalf("v1 = 1 but v2 = %v", v2.Value)
		}
	})
}

func FuzzArith(f *testing.F) {
	for _, s := range fuzzTexts {
		f.Add(s, "1024")
	}
	f.Add(`\boxed{\frac{-6}{3}}`+EndOfText, "-2")
	f.Fuzz(func(t *testing.T, text, gt string) {
		got, noEOS := Arith(text, gt), ArithNoEOS(text, gt)
		for _, s := range []Score{got, noEOS} {
			if (s.Value != 0 && s.Value != 1) || s.Correct != (s.Value == 1) {
				t.Fatalf("score %+v is not a consistent 1/0", s)
			}
		}
		if want := EndsWithEOS(text) && noEOS.Correct; got.Correct != want {
			t.Fatalf("Arith = %v, ArithNoEOS = %v, EndsWithEOS = %v", got, noEOS, EndsWithEOS(text))
		}
		v, err := ParseInteger(gt)
		if err != nil {
			return
		}
		// The canonical decimal form of the ground truth's value, boxed
		// last, is always accepted, whatever came before.
		boxed := text + `\boxed{` + strconv.FormatInt(v, 10) + "}" + EndOfText
		if s := Arith(boxed, gt); !s.Correct {
			t.Fatalf("Arith(%q, %q) = %v after appending the canonical answer", boxed, gt, s)
		}
	})
}

func FuzzLastBoxed(f *testing.F) {
	for _, s := range fuzzTexts {
		f.Add(s)
	}
	f.Add(`\boxed{\boxed{5}} \boxed{{}`)
	f.Fuzz(func(t *testing.T, text string) {
		flat, okFlat := LastBoxedFlat(text)
		wantFlat, wantOK := lastSubmatch(flatBoxRe, text)
		if flat != wantFlat || okFlat != wantOK {
			t.Fatalf("LastBoxedFlat(%q) = %q, %v; regex %q, %v", text, flat, okFlat, wantFlat, wantOK)
		}
		box, ok := LastBoxed(text)
		if nb, nok := naiveLastBoxed(text); box != nb || ok != nok {
			t.Fatalf("LastBoxed(%q) = %q, %v; oracle %q, %v", text, box, ok, nb, nok)
		}
		if !ok {
			return
		}
		// Re-boxed content is found again, alone and after anything.
		for _, s := range []string{boxOpen + box + "}", text + boxOpen + box + "}"} {
			if again, ok := LastBoxed(s); !ok || again != box {
				t.Fatalf("LastBoxed(%q) = %q, %v, want %q", s, again, ok, box)
			}
		}
	})
}

func FuzzParseInteger(f *testing.F) {
	for _, s := range []string{"42", "-1,000", `\frac{6}{3}`, "6/3", "$5$.", "\u22127", "9223372036854775807", "+", "1,00", `\dfrac{1}{0}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseInteger(s)
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(s)) {
				t.Fatalf("error %q does not quote the input %q", err, s)
			}
			return
		}
		// Equivalent spellings of the same value parse to it too.
		canon := strconv.FormatInt(v, 10)
		spellings := []string{canon, " $" + canon + "$. ", canon + "/1"}
		if v != math.MinInt64 {
			spellings = append(spellings, `-\frac{`+strconv.FormatInt(-v, 10)+"}{1}")
		}
		for _, sp := range spellings {
			if got, err := ParseInteger(sp); err != nil || got != v {
				t.Fatalf("ParseInteger(%q) = %d, %v; %q gave %d", sp, got, err, s, v)
			}
		}
	})
}
