package reward

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"os"
	"testing"
)

// pyrefCase is one line of testdata/pyref/cases.jsonl.gz: a text scored by
// the Python transcription in testdata/pyref/pyref.py (Python's own re, so
// Unicode \b, \s and IGNORECASE, and the original's falsy-dict quirks).
type pyrefCase struct {
	Text      string  `json:"text"`
	GT        string  `json:"gt"`
	STF       string  `json:"stf"`
	KK        float64 `json:"kk"`
	KKNoEOS   float64 `json:"kk_noeos"`
	V1        float64 `json:"v1"`
	V1Correct bool    `json:"v1_correct"`
	V2        float64 `json:"v2"`
	V2Correct bool    `json:"v2_correct"`
	Flat      *string `json:"flat"`
	Math      *string `json:"math"`
}

// TestAgainstPythonReference replays 1,000 generated cases (K&K boxes,
// Logic-RL answers and random soups of names, tags, boxes and the Unicode
// characters where RE2 and Python differ) and requires the same scores.
func TestAgainstPythonReference(t *testing.T) {
	f, err := os.Open("testdata/pyref/cases.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	n, mathCompared := 0, 0
	for sc.Scan() {
		n++
		var c pyrefCase
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("line %d: %v", n, err)
		}
		if got := KK(c.Text, c.GT); got.Value != c.KK || got.Correct != (c.KK > 0.5) {
			t.Errorf("line %d: KK = %v, Python %v; text %q gt %q", n, got, c.KK, c.Text, c.GT)
		}
		if got := KKNoEOS(c.Text, c.GT); got.Value != c.KKNoEOS {
			t.Errorf("line %d: KKNoEOS = %v, Python %v; text %q gt %q", n, got, c.KKNoEOS, c.Text, c.GT)
		}
		if got := LogicRL(c.Text, c.STF, LogicRLV1); got.Value != c.V1 || got.Correct != c.V1Correct {
			t.Errorf("line %d: LogicRL v1 = %v, Python %v %v; text %q stf %q", n, got, c.V1, c.V1Correct, c.Text, c.STF)
		}
		if got := LogicRL(c.Text, c.STF, LogicRLV2); got.Value != c.V2 || got.Correct != c.V2Correct {
			t.Errorf("line %d: LogicRL v2 = %v, Python %v %v; text %q stf %q", n, got, c.V2, c.V2Correct, c.Text, c.STF)
		}
		flat, ok := LastBoxedFlat(c.Text)
		if ok != (c.Flat != nil) || (ok && flat != *c.Flat) {
			t.Errorf("line %d: LastBoxedFlat = %q, %v, Python %v; text %q", n, flat, ok, c.Flat, c.Text)
		}
		// LastBoxed equals the MATH regex whenever no box nests deeper than
		// the regex's two levels; a global depth of 3 guarantees that.
		if maxBraceDepth(c.Text) <= 3 {
			mathCompared++
			box, ok := LastBoxed(c.Text)
			if ok != (c.Math != nil) || (ok && box != *c.Math) {
				t.Errorf("line %d: LastBoxed = %q, %v, Python MATH regex %v; text %q", n, box, ok, c.Math, c.Text)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n != 1000 || mathCompared < n/2 {
		t.Fatalf("read %d cases (%d compared with the MATH regex), want 1000 (at least half)", n, mathCompared)
	}
}
