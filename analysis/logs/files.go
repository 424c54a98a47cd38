package logs

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// stepFile is a per-step log file: its path and the step its name gives.
type stepFile struct {
	path string
	step int64
}

// stepFiles lists the files in dir named <prefix><digits><ext>, ordered by
// the number (so step_9 comes before step_10 however they are padded).
// A missing directory gives no files and no error.
func stepFiles(dir, prefix, ext string) ([]stepFile, error) {
	names, err := listDir(dir, ext)
	if err != nil {
		return nil, err
	}
	var files []stepFile
	for _, n := range names {
		if step, ok := stepOf(n, prefix, ext); ok {
			files = append(files, stepFile{filepath.Join(dir, n), step})
		}
	}
	slices.SortFunc(files, func(a, b stepFile) int {
		if a.step != b.step {
			return cmp.Compare(a.step, b.step)
		}
		return strings.Compare(a.path, b.path)
	})
	return files, nil
}

// listDir returns the names of the regular files in dir that end in ext,
// sorted, leaving out hidden ones (such as dataio.WriteAtomic's temp files).
// A missing directory gives none.
func listDir(dir, ext string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasSuffix(n, ext) && !strings.HasPrefix(n, ".") {
			names = append(names, n)
		}
	}
	return names, nil // os.ReadDir sorts by name
}

// stepOf parses name as <prefix><digits><ext>.
func stepOf(name, prefix, ext string) (int64, bool) {
	digits, ok := strings.CutPrefix(name, prefix)
	if !ok {
		return 0, false
	}
	digits, ok = strings.CutSuffix(digits, ext)
	if !ok || digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return 0, false
	}
	return n, true
}
