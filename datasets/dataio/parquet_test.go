package dataio

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// unicodeText mixes multi-byte scripts, an emoji with a variation selector,
// and chat-template tokens, which is what real prompts contain.
const unicodeText = "Ünïcödé 骑士与无赖 🗡️ <|im_start|>user\n\"quotes\" and 'apostrophes'\t<|endoftext|>"

// rlRows returns n distinct RL rows; levels cycle 2..8 like K&K's people
// counts.
func rlRows(n int) []RLRow {
	rows := make([]RLRow, n)
	for i := range rows {
		rows[i] = NewRLRow(fmt.Sprintf("%s #%d", unicodeText, i), fmt.Sprintf("(1) Person%d is a knight", i),
			"kk", SplitTrain, int64(i), int64(2+i%7))
	}
	return rows
}

func sftRows(n int) []SFTRow {
	rows := make([]SFTRow, n)
	for i := range rows {
		rows[i] = SFTRow{ID: int64(i), Prompt: fmt.Sprintf("%s #%d", unicodeText, i),
			Response: fmt.Sprintf("<think>step %d</think> answer<|endoftext|>", i),
			GtAnswer: fmt.Sprint(i * i), Level: int64(1 + i%5), DataSource: "arith"}
	}
	return rows
}

func evalRows(n int) []EvalRow {
	rows := make([]EvalRow, n)
	for i := range rows {
		rows[i] = EvalRow{Prompt: fmt.Sprintf("%s #%d", unicodeText, i), DataSource: "kk",
			ExtraInfo: EvalExtra{GtAnswer: fmt.Sprint("gt", i), Index: int64(i), Level: int64(3 + i%5)}}
	}
	return rows
}

// roundTrip writes rows with write, reads them back with read and checks
// they are equal.
func roundTrip[T any](t *testing.T, rows []T, write func(string, []T) error, read func(string) ([]T, error)) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sub", "dir", "rows.parquet") // parents must be created
	if err := write(path, rows); err != nil {
		t.Fatalf("write: %v", err)
	}
	got, err := read(path)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	if len(got) != len(rows) {
		t.Fatalf("read %d rows, wrote %d", len(got), len(rows))
	}
	for i := range rows {
		if !reflect.DeepEqual(got[i], rows[i]) {
			t.Fatalf("row %d:\n got %+v\nwant %+v", i, got[i], rows[i])
		}
	}
}

func TestRoundTripRL(t *testing.T) {
	tests := []struct {
		name string
		rows []RLRow
	}{
		{"no rows", nil},
		{"one row", rlRows(1)},
		{"empty strings", []RLRow{{Prompt: []Message{{}}}}},
		{"multi-message prompt", []RLRow{{Prompt: []Message{{Content: "sys", Role: "system"}, {Content: unicodeText, Role: RoleUser}},
			DataSource: "kk", ExtraInfo: ExtraInfo{Index: -1, Level: 1 << 40}}}},
		{"large values", []RLRow{NewRLRow(strings.Repeat(unicodeText, 2000), "gt", "kk", SplitTest, 1<<62, -(1 << 62))}},
		// More rows than readBatchRows, so reading goes through several batches.
		{"many rows", rlRows(readBatchRows + 1234)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { roundTrip(t, tc.rows, WriteRL, ReadRL) })
	}
}

func TestRoundTripSFT(t *testing.T) {
	tests := []struct {
		name string
		rows []SFTRow
	}{
		{"no rows", nil},
		{"empty strings", []SFTRow{{}}},
		{"unicode", sftRows(3)},
		{"many rows", sftRows(5000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { roundTrip(t, tc.rows, WriteSFT, ReadSFT) })
	}
}

func TestRoundTripEval(t *testing.T) {
	tests := []struct {
		name string
		rows []EvalRow
	}{
		{"no rows", nil},
		{"empty strings", []EvalRow{{}}},
		{"unicode", evalRows(3)},
		{"many rows", evalRows(5000)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { roundTrip(t, tc.rows, WriteEval, ReadEval) })
	}
}

// Test row types that share RLRow's column names but break its schema in one
// place each.
type (
	extraNoLevel struct {
		Index  int64  `parquet:"index"`
		Split  string `parquet:"split"`
		Answer string `parquet:"answer"`
	}
	rlNoLevel struct {
		Prompt     []Message    `parquet:"prompt,list"`
		DataSource string       `parquet:"data_source"`
		Ability    string       `parquet:"ability"`
		Reward     RewardSpec   `parquet:"reward_model"`
		ExtraInfo  extraNoLevel `parquet:"extra_info"`
	}
	extraStringLevel struct {
		Index int64  `parquet:"index"`
		Level string `parquet:"level"`
	}
	rlStringLevel struct {
		Prompt     []Message        `parquet:"prompt,list"`
		DataSource string           `parquet:"data_source"`
		Ability    string           `parquet:"ability"`
		Reward     RewardSpec       `parquet:"reward_model"`
		ExtraInfo  extraStringLevel `parquet:"extra_info"`
	}
	evalIntSource struct {
		Prompt     string `parquet:"prompt"`
		DataSource int64  `parquet:"data_source"`
	}
	intRoleMessage struct {
		Content string `parquet:"content"`
		Role    int64  `parquet:"role"`
	}
	rlIntRole struct {
		Prompt []intRoleMessage `parquet:"prompt,list"`
	}
	// A bare Go slice without the ",list" tag is Parquet's legacy repeated
	// group, not a LIST.
	rlLegacyList struct {
		Prompt []Message `parquet:"prompt"`
	}
	rlGroupSource struct {
		Prompt     []Message  `parquet:"prompt,list"`
		DataSource RewardSpec `parquet:"data_source"`
	}
	// rlWithExtras has every RLRow column plus deep-reasoning's duplicate
	// top-level columns and an extra struct field.
	extraWithMore struct {
		Index    int64   `parquet:"index"`
		Level    int64   `parquet:"level"`
		Split    string  `parquet:"split"`
		Answer   string  `parquet:"answer"`
		Question string  `parquet:"question"`
		Weight   float64 `parquet:"weight"`
	}
	rlWithExtras struct {
		Prompt     []Message     `parquet:"prompt,list"`
		Answer     string        `parquet:"answer"`
		DataSource string        `parquet:"data_source"`
		Ability    string        `parquet:"ability"`
		Reward     RewardSpec    `parquet:"reward_model"`
		ExtraInfo  extraWithMore `parquet:"extra_info"`
		Target     string        `parquet:"target"`
	}
	// optionalStyle marks reward_model.style optional, as DuckDB and pandas
	// mark every column.
	optionalReward struct {
		GroundTruth string  `parquet:"ground_truth"`
		Style       *string `parquet:"style,optional"`
	}
	rlOptionalStyle struct {
		Prompt     []Message      `parquet:"prompt,list"`
		DataSource string         `parquet:"data_source"`
		Ability    string         `parquet:"ability"`
		Reward     optionalReward `parquet:"reward_model"`
		ExtraInfo  ExtraInfo      `parquet:"extra_info"`
	}
)

// writeAs writes rows of an arbitrary test type and returns the path.
func writeAs[T any](t *testing.T, name string, rows []T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := Write(path, rows); err != nil {
		t.Fatalf("write %s: %v", name, err)
	}
	return path
}

func TestReadSchemaMismatch(t *testing.T) {
	tests := []struct {
		name string
		path func(t *testing.T) string
		read func(string) error
		// want are substrings of the error after the file name.
		want []string
	}{
		{"missing nested column",
			func(t *testing.T) string { return writeAs(t, "a.parquet", []rlNoLevel{{}}) },
			func(p string) error { _, err := ReadRL(p); return err },
			[]string{`column "extra_info.level": missing from file`}},
		{"missing top-level column",
			func(t *testing.T) string { return writeAs(t, "a.parquet", []rlIntRole{{}}) },
			func(p string) error { _, err := ReadSFT(p); return err },
			[]string{`column "id": missing from file`}},
		{"nested wrong type",
			func(t *testing.T) string { return writeAs(t, "a.parquet", []rlStringLevel{{}}) },
			func(p string) error { _, err := ReadRL(p); return err },
			[]string{`column "extra_info.level": file has BYTE_ARRAY (STRING), want INT64`}},
		{"top-level wrong type",
			func(t *testing.T) string { return writeAs(t, "a.parquet", []evalIntSource{{}}) },
			func(p string) error { _, err := ReadEval(p); return err },
			[]string{`column "data_source": file has INT64, want BYTE_ARRAY (STRING)`}},
		{"wrong type inside list element",
			func(t *testing.T) string { return writeAs(t, "a.parquet", []rlIntRole{{}}) },
			func(p string) error { _, err := ReadRL(p); return err },
			[]string{`column "prompt.list.element.role": file has INT64, want BYTE_ARRAY (STRING)`}},
		{"list where a string is wanted (RL file read as eval)",
			func(t *testing.T) string { return writeAs(t, "a.parquet", rlRows(2)) },
			func(p string) error { _, err := ReadEval(p); return err },
			[]string{`column "prompt": file has LIST, want BYTE_ARRAY (STRING)`}},
		{"legacy repeated group instead of LIST",
			func(t *testing.T) string { return writeAs(t, "a.parquet", []rlLegacyList{{}}) },
			func(p string) error { _, err := ReadRL(p); return err },
			[]string{`column "prompt": file has repeated group, want LIST`}},
		{"group where a string is wanted",
			func(t *testing.T) string { return writeAs(t, "a.parquet", []rlGroupSource{{}}) },
			func(p string) error { _, err := ReadRL(p); return err },
			[]string{`column "data_source": file has group, want BYTE_ARRAY (STRING)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path(t)
			err := tc.read(path)
			if err == nil {
				t.Fatal("read succeeded, want a schema error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "read "+path+": ") {
				t.Errorf("error %q does not start with the file name %q", msg, path)
			}
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("error %q does not contain %q", msg, w)
				}
			}
		})
	}
}

// listGroup annotates a plain group as a Parquet LIST, so a test can build a
// list whose inner names differ from the spec's "list"/"element".
type listGroup struct{ parquet.Node }

func (listGroup) Type() parquet.Type { return parquet.List(parquet.String()).Type() }

// Old pyarrow writes lists as "list.item". parquet-go matches columns by path
// and would silently read such a prompt as an empty list (DuckDB reads it
// fine), so Read must refuse the layout by name.
func TestReadRejectsListItemLayout(t *testing.T) {
	schema := parquet.NewSchema("old_pyarrow", parquet.Group{
		"prompt": listGroup{parquet.Group{"list": parquet.Repeated(parquet.Group{
			"item": parquet.Group{"content": parquet.String(), "role": parquet.String()}})}},
	})
	path := filepath.Join(t.TempDir(), "item.parquet")
	err := WriteAtomic(path, func(w io.Writer) error {
		pw := parquet.NewWriter(w, schema)
		if err := pw.Write(map[string]any{"prompt": []any{map[string]any{"content": "hello", "role": RoleUser}}}); err != nil {
			return err
		}
		return pw.Close()
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ReadRL(path)
	want := `read ` + path + `: column "prompt": LIST layout is "list.item", want "list.element"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want prefix %q", err, want)
	}
}

// Extra columns, in the file and inside structs, are ignored, as they are in
// deep-reasoning's RL files (answer, gt_answer, target).
func TestReadIgnoresExtraColumns(t *testing.T) {
	rows := []rlWithExtras{{Prompt: []Message{{Content: "p", Role: RoleUser}}, Answer: "a", DataSource: "kk",
		Ability: AbilityMath, Reward: RewardSpec{GroundTruth: "a", Style: StyleRule},
		ExtraInfo: extraWithMore{Index: 4, Level: 5, Split: SplitTest, Answer: "a", Weight: 0.5}, Target: "a"}}
	got, err := ReadRL(writeAs(t, "extra.parquet", rows))
	if err != nil {
		t.Fatal(err)
	}
	want := []RLRow{{Prompt: rows[0].Prompt, DataSource: "kk", Ability: AbilityMath, RewardModel: rows[0].Reward,
		ExtraInfo: ExtraInfo{Index: 4, Level: 5, Split: SplitTest, Answer: "a"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

// An optional column is accepted for a required field; null reads as "".
func TestReadOptionalColumn(t *testing.T) {
	rule := StyleRule
	rows := []rlOptionalStyle{
		{DataSource: "a", Reward: optionalReward{GroundTruth: "x", Style: &rule}, ExtraInfo: ExtraInfo{Level: 1}},
		{DataSource: "b", Reward: optionalReward{GroundTruth: "y"}, ExtraInfo: ExtraInfo{Level: 2}},
	}
	got, err := ReadRL(writeAs(t, "opt.parquet", rows))
	if err != nil {
		t.Fatal(err)
	}
	want := []RewardSpec{{GroundTruth: "x", Style: StyleRule}, {GroundTruth: "y"}}
	for i := range want {
		if got[i].RewardModel != want[i] || got[i].ExtraInfo.Level != int64(i+1) {
			t.Errorf("row %d = %+v, want reward %+v level %d", i, got[i], want[i], i+1)
		}
	}
}

func TestReadBadFile(t *testing.T) {
	good := writeAs(t, "good.parquet", rlRows(50))
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		content []byte // nil: do not create the file
		want    string
	}{
		{"missing file", nil, "no such file"},
		{"empty file", []byte{}, "not a readable Parquet file"},
		{"text file", []byte("index,level\n1,2\n3,4\n"), "not a readable Parquet file"},
		{"truncated to half", data[:len(data)/2], "not a readable Parquet file"},
		{"tail cut by one byte", data[:len(data)-1], "not a readable Parquet file"},
		{"footer length corrupted", corruptFooterLength(data), "exceeds the file size"},
		{"garbage with Parquet magic", append(append([]byte("PAR1"), []byte(strings.Repeat("x", 100))...), []byte("\x10\x00\x00\x00PAR1")...),
			"not a readable Parquet file"},
		{"data pages overwritten", overwriteMiddle(data), ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.parquet")
			if tc.content != nil {
				if err := os.WriteFile(path, tc.content, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			_, err := ReadRL(path)
			if err == nil {
				t.Fatal("read succeeded, want an error")
			}
			t.Logf("error: %v", err)
			if !strings.HasPrefix(err.Error(), "read "+path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q: want prefix %q and %q", err, "read "+path+": ", tc.want)
			}
		})
	}
}

// corruptFooterLength makes the footer claim to be larger than the file.
func corruptFooterLength(data []byte) []byte {
	c := append([]byte(nil), data...)
	copy(c[len(c)-8:], []byte{0xff, 0xff, 0xff, 0x7f})
	return c
}

// overwriteMiddle keeps header and footer but fills the column data with
// garbage, so the file opens but its pages cannot be decoded.
func overwriteMiddle(data []byte) []byte {
	c := append([]byte(nil), data...)
	for i := 4; i < len(c)/2; i++ {
		c[i] = byte(i * 7)
	}
	return c
}

func TestWriteRejectsInvalidUTF8(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.parquet")
	rows := rlRows(3)
	rows[2].Prompt[0].Content = "ok \xe9\x80" // a cut 3-byte sequence
	err := WriteRL(path, rows)
	if err == nil {
		t.Fatal("write succeeded, want an error")
	}
	for _, w := range []string{path, "row 2", `column "prompt.list.element.content"`, "invalid UTF-8"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
	if _, statErr := os.Stat(path); !os.IsNotExist(statErr) {
		t.Errorf("a failed write left %s behind (stat: %v)", path, statErr)
	}
}

func TestNonStructRowType(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.parquet")
	if err := Write(path, []int{1, 2}); err == nil || !strings.Contains(err.Error(), "not a struct") {
		t.Errorf("Write[int] error = %v, want 'not a struct'", err)
	}
	if _, err := Read[string](path); err == nil || !strings.Contains(err.Error(), "not a struct") {
		t.Errorf("Read[string] error = %v, want 'not a struct'", err)
	}
}
