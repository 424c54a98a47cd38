package kk

import (
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// goldenPath is the public data (Logic-RL's parquet = mem-kk train rows
// 100..1099 for 3..7 people), copied from shared/kk for the golden test.
const goldenPath = "testdata/golden_memkk_seed1234_3to7ppl.jsonl.gz"

// goldenRow is one row of the golden file.
type goldenRow struct {
	NPeople            int      `json:"n_people"`
	LogicRLSplit       string   `json:"logicrl_split"`
	Index              int      `json:"index"`
	Names              []string `json:"names"`
	Solution           []bool   `json:"solution"`
	Statements         string   `json:"statements"`
	Quiz               string   `json:"quiz"`
	SolutionText       string   `json:"solution_text"`
	SolutionTextFormat string   `json:"solution_text_format"`
	CoTHead            string   `json:"cot_head"`
	CoTRepeatSteps     []string `json:"cot_repeat_steps"`
	CoTFoot            string   `json:"cot_foot"`
}

func readGolden(t *testing.T) []goldenRow {
	t.Helper()
	f, err := os.Open(goldenPath)
	if err != nil {
		t.Fatalf("golden file: %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", goldenPath, err)
	}
	var rows []goldenRow
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for line := 1; sc.Scan(); line++ {
		var r goldenRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("%s line %d: %v", goldenPath, line, err)
		}
		rows = append(rows, r)
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("%s: %v", goldenPath, err)
	}
	return rows
}

// TestGolden regenerates mem-kk's runs for 3..7 people and compares every
// field of every public row.
func TestGolden(t *testing.T) {
	rows := readGolden(t)
	if len(rows) != 5000 {
		t.Fatalf("%s has %d rows, want 5000", goldenPath, len(rows))
	}
	runs := map[int][]Puzzle{}
	for n := 3; n <= 7; n++ {
		runs[n] = Generate(1234, n, 1100)
		if len(runs[n]) != 1100 {
			t.Fatalf("Generate(1234, %d, 1100) returned %d puzzles", n, len(runs[n]))
		}
	}
	bad := 0
	for _, r := range rows {
		p := runs[r.NPeople][r.Index]
		field, got, want := firstDiff(p, r)
		if field == "" {
			continue
		}
		bad++
		if bad <= 3 {
			t.Errorf("n=%d index=%d: field %s differs\n got: %s\nwant: %s", r.NPeople, r.Index, field, got, want)
		}
	}
	if bad > 0 {
		t.Fatalf("%d of %d golden rows differ", bad, len(rows))
	}
}

// firstDiff returns the first field where p differs from the golden row, or "".
func firstDiff(p Puzzle, r goldenRow) (field, got, want string) {
	checks := []struct{ field, got, want string }{
		{"index", itoa(p.Index), itoa(r.Index)},
		{"n_people", itoa(p.People()), itoa(r.NPeople)},
		{"names", strings.Join(p.Names, ","), strings.Join(r.Names, ",")},
		{"solution", boolsString(p.Solution), boolsString(r.Solution)},
		{"statements", p.StatementsRepr(), r.Statements},
		{"quiz", p.Quiz, r.Quiz},
		{"solution_text", p.SolutionText(), r.SolutionText},
		{"solution_text_format", p.SolutionTextFormat(), r.SolutionTextFormat},
		{"cot_head", CoTHead, r.CoTHead},
		{"cot_foot", CoTFoot, r.CoTFoot},
		{"cot_repeat_steps", strings.Join(p.CoTSteps, "\n"), strings.Join(r.CoTRepeatSteps, "\n")},
	}
	for _, c := range checks {
		if c.got != c.want {
			return c.field, c.got, c.want
		}
	}
	if !slices.Equal(p.CoTSteps, r.CoTRepeatSteps) { // a step containing "\n" would hide in the join
		return "cot_repeat_steps", strings.Join(p.CoTSteps, "|"), strings.Join(r.CoTRepeatSteps, "|")
	}
	return "", "", ""
}

func boolsString(b []bool) string {
	var s strings.Builder
	for _, v := range b {
		if v {
			s.WriteByte('T')
		} else {
			s.WriteByte('F')
		}
	}
	return s.String()
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestRunDigests checks whole runs, indices 0..N-1 including those not in the
// public files, against the SHA-256 digests of the verified Python port
// (kk.md §12).
func TestRunDigests(t *testing.T) {
	tests := []struct {
		n, count  int
		q, s, c   string
		lastNames string
	}{
		{2, 300, "fc80d11d63da2ab0", "b69e42debb4e50d9", "05db695cd66364e8", "Jacob, Olivia"},
		{3, 1100, "683f4e31bc0b2421", "f51e81f9ebb51b63", "6206a719a176e714", "Henry, Sofia, Oliver"},
		{4, 1100, "3da64bcae25b2ddc", "deb7ee2b7c86c67b", "a72d9dfd17ea1473", "Jacob, Zoey, Henry, David"},
		{5, 1100, "af2098a325e46376", "1f471180a0bcf98a", "a7487c7450d01493", "David, Luke, Aurora, Jacob, Henry"},
		{6, 1100, "7f25eab536d98207", "9d945578ea7c7dab", "06ed639356605889", "Luke, Harper, Liam, Lily, Elizabeth, Aurora"},
		{7, 1100, "59f02c4fa0f1e271", "8055d391941f4ef8", "15236b00b19361ad", "Joseph, Evelyn, Liam, Harper, Lily, Elizabeth, Luke"},
		{8, 1100, "8f46b3131e99aee7", "19e6524d411ef9fd", "739af23fb42435c4", "Evelyn, Aria, Daniel, Joseph, Penelope, Harper, Liam, Lily"},
	}
	for _, tc := range tests {
		ps := Generate(1234, tc.n, tc.count)
		if len(ps) != tc.count {
			t.Errorf("n=%d: %d puzzles, want %d", tc.n, len(ps), tc.count)
			continue
		}
		hq, hs, hc := sha256.New(), sha256.New(), sha256.New()
		for _, p := range ps {
			hq.Write([]byte(p.Quiz + "\n"))
			hs.Write([]byte(p.StatementsRepr() + "\n"))
			hc.Write([]byte(strings.Join(p.CoTSteps, " ") + "\n"))
		}
		got := [3]string{digest16(hq.Sum(nil)), digest16(hs.Sum(nil)), digest16(hc.Sum(nil))}
		if want := [3]string{tc.q, tc.s, tc.c}; got != want {
			t.Errorf("n=%d: digests Q,S,C = %v, want %v", tc.n, got, want)
		}
		if got := strings.Join(ps[len(ps)-1].Names, ", "); got != tc.lastNames {
			t.Errorf("n=%d: last names %q, want %q", tc.n, got, tc.lastNames)
		}
	}
}

func digest16(sum []byte) string { return hex.EncodeToString(sum)[:16] }
