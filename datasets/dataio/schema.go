package dataio

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// SchemaError reports a column of a Parquet file that does not fit the Go row
// type it is read into. Its message names the file and the column path, e.g.
//
//	read data/rl/train.parquet: column "extra_info.level": file has BYTE_ARRAY (STRING), want INT64
type SchemaError struct {
	// File is the path of the Parquet file.
	File string
	// Column is the dotted Parquet path of the column (for lists the path
	// goes through the spec's "list.element" groups).
	Column string
	// Problem says what is wrong, e.g. "missing from file".
	Problem string
}

// Error implements error.
func (e *SchemaError) Error() string {
	return fmt.Sprintf("read %s: column %q: %s", e.File, e.Column, e.Problem)
}

// schemaOf returns the Parquet schema parquet-go derives from T. parquet-go
// panics on types it cannot map (non-structs, channels, ...); that is turned
// into an error so a wrong type parameter is reported, not crashed on.
func schemaOf[T any]() (s *parquet.Schema, err error) {
	t := reflect.TypeFor[T]()
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("row type %v is not a struct", t)
	}
	err = guard(func() error {
		s = parquet.SchemaOf(new(T))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("row type %v: %w", t, err)
	}
	return s, nil
}

// checkSchema verifies that every column of want (the Go row type's schema)
// exists in got (the file's schema) with the same physical and logical type
// and the same repetition. Columns only in got are fine: readers may project
// a subset. A required column in want may be optional in got, because other
// writers (DuckDB, pandas) mark every column optional; nulls then read as
// zero values. A column that is optional in want may be missing from got.
// It returns a *SchemaError for the first mismatch, in schema
// order.
//
// missing lists the optional columns of want that got lacks: parquet-go
// would read them as zero values (even a non-nil pointer), so Read resets
// them to nil with clearColumns.
func checkSchema(file string, want, got parquet.Node) (missing [][]string, err error) {
	err = checkNode(file, nil, want, got, &missing)
	return missing, err
}

func checkNode(file string, path []string, want, got parquet.Node, missing *[][]string) error {
	mismatch := func() error {
		return &SchemaError{File: file, Column: strings.Join(path, "."),
			Problem: fmt.Sprintf("file has %s, want %s", describe(got), describe(want))}
	}
	if want.Repeated() != got.Repeated() || want.Leaf() != got.Leaf() {
		return mismatch()
	}
	if want.Leaf() {
		if leafType(want) != leafType(got) {
			return mismatch()
		}
		return nil
	}
	if groupKind(want) != groupKind(got) {
		return mismatch()
	}
	if groupKind(want) == "LIST" {
		if err := checkListLayout(file, path, want, got); err != nil {
			return err
		}
	}
	for _, wf := range want.Fields() {
		fieldPath := append(path[:len(path):len(path)], wf.Name())
		gf := fieldByName(got, wf.Name())
		if gf == nil && wf.Optional() {
			// An optional column of ours (an r1lab addition such as
			// extra_info.source_index) may be absent from files other tools
			// wrote; it then reads as nil.
			*missing = append(*missing, fieldPath)
			continue
		}
		if gf == nil {
			return &SchemaError{File: file, Column: strings.Join(fieldPath, "."), Problem: "missing from file"}
		}
		if err := checkNode(file, fieldPath, wf, gf, missing); err != nil {
			return err
		}
	}
	return nil
}

// checkListLayout rejects LIST columns whose inner names differ from ours.
// parquet-go matches columns by path, so a list written as "list.item" (old
// pyarrow) or in the legacy 2-level form would silently read as empty lists;
// failing loudly is the only safe option.
func checkListLayout(file string, path []string, want, got parquet.Node) error {
	layout := func(n parquet.Node) string {
		fields := n.Fields()
		if len(fields) != 1 || fields[0].Leaf() || !fields[0].Repeated() {
			return "non-standard"
		}
		inner := fields[0].Fields()
		if len(inner) != 1 {
			return fmt.Sprintf("%q with %d fields (legacy 2-level)", fields[0].Name(), len(inner))
		}
		return fmt.Sprintf("%q", fields[0].Name()+"."+inner[0].Name())
	}
	w, g := layout(want), layout(got)
	if w != g {
		return &SchemaError{File: file, Column: strings.Join(path, "."),
			Problem: fmt.Sprintf("LIST layout is %s, want %s (the Parquet spec's 3-level layout)", g, w)}
	}
	return nil
}

func fieldByName(n parquet.Node, name string) parquet.Field {
	for _, f := range n.Fields() {
		if f.Name() == name {
			return f
		}
	}
	return nil
}

// describe renders a node's type for error messages: "INT64",
// "BYTE_ARRAY (STRING)", "LIST", "group", with a "repeated " prefix where the
// node itself is repeated.
func describe(n parquet.Node) string {
	s := groupKind(n)
	if n.Leaf() {
		s = leafType(n)
	}
	if n.Repeated() {
		s = "repeated " + s
	}
	return s
}

// groupKind is "LIST", "MAP" or "group" for a group node.
func groupKind(n parquet.Node) string {
	if lt := n.Type().LogicalType(); lt != nil {
		switch lt.Value.(type) {
		case *format.ListType:
			return "LIST"
		case *format.MapType:
			return "MAP"
		}
	}
	return "group"
}

// leafType renders a leaf's physical type and logical annotation; two leaves
// are compatible when these strings are equal. A signed integer annotation of
// the physical width (INT(64,true) on INT64) means the same as no annotation:
// parquet-go reports it for every INT64 column, whether or not the file
// carries it, so it is dropped and messages say "INT64".
func leafType(n parquet.Node) string {
	t := n.Type()
	s := t.Kind().String()
	if t.Kind() == parquet.FixedLenByteArray {
		s += fmt.Sprintf("(%d)", t.Length())
	}
	lt := t.LogicalType()
	if lt == nil || lt.Value == nil {
		return s
	}
	if it, ok := lt.Value.(*format.IntType); ok && it.IsSigned &&
		((t.Kind() == parquet.Int64 && it.BitWidth == 64) || (t.Kind() == parquet.Int32 && it.BitWidth == 32)) {
		return s
	}
	return s + " (" + lt.String() + ")"
}

// guard runs f and turns a panic into an error. parquet-go panics on some
// malformed input (corrupt pages, unsupported types) instead of returning an
// error; user files must never crash the process.
func guard(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parquet: %v", r)
		}
	}()
	return f()
}

// clearColumns sets the fields at the given column paths to their zero
// value (nil for the pointers optional columns use) in every row. Paths run
// through struct fields only; a column inside a list is left as read.
func clearColumns[T any](rows []T, paths [][]string) {
	for i := range rows {
		for _, p := range paths {
			clearPath(reflect.ValueOf(&rows[i]).Elem(), p)
		}
	}
}

func clearPath(v reflect.Value, path []string) {
	for _, name := range path {
		if v.Kind() != reflect.Struct {
			return
		}
		var next reflect.Value
		for i := 0; i < v.NumField(); i++ {
			if n, _ := parquetName(v.Type().Field(i)); n == name {
				next = v.Field(i)
				break
			}
		}
		if !next.IsValid() {
			return
		}
		v = next
	}
	if v.CanSet() {
		v.Set(reflect.Zero(v.Type()))
	}
}
