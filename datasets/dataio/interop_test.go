package dataio

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// duckdbVersion is the exact @duckdb/node-api version the interop test was
// written against; DuckDB's type spelling in DESCRIBE may change between
// releases.
const duckdbVersion = "1.5.6-r.1"

// duckDB runs testdata/duckdb_check.mjs, an independent Parquet reader and
// writer.
type duckDB struct {
	script, modules string
}

// findDuckDB locates node and @duckdb/node-api. The modules directory is
// $R1LAB_NODE_MODULES, else <repo>/.tools/node/node_modules. When either is
// missing the test is skipped, except under CI (CI set) or with
// R1LAB_REQUIRE_INTEROP=1, where a silently skipped interop test would hide a
// broken setup, so it fails.
func findDuckDB(t *testing.T) *duckDB {
	t.Helper()
	root := repoRoot(t)
	modules := os.Getenv("R1LAB_NODE_MODULES")
	if modules == "" {
		modules = filepath.Join(root, ".tools", "node", "node_modules")
	}
	install := fmt.Sprintf("npm install --prefix %s --save-exact @duckdb/node-api@%s",
		filepath.Join(root, ".tools", "node"), duckdbVersion)
	missing := ""
	if _, err := exec.LookPath("node"); err != nil {
		missing = "node is not on PATH (install Node.js ≥ 20), then run: " + install
	} else if _, err := os.Stat(filepath.Join(modules, "@duckdb", "node-api", "package.json")); err != nil {
		missing = fmt.Sprintf("@duckdb/node-api not found in %s; run: %s", modules, install)
	}
	if missing != "" {
		if os.Getenv("CI") != "" || os.Getenv("R1LAB_REQUIRE_INTEROP") == "1" {
			t.Fatal("interop test required (CI or R1LAB_REQUIRE_INTEROP=1): " + missing)
		}
		t.Skip(missing)
	}
	if pkg, err := os.ReadFile(filepath.Join(modules, "@duckdb", "node-api", "package.json")); err == nil {
		var meta struct{ Version string }
		if json.Unmarshal(pkg, &meta) == nil && meta.Version != duckdbVersion {
			t.Logf("@duckdb/node-api is %s, the test was written for %s", meta.Version, duckdbVersion)
		}
	}
	script, err := filepath.Abs(filepath.Join("testdata", "duckdb_check.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	return &duckDB{script: script, modules: modules}
}

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func (d *duckDB) run(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "node", append([]string{d.script}, args...)...)
	cmd.Env = append(os.Environ(), "R1LAB_NODE_MODULES="+d.modules)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("node %s %q: %v\n%s", filepath.Base(d.script), args, err, stderr.String())
	}
	return stdout.Bytes()
}

// duckReport is what duckdb_check.mjs prints for a file.
type duckReport struct {
	Describe []struct{ Name, Type string } `json:"describe"`
	Physical []struct {
		Name        string  `json:"name"`
		Type        *string `json:"type"`
		LogicalType *string `json:"logical_type"`
		Repetition  *string `json:"repetition"`
	} `json:"physical"`
	Compression []string `json:"compression"`
	RowCount    string   `json:"row_count"`
	LevelSum    *string  `json:"level_sum"`
	FirstPrompt *string  `json:"first_prompt"`
}

func (d *duckDB) describe(t *testing.T, path string) duckReport {
	t.Helper()
	var rep duckReport
	out := d.run(t, path)
	if err := json.Unmarshal(out, &rep); err != nil {
		t.Fatalf("parse duckdb output %q: %v", out, err)
	}
	return rep
}

// columns renders DESCRIBE as "name TYPE", without DuckDB's identifier quotes
// (it quotes names that are SQL keywords, like "role" and "level").
func (r duckReport) columns() []string {
	var cols []string
	for _, c := range r.Describe {
		cols = append(cols, c.Name+" "+strings.ReplaceAll(c.Type, `"`, ""))
	}
	return cols
}

func TestInteropDuckDB(t *testing.T) {
	duck := findDuckDB(t)

	t.Run("DuckDB reads our files", func(t *testing.T) {
		rl, sft, eval := rlRows(300), sftRows(200), evalRows(100)
		var rlLevels, sftLevels, evalLevels int64
		for _, r := range rl {
			rlLevels += r.ExtraInfo.Level
		}
		for _, r := range sft {
			sftLevels += r.Level
		}
		for _, r := range eval {
			evalLevels += r.ExtraInfo.Level
		}
		tests := []struct {
			name        string
			write       func(path string) error
			rows        int
			levelSum    int64
			firstPrompt string
			// columns is the verl/deep-reasoning layout as DuckDB types it.
			columns []string
		}{
			{"RL", func(p string) error { return WriteRL(p, rl) }, len(rl), rlLevels, rl[0].Prompt[0].Content, []string{
				"prompt STRUCT(content VARCHAR, role VARCHAR)[]",
				"data_source VARCHAR",
				"ability VARCHAR",
				"reward_model STRUCT(ground_truth VARCHAR, style VARCHAR)",
				"extra_info STRUCT(index BIGINT, level BIGINT, split VARCHAR, answer VARCHAR, question VARCHAR, source_index BIGINT)",
			}},
			{"SFT", func(p string) error { return WriteSFT(p, sft) }, len(sft), sftLevels, sft[0].Prompt, []string{
				"id BIGINT", "prompt VARCHAR", "response VARCHAR", "gt_answer VARCHAR", "level BIGINT", "data_source VARCHAR",
			}},
			{"Eval", func(p string) error { return WriteEval(p, eval) }, len(eval), evalLevels, eval[0].Prompt, []string{
				"prompt VARCHAR", "data_source VARCHAR",
				"extra_info STRUCT(gt_answer VARCHAR, index BIGINT, level BIGINT)",
			}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "data.parquet")
				if err := tc.write(path); err != nil {
					t.Fatal(err)
				}
				rep := duck.describe(t, path)
				if got := rep.columns(); !slices.Equal(got, tc.columns) {
					t.Errorf("DESCRIBE:\n got %q\nwant %q", got, tc.columns)
				}
				if !slices.Equal(rep.Compression, []string{"ZSTD"}) {
					t.Errorf("compression = %q, want [ZSTD]", rep.Compression)
				}
				if rep.RowCount != strconv.Itoa(tc.rows) {
					t.Errorf("row count = %s, want %d", rep.RowCount, tc.rows)
				}
				if rep.LevelSum == nil || *rep.LevelSum != strconv.FormatInt(tc.levelSum, 10) {
					t.Errorf("level sum = %v, want %d", deref(rep.LevelSum), tc.levelSum)
				}
				if rep.FirstPrompt == nil || *rep.FirstPrompt != tc.firstPrompt {
					t.Errorf("first prompt = %q, want %q", deref(rep.FirstPrompt), tc.firstPrompt)
				}
				// Strings must carry the STRING annotation (pyarrow maps bare
				// BYTE_ARRAY to bytes, not str), and the schema must be
				// required, so pandas gets no nullable object columns —
				// except r1lab's optional additions (source_index).
				for _, p := range rep.Physical[1:] {
					if deref(p.Type) == "BYTE_ARRAY" && deref(p.LogicalType) != "StringType()" {
						t.Errorf("column %s: logical type %q, want StringType()", p.Name, deref(p.LogicalType))
					}
					if r := deref(p.Repetition); r != "REQUIRED" && !(r == "REPEATED" && p.Name == "list") &&
						!(r == "OPTIONAL" && p.Name == "source_index") {
						t.Errorf("column %s: repetition %s", p.Name, r)
					}
				}
			})
		}
		// The RL prompt uses the spec's 3-level LIST (prompt.list.element),
		// which verl's pyarrow reader expects.
		path := filepath.Join(t.TempDir(), "rl.parquet")
		if err := WriteRL(path, rl[:1]); err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range duck.describe(t, path).Physical[1:6] {
			names = append(names, p.Name)
		}
		if want := []string{"prompt", "list", "element", "content", "role"}; !slices.Equal(names, want) {
			t.Errorf("prompt layout = %q, want %q", names, want)
		}
	})

	t.Run("we read DuckDB's file", func(t *testing.T) {
		want := []RLRow{
			NewRLRow("It's 骑士 🗡️ <|im_start|>user\n", "(1) Zoey is a knight", "kk", SplitTrain, 0, 3),
			{Prompt: []Message{{Content: "sys", Role: "system"}, {Content: "", Role: RoleUser}},
				DataSource: "arith", Ability: AbilityMath, RewardModel: RewardSpec{GroundTruth: "-12", Style: StyleRule},
				ExtraInfo: ExtraInfo{Index: 1 << 40, Level: 7, Split: SplitTest, Answer: "-12"}},
			NewRLRow("last", "x", "kk", SplitTest, 2, 5),
		}
		var values []string
		for i, r := range want {
			var msgs []string
			for _, m := range r.Prompt {
				msgs = append(msgs, fmt.Sprintf("{'content': %s, 'role': %s}", sqlQuote(m.Content), sqlQuote(m.Role)))
			}
			question := sqlQuote(r.ExtraInfo.Question)
			if i == 1 {
				question = "NULL" // DuckDB columns are nullable; a null reads as ""
			}
			values = append(values, fmt.Sprintf(
				"([%s], %s, %s, {'ground_truth': %s, 'style': %s}, "+
					"{'index': %d::BIGINT, 'level': %d::BIGINT, 'split': %s, 'answer': %s, 'question': %s}, 'extra column')",
				strings.Join(msgs, ", "), sqlQuote(r.DataSource), sqlQuote(r.Ability),
				sqlQuote(r.RewardModel.GroundTruth), sqlQuote(r.RewardModel.Style),
				r.ExtraInfo.Index, r.ExtraInfo.Level, sqlQuote(r.ExtraInfo.Split), sqlQuote(r.ExtraInfo.Answer), question))
		}
		// "target" is one of deep-reasoning's extra top-level columns.
		query := "SELECT * FROM (VALUES " + strings.Join(values, ", ") +
			") t(prompt, data_source, ability, reward_model, extra_info, target)"
		path := filepath.Join(t.TempDir(), "duck.parquet")
		duck.run(t, "--write", path, query)

		got, err := ReadRL(path)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("read DuckDB file:\n got %+v\nwant %+v", got, want)
		}
	})

	t.Run("DuckDB file with wrong types is rejected", func(t *testing.T) {
		tests := []struct {
			name, query, want string
		}{
			{"level as VARCHAR",
				"SELECT 'p' AS prompt, 'kk' AS data_source, {'gt_answer': 'a', 'index': 0::BIGINT, 'level': '3'} AS extra_info",
				`column "extra_info.level": file has BYTE_ARRAY (STRING), want INT64`},
			{"level as INTEGER",
				"SELECT 'p' AS prompt, 'kk' AS data_source, {'gt_answer': 'a', 'index': 0::BIGINT, 'level': 3::INTEGER} AS extra_info",
				`column "extra_info.level": file has INT32, want INT64`},
			{"extra_info missing",
				"SELECT 'p' AS prompt, 'kk' AS data_source",
				`column "extra_info": missing from file`},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "bad.parquet")
				duck.run(t, "--write", path, tc.query)
				_, err := ReadEval(path)
				if want := "read " + path + ": " + tc.want; err == nil || err.Error() != want {
					t.Errorf("error = %v\nwant %s", err, want)
				}
			})
		}
	})
}

// sqlQuote renders s as a SQL string literal.
func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func deref(s *string) string {
	if s == nil {
		return "<null>"
	}
	return *s
}
