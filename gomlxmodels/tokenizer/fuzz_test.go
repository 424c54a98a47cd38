package tokenizer

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/r1lab/r1lab/datasets/arith"
	"github.com/r1lab/r1lab/datasets/kk"
	"github.com/r1lab/r1lab/datasets/prompt"
)

// FuzzRoundTrip checks, for any text, that Encode never panics; that text it
// accepts decodes back exactly (also lossily, when it holds no Pad); and
// that a rejection names a piece that is really at the reported offset,
// with the ids returned so far decoding to the text before it.
func FuzzRoundTrip(f *testing.F) {
	tok := forTasks(f)
	p := kk.Generate(1234, 3, 1)[0]
	long, _ := p.LongCoTResponse(kk.DefaultTeacher)
	ap, _ := arith.Generate(1234, 3, 1)
	for _, seed := range []string{
		"", " ", "  ", "\n", "a", "<pad>", "<|im_end", "<<|im_end|>", " <|endoftext|>", "\\boxed", " \\boxed{1}",
		"\xff", "é", "Zoey is a knightx", "12 * (-3) = -36.",
		prompt.Qwen.RL(p.UserMessage()), p.ShortCoTResponse(), long,
		prompt.Base.RL(ap[0].Question), ap[0].LongCoT(1),
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		ids, err := tok.Encode(text)
		if err != nil {
			var uw *UnknownWordError
			if !errors.As(err, &uw) {
				t.Fatalf("Encode(%q) error %v is not an *UnknownWordError", text, err)
			}
			if uw.Word == "" || uw.Offset < 0 || !strings.HasPrefix(text[uw.Offset:], uw.Word) {
				t.Fatalf("Encode(%q): word %q at offset %d is not in the text", text, uw.Word, uw.Offset)
			}
			if before, derr := tok.Decode(ids); derr != nil || before != text[:uw.Offset] {
				t.Fatalf("Encode(%q): ids before the error decode to %q, %v; want %q", text, before, derr, text[:uw.Offset])
			}
			return
		}
		got, err := tok.Decode(ids)
		if err != nil || got != text {
			t.Fatalf("Decode(Encode(%q)) = %q, %v", text, got, err)
		}
		if !slices.Contains(ids, tok.PadID()) {
			if lossy := tok.DecodeLossy(ids); lossy != text {
				t.Fatalf("DecodeLossy(Encode(%q)) = %q", text, lossy)
			}
		}
	})
}
