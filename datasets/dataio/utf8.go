package dataio

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// checkUTF8 returns an error naming the first row and column (dotted Parquet
// path) that holds a string which is not valid UTF-8. Decoded model output can
// contain a broken multi-byte sequence (a byte-level token cut mid-character);
// written as is it would make the whole file unreadable for DuckDB, so it is
// caught here and the caller decides how to clean it (strings.ToValidUTF8).
func checkUTF8[T any](rows []T) error {
	for i := range rows {
		if col, bad := invalidString(reflect.ValueOf(&rows[i]).Elem(), nil); col != "" {
			return fmt.Errorf("row %d: column %q: invalid UTF-8 in %q", i, col, truncate(bad, 40))
		}
	}
	return nil
}

// invalidString walks v and returns the path and value of the first string
// that is not valid UTF-8, or "" if there is none.
func invalidString(v reflect.Value, path []string) (string, string) {
	switch v.Kind() {
	case reflect.String:
		if s := v.String(); !utf8.ValidString(s) {
			return strings.Join(path, "."), s
		}
	case reflect.Pointer:
		if !v.IsNil() {
			return invalidString(v.Elem(), path)
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return "", "" // []byte is binary data, not a string column
		}
		for i := range v.Len() {
			if col, bad := invalidString(v.Index(i), path); col != "" {
				return col, bad
			}
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			name, list := parquetName(f)
			if !f.IsExported() || name == "-" {
				continue
			}
			fieldPath := append(path[:len(path):len(path)], name)
			if list {
				// Name columns as the schema errors do: LIST elements live
				// under "<name>.list.element".
				fieldPath = append(fieldPath, "list", "element")
			}
			if col, bad := invalidString(v.Field(i), fieldPath); col != "" {
				return col, bad
			}
		}
	}
	return "", ""
}

// parquetName is the column name parquet-go uses for a struct field (the
// first element of its `parquet` tag, or the Go field name) and whether the
// tag makes it a LIST.
func parquetName(f reflect.StructField) (name string, list bool) {
	name, opts, _ := strings.Cut(f.Tag.Get("parquet"), ",")
	if name == "" {
		name = f.Name
	}
	for opt := range strings.SplitSeq(opts, ",") {
		if opt == "list" {
			list = true
		}
	}
	return name, list
}

// truncate shortens s to at most n bytes for error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
