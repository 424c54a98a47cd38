package logs

import (
	"encoding/json"
	"testing"
)

// FuzzPaperLine checks that no replay-buffer line crashes the parser, and
// that a parsed line's prompt and response put together give its output.
func FuzzPaperLine(f *testing.F) {
	f.Add([]byte(`{"output": "<|im_start|>assistant\nx<|endoftext|>", "index": 1, "level": 3, "correctness": 1.0, "ground_truth": "g", "data_source": "kk"}`))
	f.Add([]byte(`{"output": "", "index": 1e3, "level": -2, "correctness": true, "ground_truth": "", "data_source": ""}`))
	f.Add([]byte(`{"index": "1"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, line []byte) {
		s, err := parsePaperLine(line)
		if err != nil {
			return
		}
		var obj struct{ Output string }
		if json.Unmarshal(line, &obj) != nil {
			t.Fatalf("parsed %q, which encoding/json rejects", line)
		}
		if s.Prompt+s.Response != obj.Output {
			t.Errorf("prompt+response %q != output %q", s.Prompt+s.Response, obj.Output)
		}
	})
}
