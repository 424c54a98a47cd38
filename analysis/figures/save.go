package figures

import (
	"fmt"

	"github.com/r1lab/r1lab/datasets/dataio"
)

// Save writes a figure's bytes to path atomically: to a temp file in the same
// directory, then renamed over path (see dataio.WriteAtomic), so a reader or
// a killed process never sees half a figure. Parent directories are created.
func Save(path string, data []byte) error {
	if len(data) == 0 {
		return fmt.Errorf("figures: save %s: no data", path)
	}
	if err := dataio.WriteBytesAtomic(path, data); err != nil {
		return fmt.Errorf("figures: %w", err)
	}
	return nil
}
