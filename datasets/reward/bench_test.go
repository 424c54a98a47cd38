package reward

import (
	"strings"
	"testing"
)

// benchReasoning is ~4 KB of reasoning, the order of a toy model's response.
var benchReasoning = strings.Repeat("Assume Zoey is a knight. Then Oliver is a knave, so {x} holds. ", 64)

func BenchmarkKK(b *testing.B) {
	text := kkPrompt + benchReasoning + `\boxed{Oliver is a knight, Zoey is a knave}.` + EndOfText
	for b.Loop() {
		KK(text, kkGT)
	}
}

func BenchmarkLogicRL(b *testing.B) {
	const stf = "(1) Daniel is a knave\n(2) Jack is a knight\n(3) Benjamin is a knight\n(4) Jackson is a knave\n(5) Ella is a knight"
	text := logicRLPrompt + benchReasoning + "</think><answer>\n" + strings.ReplaceAll(stf, "(", "\n(") + "\n</answer>" + ImEnd
	for _, v := range []LogicRLVersion{LogicRLV1, LogicRLV2} {
		b.Run(v.String(), func(b *testing.B) {
			for b.Loop() {
				if s := LogicRL(text, stf, v); !s.Correct {
					b.Fatal(s)
				}
			}
		})
	}
}

func BenchmarkArith(b *testing.B) {
	text := headQwen + benchReasoning + `\boxed{\frac{2052}{2}}` + EndOfText
	for b.Loop() {
		Arith(text, "1026")
	}
}
