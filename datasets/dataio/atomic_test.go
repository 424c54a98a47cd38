package dataio

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dirEntries lists the names in dir, so tests can assert that no temp file
// was left behind.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteAtomicWrites(t *testing.T) {
	tests := []struct {
		name     string
		existing []byte      // nil: no file before
		mode     fs.FileMode // mode of the existing file
		wantMode fs.FileMode
	}{
		{"new file", nil, 0, 0o644},
		{"replace keeps mode 0600", []byte("old content that is longer than the new one"), 0o600, 0o600},
		{"replace keeps mode 0640", []byte("old"), 0o640, 0o640},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "f.json")
			if tc.existing != nil {
				if err := os.WriteFile(path, tc.existing, tc.mode); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(path, tc.mode); err != nil { // WriteFile applies the umask
					t.Fatal(err)
				}
			}
			want := []byte(`{"new": "ü"}`)
			if err := WriteBytesAtomic(path, want); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("content = %q, want %q", got, want)
			}
			st, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			if st.Mode().Perm() != tc.wantMode {
				t.Errorf("mode = %v, want %v", st.Mode().Perm(), tc.wantMode)
			}
			if names := dirEntries(t, dir); !slices.Equal(names, []string{"f.json"}) {
				t.Errorf("directory holds %q, want only f.json", names)
			}
		})
	}
}

func TestWriteAtomicCreatesParents(t *testing.T) {
	path := filepath.Join(t.TempDir(), "runs", "x", "config.json")
	if err := WriteBytesAtomic(path, []byte("{}")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || string(got) != "{}" {
		t.Errorf("ReadFile = %q, %v; want {}", got, err)
	}
}

// A failed write must leave the old file byte-identical and no temp file.
func TestWriteAtomicFailureKeepsOld(t *testing.T) {
	errBoom := errors.New("boom")
	tests := []struct {
		name  string
		write func(w io.Writer) error
		// wantPanic: the callback panics; WriteAtomic re-panics after cleanup.
		wantPanic bool
	}{
		{"callback fails after partial write", func(w io.Writer) error {
			// More than the write buffer, so part of it reached the temp file.
			if _, err := w.Write(bytes.Repeat([]byte("x"), 3*writeBufferSize)); err != nil {
				return err
			}
			return errBoom
		}, false},
		{"callback fails before writing", func(io.Writer) error { return errBoom }, false},
		{"callback panics", func(w io.Writer) error {
			_, _ = w.Write([]byte("partial"))
			panic("callback panic")
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "data.parquet")
			old := []byte("old bytes \x00\x01\x02")
			if err := os.WriteFile(path, old, 0o644); err != nil {
				t.Fatal(err)
			}
			func() {
				defer func() {
					if r := recover(); (r != nil) != tc.wantPanic {
						t.Errorf("recovered %v, want panic=%v", r, tc.wantPanic)
					}
				}()
				err := WriteAtomic(path, tc.write)
				if !errors.Is(err, errBoom) || !strings.Contains(err.Error(), path) {
					t.Errorf("error = %v, want boom wrapped with the path", err)
				}
			}()
			if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, old) {
				t.Errorf("old file now %q (err %v), want %q", got, err, old)
			}
			if names := dirEntries(t, dir); !slices.Equal(names, []string{"data.parquet"}) {
				t.Errorf("directory holds %q, want only data.parquet", names)
			}
		})
	}
}

func TestWriteAtomicBadTarget(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) string // returns the target path
	}{
		{"target is a directory", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "d")
			if err := os.Mkdir(p, 0o755); err != nil {
				t.Fatal(err)
			}
			return p
		}},
		{"parent is a file", func(t *testing.T, dir string) string {
			p := filepath.Join(dir, "file")
			if err := os.WriteFile(p, nil, 0o644); err != nil {
				t.Fatal(err)
			}
			return filepath.Join(p, "x.json")
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := tc.setup(t, dir)
			before := dirEntries(t, dir)
			err := WriteBytesAtomic(path, []byte("data"))
			if err == nil || !strings.Contains(err.Error(), path) {
				t.Errorf("error = %v, want one naming %s", err, path)
			}
			if after := dirEntries(t, dir); !slices.Equal(after, before) {
				t.Errorf("directory changed from %q to %q", before, after)
			}
		})
	}
}

// A Parquet Write rejected for bad input leaves the previous file as it was.
func TestWriteParquetFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "train.parquet")
	if err := WriteRL(path, rlRows(10)); err != nil {
		t.Fatal(err)
	}
	old, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	bad := rlRows(20)
	bad[15].RewardModel.GroundTruth = "\xff"
	if err := WriteRL(path, bad); err == nil {
		t.Fatal("write of invalid UTF-8 succeeded")
	}
	if now, err := os.ReadFile(path); err != nil || !bytes.Equal(now, old) {
		t.Errorf("old file changed (err %v)", err)
	}
	if names := dirEntries(t, dir); !slices.Equal(names, []string{"train.parquet"}) {
		t.Errorf("directory holds %q", names)
	}
}
