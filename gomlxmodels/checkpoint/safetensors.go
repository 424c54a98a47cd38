package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"maps"
	"slices"
	"unicode/utf8"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/r1lab/r1lab/datasets/dataio"
)

// Tensor is one named tensor of a safetensors file.
type Tensor struct {
	Name  string          // the tensor's key in the file header
	Value *tensors.Tensor // its value; tensors returned by ReadFile live on the host
}

// Reserved metadata keys (see the package documentation).
const (
	metadataKey     = "__metadata__"
	reservedPrefix  = "r1lab."
	keyFormat       = "r1lab.format"
	keyStep         = "r1lab.step"
	keyPrefix       = "r1lab.prefix"
	keyNonTrainable = "r1lab.non_trainable"
	keyCRC          = "r1lab.crc32c"
)

// maxHeaderBytes bounds the JSON header we are willing to parse; it is the limit of the reference
// Rust implementation, so any file it accepts is accepted here, and a corrupt length cannot make
// us allocate gigabytes.
const maxHeaderBytes = 100_000_000

// safetensorsDTypes maps GoMLX dtypes to the safetensors dtype names. Packed sub-byte and complex
// dtypes have no safetensors name and are refused.
var safetensorsDTypes = map[dtypes.DType]string{
	dtypes.Float64: "F64", dtypes.Float32: "F32", dtypes.Float16: "F16", dtypes.BFloat16: "BF16",
	dtypes.Int64: "I64", dtypes.Int32: "I32", dtypes.Int16: "I16", dtypes.Int8: "I8",
	dtypes.Uint64: "U64", dtypes.Uint32: "U32", dtypes.Uint16: "U16", dtypes.Uint8: "U8",
	dtypes.Bool: "BOOL",
}

var dtypeByName = func() map[string]dtypes.DType {
	m := make(map[string]dtypes.DType, len(safetensorsDTypes))
	for dt, name := range safetensorsDTypes {
		m[name] = dt
	}
	return m
}()

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// hostLittleEndian: tensor memory is written and read as raw bytes, which is only the
// safetensors byte order on little-endian hosts (every platform GoMLX supports).
var hostLittleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// headerEntry is one tensor's header record.
type headerEntry struct {
	DType       string   `json:"dtype"`
	Shape       []int    `json:"shape"`
	DataOffsets [2]int64 `json:"data_offsets"`
}

// WriteFile writes ts, in order, and metadata to path as a safetensors file, atomically (see
// dataio.WriteAtomic). Names must be unique and non-empty. The "r1lab.crc32c" key is set to the
// checksum of the data; other metadata is written as given.
func WriteFile(path string, ts []Tensor, metadata map[string]string) error {
	header, err := encodeHeader(ts, metadata)
	if err != nil {
		return fmt.Errorf("checkpoint: write %s: %w", path, err)
	}
	return dataio.WriteAtomic(path, func(w io.Writer) error {
		var n [8]byte
		binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
		if _, err := w.Write(n[:]); err != nil {
			return err
		}
		if _, err := w.Write(header); err != nil {
			return err
		}
		for _, t := range ts {
			if err := withBytes(t.Value, func(b []byte) error {
				_, err := w.Write(b)
				return err
			}); err != nil {
				return fmt.Errorf("tensor %q: %w", t.Name, err)
			}
		}
		return nil
	})
}

// withBytes calls f with the raw bytes of t (none for an empty tensor).
func withBytes(t *tensors.Tensor, f func([]byte) error) error {
	if t.Shape().Size() == 0 {
		return f(nil)
	}
	var ferr error
	if err := t.ConstBytes(func(b []byte) { ferr = f(b) }); err != nil {
		return err
	}
	return ferr
}

// encodeHeader validates ts and returns the padded JSON header, with the data checksum in the
// metadata. Keys are written in file order (metadata first), which Go maps would not preserve.
func encodeHeader(ts []Tensor, metadata map[string]string) ([]byte, error) {
	if !hostLittleEndian {
		return nil, fmt.Errorf("big-endian hosts are not supported")
	}
	seen := make(map[string]bool, len(ts))
	entries := make([]headerEntry, len(ts))
	crc := uint32(0)
	var offset int64
	for i, t := range ts {
		switch {
		case t.Name == "" || t.Name == metadataKey || !utf8.ValidString(t.Name):
			return nil, fmt.Errorf("tensor %d: invalid name %q", i, t.Name)
		case seen[t.Name]:
			return nil, fmt.Errorf("tensor %q appears twice", t.Name)
		case t.Value == nil:
			return nil, fmt.Errorf("tensor %q: nil value", t.Name)
		}
		seen[t.Name] = true
		sh := t.Value.Shape()
		name, ok := safetensorsDTypes[sh.DType]
		if !ok {
			return nil, fmt.Errorf("tensor %q: dtype %s has no safetensors equivalent", t.Name, sh.DType)
		}
		size := int64(sh.Size()) * int64(sh.DType.Size())
		if err := withBytes(t.Value, func(b []byte) error {
			if int64(len(b)) != size {
				return fmt.Errorf("holds %d bytes, want %d for %s", len(b), size, sh)
			}
			crc = crc32.Update(crc, castagnoli, b)
			return nil
		}); err != nil {
			return nil, fmt.Errorf("tensor %q: %w", t.Name, err)
		}
		dims := slices.Clone(sh.Dimensions)
		if dims == nil {
			dims = []int{} // a scalar is shape [], never null
		}
		entries[i] = headerEntry{DType: name, Shape: dims, DataOffsets: [2]int64{offset, offset + size}}
		offset += size
	}

	for k, v := range metadata {
		// encoding/json would silently replace invalid UTF-8, changing what was asked for.
		if !utf8.ValidString(k) || !utf8.ValidString(v) {
			return nil, fmt.Errorf("metadata %q: not valid UTF-8", k)
		}
	}
	meta := maps.Clone(metadata)
	if meta == nil {
		meta = map[string]string{}
	}
	meta[keyCRC] = fmt.Sprintf("%08x", crc)
	var buf bytes.Buffer
	buf.WriteString(`{"` + metadataKey + `":`)
	if err := writeJSON(&buf, meta); err != nil { // Go sorts map keys: deterministic output
		return nil, err
	}
	for i, t := range ts {
		buf.WriteByte(',')
		if err := writeJSON(&buf, t.Name); err != nil {
			return nil, err
		}
		buf.WriteByte(':')
		if err := writeJSON(&buf, entries[i]); err != nil {
			return nil, err
		}
	}
	buf.WriteByte('}')
	// Pad with spaces (valid JSON whitespace) so the data section starts 8-byte aligned, as the
	// reference implementation does; readers may then map tensors in place.
	for (8+buf.Len())%8 != 0 {
		buf.WriteByte(' ')
	}
	return buf.Bytes(), nil
}

// writeJSON appends v's JSON to buf without HTML escaping (names stay readable in the header).
func writeJSON(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	buf.Truncate(buf.Len() - 1) // Encode appends a newline
	return nil
}
