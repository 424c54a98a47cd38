package dataio

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/parquet-go/parquet-go"
)

// readBatchRows bounds the rows allocated ahead of reading. The row count in
// a file's footer is not trusted for one big allocation, since a corrupt
// footer could claim billions of rows.
const readBatchRows = 1 << 14

// Write writes rows to a zstd-compressed Parquet file at path, atomically
// (see WriteAtomic; parent directories are created). T must be a struct whose
// fields carry `parquet:"..."` tags, like RLRow. Every string must be valid
// UTF-8: Parquet STRING columns require it, and readers such as DuckDB reject
// files that break it; the error names the row and column.
func Write[T any](path string, rows []T) error {
	if _, err := schemaOf[T](); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := checkUTF8(rows); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteAtomic(path, func(w io.Writer) error {
		return guard(func() error {
			pw := parquet.NewGenericWriter[T](w, parquet.Compression(&parquet.Zstd))
			if _, err := pw.Write(rows); err != nil {
				return err
			}
			return pw.Close()
		})
	})
}

// Read reads all rows of the Parquet file at path into T.
//
// Before decoding, the file's schema is checked against T's: every column of
// T must exist in the file with the same physical and logical type and the
// same repetition, or Read returns a *SchemaError naming the file and the
// column. Extra columns in the file are ignored. Columns that the file marks
// optional (as DuckDB and pandas do) are accepted for T's required fields;
// a null there reads as the zero value.
func Read[T any](path string) ([]T, error) {
	want, err := schemaOf[T]()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	pf, err := OpenParquet(f, st.Size())
	if err != nil {
		return nil, fmt.Errorf("read %s: not a readable Parquet file: %w", path, err)
	}
	missing, err := checkSchema(path, want, pf.Schema())
	if err != nil {
		return nil, err
	}
	var rows []T
	err = guard(func() error {
		rows, err = readRows[T](pf)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	clearColumns(rows, missing)
	return rows, nil
}

// OpenParquet opens f (size bytes) as a Parquet file for reading. It checks
// the footer length itself
// first, because parquet-go allocates whatever length a (possibly truncated
// or corrupt) footer claims before noticing it does not fit in the file, and
// turns parquet-go's panics on malformed input into errors.
func OpenParquet(f io.ReaderAt, size int64) (pf *parquet.File, err error) {
	const magic = "PAR1"
	if size < int64(2*len(magic)+4) {
		return nil, fmt.Errorf("file is %d bytes, too short", size)
	}
	var tail [8]byte
	if _, err := f.ReadAt(tail[:], size-8); err != nil {
		return nil, err
	}
	if string(tail[4:]) != magic {
		return nil, fmt.Errorf("no %q magic at the end of the file (truncated, or not Parquet)", magic)
	}
	if footer := int64(binary.LittleEndian.Uint32(tail[:4])); footer > size-12 {
		return nil, fmt.Errorf("footer length %d exceeds the file size %d (corrupt)", footer, size)
	}
	err = guard(func() error {
		pf, err = parquet.OpenFile(f, size, parquet.SkipBloomFilters(true))
		return err
	})
	return pf, err
}

// readRows decodes every row of pf, in batches of at most readBatchRows.
func readRows[T any](pf *parquet.File) ([]T, error) {
	total := pf.NumRows()
	if total < 0 {
		return nil, fmt.Errorf("footer declares %d rows", total)
	}
	r := parquet.NewGenericReader[T](pf)
	defer r.Close()
	rows := make([]T, 0, min(total, readBatchRows))
	for int64(len(rows)) < total {
		if len(rows) == cap(rows) {
			rows = slices.Grow(rows, int(min(total-int64(len(rows)), readBatchRows)))
		}
		n, err := r.Read(rows[len(rows):cap(rows)])
		rows = rows[:len(rows)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", len(rows), err)
		}
		if n == 0 {
			break // no progress: stop instead of spinning; caught below
		}
	}
	if int64(len(rows)) != total {
		return nil, fmt.Errorf("footer declares %d rows, but %d could be read (truncated or corrupt)", total, len(rows))
	}
	return rows, nil
}

// WriteRL writes RL train/test rows (verl's layout) to path with Write.
func WriteRL(path string, rows []RLRow) error { return Write(path, rows) }

// ReadRL reads RL train/test rows from path with Read.
func ReadRL(path string) ([]RLRow, error) { return Read[RLRow](path) }

// WriteSFT writes SFT rows to path with Write.
func WriteSFT(path string, rows []SFTRow) error { return Write(path, rows) }

// ReadSFT reads SFT rows from path with Read.
func ReadSFT(path string) ([]SFTRow, error) { return Read[SFTRow](path) }

// WriteEval writes eval rows to path with Write.
func WriteEval(path string, rows []EvalRow) error { return Write(path, rows) }

// ReadEval reads eval rows from path with Read.
func ReadEval(path string) ([]EvalRow, error) { return Read[EvalRow](path) }
