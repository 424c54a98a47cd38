package dataio

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// newFileMode is the permission of a file WriteAtomic creates where none
// existed. Temp files start at 0600 (os.CreateTemp); results are meant to be
// read by other tools (DuckDB, notebooks), so they are made world-readable.
// The process umask is not applied.
const newFileMode fs.FileMode = 0o644

// writeBufferSize is the buffer between the write callback and the temp file;
// Parquet writers emit many small writes (page headers, footers).
const writeBufferSize = 1 << 20

// WriteAtomic writes a file so that readers see either the old content of path
// or the complete new one, never a mix, even if the process is killed.
//
// It creates path's parent directories, calls write with a buffered writer on
// a hidden temp file in the same directory (".<name>.tmp-<random>", so globs
// like "*.parquet" never match it), flushes and fsyncs it, renames it over
// path and fsyncs the directory so the rename survives a crash. If write (or
// any step before the rename) fails or panics, the temp file is removed and an
// existing path is left untouched. An existing path keeps its permission bits;
// a new one gets 0644. write must not keep w after it returns.
func WriteAtomic(path string, write func(w io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	mode := newFileMode
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("write %s: exists and is not a regular file", path)
		}
		mode = st.Mode().Perm()
	}

	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmpName := tmp.Name()
	// Cleanup runs on errors and on panics in write (done stays false), so a
	// failed write never leaves a temp file behind.
	done := false
	defer func() {
		if !done {
			_ = tmp.Close()
			_ = os.Remove(tmpName)
		}
	}()

	bw := bufio.NewWriterSize(tmp, writeBufferSize)
	if err := write(bw); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: sync: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmpName, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	done = true
	if err := syncDir(dir); err != nil {
		// The new content is already in place; only its durability across a
		// power loss is in doubt.
		return fmt.Errorf("write %s: sync directory: %w", path, err)
	}
	return nil
}

// WriteBytesAtomic writes data to path with WriteAtomic.
func WriteBytesAtomic(path string, data []byte) error {
	return WriteAtomic(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// syncDir fsyncs a directory so that a rename inside it is durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	// Some file systems (certain network and FUSE mounts) cannot fsync a
	// directory; there is nothing better to do there, so it is not an error.
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) {
		err = nil
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
