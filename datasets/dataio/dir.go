package dataio

import (
	"os"
	"path/filepath"
)

// WriteDirAtomic fills a fresh staging directory beside dir (fill gets its
// path) and then puts it in dir's place, so dir is replaced all at once or
// not at all: if fill fails, dir is untouched and the staging directory is
// removed. An existing dir is moved aside first and removed only once the
// new one is in place, so at every moment either the old or the new
// directory is complete.
func WriteDirAtomic(dir string, fill func(stage string) error) error {
	dir = filepath.Clean(dir)
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return err
	}
	stage, err := os.MkdirTemp(filepath.Dir(dir), "."+filepath.Base(dir)+".staging-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(stage) // no-op after a successful rename
	if err := fill(stage); err != nil {
		return err
	}
	old := ""
	if _, err := os.Stat(dir); err == nil {
		old = stage + ".old"
		if err := os.Rename(dir, old); err != nil {
			return err
		}
	}
	if err := os.Rename(stage, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
