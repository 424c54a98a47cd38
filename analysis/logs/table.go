package logs

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/parquet-go/parquet-go"

	"github.com/r1lab/r1lab/datasets/dataio"
)

// table reads a Parquet file of another tool column by column name, whatever
// its schema: only top-level, non-repeated leaf columns can be read (nested
// and list columns are skipped, and named in errors when asked for).
type table struct {
	path   string
	f      *os.File
	pf     *parquet.File
	cols   map[string]parquet.Field // top-level leaves, by name
	leaf   map[string]int           // their leaf column index (parquet.Value.Column)
	nested map[string]bool          // top-level list and group columns, by name
}

// openTable opens path; the caller closes the table.
func openTable(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("logs: %w", err)
	}
	pf, err := dataio.OpenParquet(f, st.Size())
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("logs: %s: not a readable Parquet file: %w", path, err)
	}
	t := &table{path: path, f: f, pf: pf, cols: map[string]parquet.Field{}, leaf: map[string]int{}, nested: map[string]bool{}}
	for _, field := range pf.Schema().Fields() {
		if !field.Leaf() || field.Repeated() {
			t.nested[field.Name()] = true
			continue
		}
		if lc, ok := pf.Schema().Lookup(field.Name()); ok {
			t.cols[field.Name()] = field
			t.leaf[field.Name()] = lc.ColumnIndex
		}
	}
	return t, nil
}

// Close closes the file.
func (t *table) Close() error { return t.f.Close() }

// Physical kinds a column may have, for column.
var (
	intKinds    = []parquet.Kind{parquet.Int32, parquet.Int64}
	floatKinds  = []parquet.Kind{parquet.Float, parquet.Double}
	stringKinds = []parquet.Kind{parquet.ByteArray}
)

// column returns the leaf index of column name, checking its kind: -1 when
// the file has no such column and it is optional, an error when it is
// required or of another kind.
func (t *table) column(name string, kinds []parquet.Kind, required bool) (int, error) {
	f, ok := t.cols[name]
	if t.nested[name] {
		return -1, fmt.Errorf("logs: %s column %q: a list or group column, want a flat %v column", t.path, name, kinds)
	}
	if !ok {
		if required {
			return -1, fmt.Errorf("logs: %s column %q: missing from file", t.path, name)
		}
		return -1, nil
	}
	k := f.Type().Kind()
	for _, want := range kinds {
		if k == want {
			return t.leaf[name], nil
		}
	}
	return -1, fmt.Errorf("logs: %s column %q: file has %s, want %v", t.path, name, k, kinds)
}

// hasKind reports whether column name exists with one of kinds.
func (t *table) hasKind(name string, kinds []parquet.Kind) bool {
	_, err := t.column(name, kinds, true)
	return err == nil
}

// each calls fn with every row's values, indexed by leaf column (a null or
// a column the row lacks reads as the zero Value, which IsNull). parquet-go
// panics on some corrupt input; that becomes an error.
func (t *table) each(fn func(row int64, vals []parquet.Value) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("logs: %s: parquet: %v", t.path, r)
		}
	}()
	n := len(t.pf.Schema().Columns())
	vals := make([]parquet.Value, n)
	buf := make([]parquet.Row, 256)
	var row int64
	for _, rg := range t.pf.RowGroups() {
		rows := rg.Rows()
		for {
			k, rerr := rows.ReadRows(buf)
			for _, r := range buf[:k] {
				clear(vals)
				for _, v := range r {
					if c := v.Column(); c >= 0 && c < n {
						vals[c] = v
					}
				}
				if err := fn(row, vals); err != nil {
					rows.Close()
					return err
				}
				row++
			}
			if errors.Is(rerr, io.EOF) {
				break
			}
			if rerr != nil {
				rows.Close()
				return fmt.Errorf("logs: %s row %d: %w", t.path, row, rerr)
			}
			if k == 0 {
				break
			}
		}
		if err := rows.Close(); err != nil {
			return fmt.Errorf("logs: %s: %w", t.path, err)
		}
	}
	if row != t.pf.NumRows() {
		return fmt.Errorf("logs: %s: footer declares %d rows but %d could be read (truncated or corrupt)", t.path, t.pf.NumRows(), row)
	}
	return nil
}

// cell reads typed values of one row, naming the row and column in errors.
type cell struct {
	t    *table
	row  int64
	vals []parquet.Value
}

func (c cell) errorf(col int, format string, args ...any) error {
	return fmt.Errorf("logs: %s row %d column %q: %s", c.t.path, c.row, c.name(col), fmt.Sprintf(format, args...))
}

// name returns the name of leaf column col.
func (c cell) name(col int) string {
	for n, i := range c.t.leaf {
		if i == col {
			return n
		}
	}
	return fmt.Sprint(col)
}

// value returns column col's value; null is an error.
func (c cell) value(col int) (parquet.Value, error) {
	v := c.vals[col]
	if v.IsNull() {
		return v, c.errorf(col, "null")
	}
	return v, nil
}

// int reads an INT32 or INT64 column.
func (c cell) int(col int) (int64, error) {
	v, err := c.value(col)
	if err != nil {
		return 0, err
	}
	if v.Kind() == parquet.Int32 {
		return int64(v.Int32()), nil
	}
	return v.Int64(), nil
}

// float reads a FLOAT or DOUBLE column.
func (c cell) float(col int) (float64, error) {
	v, err := c.value(col)
	if err != nil {
		return 0, err
	}
	if v.Kind() == parquet.Float {
		return float64(v.Float()), nil
	}
	return v.Double(), nil
}

// str reads a BYTE_ARRAY column as a string.
func (c cell) str(col int) (string, error) {
	v, err := c.value(col)
	if err != nil {
		return "", err
	}
	return string(v.ByteArray()), nil
}
