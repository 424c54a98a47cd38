package checkpoint

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// fileEntry is one validated tensor record of an opened safetensors file.
type fileEntry struct {
	name       string
	shape      shapes.Shape
	begin, end int64 // byte offsets within the data section
}

// stFile is a safetensors file whose header has been read and validated; the data is read on
// demand by readTensors, so callers can check names and shapes before reading megabytes.
type stFile struct {
	path      string
	f         *os.File
	dataStart int64
	entries   []fileEntry // sorted by data offset, i.e. in the writer's order
	metadata  map[string]string
}

// ReadFile reads a whole safetensors file: its tensors in data order (for files written by this
// package, the order they were given to WriteFile) and its metadata. Malformed headers, data
// that does not match the header (a truncated file), and a checksum mismatch are errors that
// name the file.
func ReadFile(path string) ([]Tensor, map[string]string, error) {
	sf, err := openFile(path)
	if err != nil {
		return nil, nil, err
	}
	defer sf.close()
	values, err := sf.readTensors()
	if err != nil {
		return nil, nil, err
	}
	ts := make([]Tensor, len(values))
	for i, v := range values {
		ts[i] = Tensor{Name: sf.entries[i].name, Value: v}
	}
	return ts, sf.metadata, nil
}

// openFile opens path and validates its header against the file size.
func openFile(path string) (sf *stFile, err error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint: read %s: %s", path, fmt.Sprintf(format, args...))
	}
	if !hostLittleEndian {
		return nil, fail("big-endian hosts are not supported")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	defer func() {
		if err != nil {
			_ = f.Close()
		}
	}()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	size := st.Size()
	var n [8]byte
	if _, err := f.ReadAt(n[:], 0); err != nil {
		return nil, fail("file is %d bytes, too short for a safetensors header (truncated?)", size)
	}
	hlen := binary.LittleEndian.Uint64(n[:])
	if hlen > maxHeaderBytes || int64(hlen) > size-8 {
		return nil, fail("header length %d does not fit the file's %d bytes (truncated, or not safetensors)", hlen, size)
	}
	raw := make([]byte, hlen)
	if _, err := f.ReadAt(raw, 8); err != nil {
		return nil, fail("reading header: %v", err)
	}
	sf = &stFile{path: path, f: f, dataStart: 8 + int64(hlen)}
	if err := sf.parseHeader(raw, size-sf.dataStart); err != nil {
		return nil, fail("%v", err)
	}
	return sf, nil
}

func (sf *stFile) close() { _ = sf.f.Close() }

// parseHeader decodes and validates the JSON header: known dtypes, sizes that match the shapes,
// and data offsets that tile the data section exactly (as the reference implementation demands),
// which also catches truncated files and trailing garbage.
func (sf *stFile) parseHeader(raw []byte, dataLen int64) error {
	if !utf8.Valid(raw) {
		return errors.New("header is not valid UTF-8 (corrupt)")
	}
	if len(bytes.TrimSpace(raw)) == 0 || bytes.TrimSpace(raw)[0] != '{' {
		return errors.New("header is not a JSON object (corrupt, or not safetensors)")
	}
	var records map[string]json.RawMessage
	if err := json.Unmarshal(raw, &records); err != nil {
		return fmt.Errorf("corrupt JSON header: %v", err)
	}
	sf.metadata = map[string]string{}
	for name, rec := range records {
		if name == metadataKey {
			if err := json.Unmarshal(rec, &sf.metadata); err != nil {
				return fmt.Errorf("%s must map strings to strings: %v", metadataKey, err)
			}
			continue
		}
		e, err := decodeEntry(name, rec, dataLen)
		if err != nil {
			return err
		}
		sf.entries = append(sf.entries, e)
	}
	slices.SortFunc(sf.entries, func(a, b fileEntry) int {
		return cmp.Or(cmp.Compare(a.begin, b.begin), cmp.Compare(a.end, b.end), cmp.Compare(a.name, b.name))
	})
	var pos int64
	for _, e := range sf.entries {
		if e.begin != pos {
			return fmt.Errorf("tensor %q starts at data offset %d, want %d (overlapping or gapped data)", e.name, e.begin, pos)
		}
		pos = e.end
	}
	if pos != dataLen {
		return fmt.Errorf("data section is %d bytes but the header describes %d (truncated or corrupt)", dataLen, pos)
	}
	return nil
}

// decodeEntry validates one tensor record.
func decodeEntry(name string, rec json.RawMessage, dataLen int64) (fileEntry, error) {
	var h headerEntry
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return fileEntry{}, fmt.Errorf("tensor %q: bad header record: %v", name, err)
	}
	dt, ok := dtypeByName[h.DType]
	if !ok {
		return fileEntry{}, fmt.Errorf("tensor %q: unsupported dtype %q", name, h.DType)
	}
	// Count elements with an overflow guard: no real tensor has more bytes than the data section.
	elems := int64(1)
	for _, d := range h.Shape {
		if d < 0 {
			return fileEntry{}, fmt.Errorf("tensor %q: negative dimension in shape %v", name, h.Shape)
		}
		if d > 0 && elems > math.MaxInt64/int64(d) {
			return fileEntry{}, fmt.Errorf("tensor %q: shape %v is too large", name, h.Shape)
		}
		elems *= int64(d)
	}
	if elems > dataLen {
		return fileEntry{}, fmt.Errorf("tensor %q: shape %v exceeds the %d-byte data section", name, h.Shape, dataLen)
	}
	begin, end := h.DataOffsets[0], h.DataOffsets[1]
	if want := elems * int64(dt.Size()); begin < 0 || end < begin || end-begin != want {
		return fileEntry{}, fmt.Errorf("tensor %q: data_offsets %v hold %d bytes, want %d for %s%v",
			name, h.DataOffsets, end-begin, want, h.DType, h.Shape)
	}
	return fileEntry{name: name, shape: shapes.Make(dt, h.Shape...), begin: begin, end: end}, nil
}

// readTensors reads every tensor's data, in entry order, into new host tensors, verifying the
// data checksum when the file carries one.
func (sf *stFile) readTensors() ([]*tensors.Tensor, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint: read %s: %s", sf.path, fmt.Sprintf(format, args...))
	}
	crc := uint32(0)
	out := make([]*tensors.Tensor, len(sf.entries))
	for i, e := range sf.entries {
		t := tensors.FromShape(e.shape)
		if e.end > e.begin {
			var rerr error
			err := t.MutableBytes(func(b []byte) {
				if _, rerr = sf.f.ReadAt(b, sf.dataStart+e.begin); rerr != nil {
					return
				}
				crc = crc32.Update(crc, castagnoli, b)
				if e.shape.DType == dtypes.Bool {
					// Go bools must be 0 or 1; any other byte is corruption.
					if j := slices.IndexFunc(b, func(c byte) bool { return c > 1 }); j >= 0 {
						rerr = fmt.Errorf("BOOL element %d holds byte %d", j, b[j])
					}
				}
			})
			if err == nil {
				err = rerr
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = errors.New("unexpected end of file (truncated)")
				}
				return nil, fail("tensor %q: %v", e.name, err)
			}
		}
		out[i] = t
	}
	if want, ok := sf.metadata[keyCRC]; ok {
		w, err := strconv.ParseUint(want, 16, 32)
		if err != nil {
			return nil, fail("malformed %s %q", keyCRC, want)
		}
		if uint32(w) != crc {
			return nil, fail("data checksum %08x does not match the recorded %s (file corrupt)", crc, want)
		}
	}
	return out, nil
}
