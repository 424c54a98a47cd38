package runlog

import (
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/r1lab/r1lab/datasets/dataio"
)

// rowBatch is how many rows are encoded or decoded per call into parquet-go.
const rowBatch = 1024

// stepFirst is the table's schema root: a Group whose fields list "step" first and then the
// metrics by name. A plain parquet.Group sorts all its fields by name, which would bury "step"
// among the metrics in `SELECT *` output.
type stepFirst struct{ parquet.Group }

// Fields implements parquet.Node.
func (g stepFirst) Fields() []parquet.Field {
	fs := g.Group.Fields()
	i := slices.IndexFunc(fs, func(f parquet.Field) bool { return f.Name() == StepColumn })
	if i <= 0 {
		return fs
	}
	out := make([]parquet.Field, 0, len(fs))
	out = append(out, fs[i])
	out = append(out, fs[:i]...)
	return append(out, fs[i+1:]...)
}

// writeTable writes rows to path, atomically, with columns "step" then names (sorted).
func writeTable(path string, rows []Row, names []string) error {
	g := parquet.Group{StepColumn: parquet.Leaf(parquet.Int64Type)}
	for _, n := range names {
		g[n] = parquet.Optional(parquet.Leaf(parquet.DoubleType))
	}
	schema := parquet.NewSchema("metrics", stepFirst{g})
	return dataio.WriteAtomic(path, func(w io.Writer) error {
		return guard(func() error {
			pw := parquet.NewWriter(w, schema, parquet.Compression(&parquet.Zstd))
			batch := make([]parquet.Row, 0, rowBatch)
			for i, r := range rows {
				row := make(parquet.Row, 1+len(names))
				row[0] = parquet.Int64Value(r.Step).Level(0, 0, 0)
				for j, n := range names {
					if v, ok := r.Metrics[n]; ok {
						row[j+1] = parquet.DoubleValue(v).Level(0, 1, j+1)
					} else {
						row[j+1] = parquet.NullValue().Level(0, 0, j+1)
					}
				}
				batch = append(batch, row)
				if len(batch) == cap(batch) || i == len(rows)-1 {
					if _, err := pw.WriteRows(batch); err != nil {
						return err
					}
					batch = batch[:0]
				}
			}
			return pw.Close()
		})
	})
}

// Read reads a metrics file: its steps, in order, and each metric column, NaN where null. The
// file must be a metrics table: a non-null integer "step" column with increasing values and
// floating-point metric columns; anything else is an error naming the file and the column or
// row. A missing file is an error wrapping fs.ErrNotExist.
func Read(path string) (steps []int64, cols map[string][]float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("runlog: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("runlog: %w", err)
	}
	pf, err := dataio.OpenParquet(f, st.Size())
	if err != nil {
		return nil, nil, fmt.Errorf("runlog: read %s: not a readable Parquet file: %w", path, err)
	}
	err = guard(func() error {
		steps, cols, err = readTable(pf)
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("runlog: read %s: %w", path, err)
	}
	return steps, cols, nil
}

// readTable checks pf's schema and decodes its rows.
func readTable(pf *parquet.File) ([]int64, map[string][]float64, error) {
	schema := pf.Schema()
	leaves := schema.Columns()
	names := make([]string, len(leaves))
	stepCol := -1
	for i, f := range schema.Fields() {
		n := f.Name()
		names[i] = n
		switch {
		case !f.Leaf():
			return nil, nil, fmt.Errorf("column %q is a group, not a number (not a metrics table)", n)
		case f.Repeated():
			return nil, nil, fmt.Errorf("column %q is a list, not a number (not a metrics table)", n)
		case n == StepColumn:
			if k := f.Type().Kind(); k != parquet.Int64 && k != parquet.Int32 {
				return nil, nil, fmt.Errorf("column %q is %s, want INT64 (not a metrics table)", n, k)
			}
			stepCol = i
		default:
			if k := f.Type().Kind(); k != parquet.Double && k != parquet.Float {
				return nil, nil, fmt.Errorf("metric column %q is %s, want DOUBLE", n, k)
			}
		}
	}
	if len(names) != len(leaves) {
		return nil, nil, fmt.Errorf("nested columns (not a metrics table)")
	}
	if stepCol < 0 {
		return nil, nil, fmt.Errorf("no %q column (not a metrics table)", StepColumn)
	}
	var steps []int64
	vals := make([][]float64, len(names))
	buf := make([]parquet.Row, rowBatch)
	for _, rg := range pf.RowGroups() {
		rows := rg.Rows()
		for {
			n, err := rows.ReadRows(buf)
			for _, r := range buf[:n] {
				row := len(steps)
				step := int64(-1)
				for c := range vals {
					vals[c] = append(vals[c], math.NaN())
				}
				for _, v := range r {
					c := v.Column()
					switch {
					case c < 0 || c >= len(names):
						return nil, nil, fmt.Errorf("row %d: value for unknown column %d (corrupt)", row, c)
					case c == stepCol && v.IsNull():
						return nil, nil, fmt.Errorf("row %d: null %q", row, StepColumn)
					case c == stepCol && v.Kind() == parquet.Int32:
						step = int64(v.Int32())
					case c == stepCol:
						step = v.Int64()
					case v.IsNull():
					case v.Kind() == parquet.Float:
						vals[c][row] = float64(v.Float())
					default:
						vals[c][row] = v.Double()
					}
				}
				if k := len(steps); k > 0 && step <= steps[k-1] || step < 0 {
					prev := "none"
					if k > 0 {
						prev = fmt.Sprint(steps[k-1])
					}
					return nil, nil, fmt.Errorf("row %d: step %d after step %s (steps must be non-negative and increasing)", row, step, prev)
				}
				steps = append(steps, step)
			}
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				_ = rows.Close()
				return nil, nil, fmt.Errorf("row %d: %w", len(steps), err)
			}
			if n == 0 {
				break // no progress: stop instead of spinning; the count check below reports it
			}
		}
		if err := rows.Close(); err != nil {
			return nil, nil, err
		}
	}
	if int64(len(steps)) != pf.NumRows() {
		return nil, nil, fmt.Errorf("footer declares %d rows but %d could be read (truncated or corrupt)", pf.NumRows(), len(steps))
	}
	cols := make(map[string][]float64, len(names)-1)
	for c, n := range names {
		if c != stepCol {
			cols[n] = vals[c]
		}
	}
	return steps, cols, nil
}

// guard runs f and turns a panic into an error: parquet-go panics on some malformed input
// instead of returning an error, and a user's file must never crash the process.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parquet: %v", r)
		}
	}()
	return f()
}
