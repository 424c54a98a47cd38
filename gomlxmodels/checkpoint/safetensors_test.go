package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/dtypes/bfloat16"
	"github.com/gomlx/compute/dtypes/float16"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// mixedTensors covers every supported dtype, a scalar, an empty tensor, and float bit patterns
// that a lossy path would change (NaN payload, −0, ±Inf, a subnormal).
func mixedTensors() []Tensor {
	nan := math.Float32frombits(0x7fc00123)
	return []Tensor{
		{"/lm/w", tensors.FromFlatDataAndDimensions([]float32{1.5, nan, float32(math.Copysign(0, -1)), float32(math.Inf(1)), 1e-45, -2}, 2, 3)},
		{"/f64", tensors.FromValue(math.Pi)},
		{"/half/bf16", tensors.FromFlatDataAndDimensions([]bfloat16.BFloat16{bfloat16.FromFloat32(0.1), bfloat16.FromFloat32(-3)}, 2)},
		{"/half/f16", tensors.FromFlatDataAndDimensions([]float16.Float16{float16.FromFloat32(0.1), float16.FromFloat32(65504)}, 1, 2)},
		{"/global_step", tensors.FromValue(int64(1) << 40)},
		{"/i32", tensors.FromFlatDataAndDimensions([]int32{-1, 2, math.MaxInt32}, 3)},
		{"/i16", tensors.FromFlatDataAndDimensions([]int16{-7}, 1)},
		{"/i8", tensors.FromFlatDataAndDimensions([]int8{-128, 127}, 2)},
		{"/u64", tensors.FromFlatDataAndDimensions([]uint64{math.MaxUint64}, 1)},
		{"/u32", tensors.FromFlatDataAndDimensions([]uint32{9}, 1)},
		{"/u16", tensors.FromFlatDataAndDimensions([]uint16{65535}, 1)},
		{"/u8", tensors.FromFlatDataAndDimensions([]uint8{0, 255, 3}, 3)},
		{"/mask", tensors.FromFlatDataAndDimensions([]bool{true, false, true}, 3)},
		{"/empty", tensors.FromShape(shapes.Make(dtypes.Float32, 0, 3))},
	}
}

func tensorBytes(t *testing.T, x *tensors.Tensor) []byte {
	t.Helper()
	var out []byte
	if err := withBytes(x, func(b []byte) error { out = bytes.Clone(b); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	in := mixedTensors()
	meta := map[string]string{"config": `{"d":1}`, "format": "pt"}
	if err := WriteFile(path, in, meta); err != nil {
		t.Fatal(err)
	}
	out, gotMeta, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != len(in) {
		t.Fatalf("read %d tensors, want %d", len(out), len(in))
	}
	for i := range in {
		if out[i].Name != in[i].Name {
			t.Errorf("tensor %d is %q, want %q (file order must be write order)", i, out[i].Name, in[i].Name)
		}
		if !out[i].Value.Shape().Equal(in[i].Value.Shape()) {
			t.Errorf("%s: shape %s, want %s", in[i].Name, out[i].Value.Shape(), in[i].Value.Shape())
		}
		if !bytes.Equal(tensorBytes(t, out[i].Value), tensorBytes(t, in[i].Value)) {
			t.Errorf("%s: bytes differ", in[i].Name)
		}
	}
	for k, v := range meta {
		if gotMeta[k] != v {
			t.Errorf("metadata %q = %q, want %q", k, gotMeta[k], v)
		}
	}
	if _, ok := gotMeta[keyCRC]; !ok {
		t.Errorf("no %s in metadata", keyCRC)
	}
}

// TestFileLayout decodes a written file by hand, following the safetensors specification, to
// check what other readers rely on: the length prefix, a JSON object whose __metadata__ maps
// strings to strings, dtype/shape/data_offsets records tiling the data section, 8-byte alignment
// of the data, and little-endian values.
func TestFileLayout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.safetensors")
	w := tensors.FromFlatDataAndDimensions([]float32{1, -2, 3.25, 4, 5, 6}, 2, 3)
	step := tensors.FromValue(int64(7))
	if err := WriteFile(path, []Tensor{{"/lm/layer_0/qkv_weights", w}, {"/global_step", step}}, nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n := binary.LittleEndian.Uint64(raw[:8])
	if (8+n)%8 != 0 {
		t.Errorf("data starts at %d, not 8-byte aligned", 8+n)
	}
	var header map[string]json.RawMessage
	if err := json.Unmarshal(raw[8:8+n], &header); err != nil {
		t.Fatalf("header is not JSON: %v", err)
	}
	var meta map[string]string
	if err := json.Unmarshal(header["__metadata__"], &meta); err != nil {
		t.Errorf("__metadata__ is not a string map: %v", err)
	}
	data := raw[8+n:]
	type rec struct {
		DType       string `json:"dtype"`
		Shape       []int  `json:"shape"`
		DataOffsets []int  `json:"data_offsets"`
	}
	var qkv, gs rec
	_ = json.Unmarshal(header["/lm/layer_0/qkv_weights"], &qkv)
	_ = json.Unmarshal(header["/global_step"], &gs)
	if qkv.DType != "F32" || len(qkv.Shape) != 2 || qkv.Shape[0] != 2 || qkv.Shape[1] != 3 || qkv.DataOffsets[0] != 0 || qkv.DataOffsets[1] != 24 {
		t.Errorf("qkv record %+v, want F32 [2 3] [0 24]", qkv)
	}
	if gs.DType != "I64" || gs.Shape == nil || len(gs.Shape) != 0 || gs.DataOffsets[0] != 24 || gs.DataOffsets[1] != 32 {
		t.Errorf("global_step record %+v (shape %#v), want I64 [] [24 32]", gs, gs.Shape)
	}
	if len(data) != 32 {
		t.Fatalf("data section %d bytes, want 32", len(data))
	}
	if got := math.Float32frombits(binary.LittleEndian.Uint32(data[8:])); got != 3.25 {
		t.Errorf("element 2 = %v, want 3.25", got)
	}
	if got := binary.LittleEndian.Uint64(data[24:]); got != 7 {
		t.Errorf("global_step = %d, want 7", got)
	}
}

func TestWriteFileErrors(t *testing.T) {
	one := tensors.FromValue(float32(1))
	for _, tc := range []struct {
		name string
		ts   []Tensor
		want string
	}{
		{"duplicate", []Tensor{{"/a", one}, {"/a", one}}, `"/a" appears twice`},
		{"empty name", []Tensor{{"", one}}, "invalid name"},
		{"metadata name", []Tensor{{"__metadata__", one}}, "invalid name"},
		{"nil value", []Tensor{{"/a", nil}}, "nil value"},
		{"invalid utf-8 name", []Tensor{{"/\xff", one}}, "invalid name"},
		{"complex", []Tensor{{"/c", tensors.FromValue(complex64(1))}}, "no safetensors equivalent"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.safetensors")
			err := WriteFile(path, tc.ts, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tc.want)
			}
			if _, err := os.Stat(path); !os.IsNotExist(err) {
				t.Errorf("a failed write left %s behind", path)
			}
		})
	}
}

// TestReadCorrupt damages a valid file in the ways disks and people do; every case must be an
// error naming the file, never a panic or a silently wrong tensor.
func TestReadCorrupt(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := WriteFile(good, mixedTensors(), nil); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	hlen := int(binary.LittleEndian.Uint64(raw))
	// replaceOnce edits the header and fixes its length prefix, so only the edit is wrong.
	replaceOnce := func(old, new string) func([]byte) []byte {
		return func(b []byte) []byte {
			h := bytes.Replace(b[8:8+hlen], []byte(old), []byte(new), 1)
			out := binary.LittleEndian.AppendUint64(nil, uint64(len(h)))
			return append(append(out, h...), b[8+hlen:]...)
		}
	}
	for _, tc := range []struct {
		name   string
		damage func([]byte) []byte
		want   string
	}{
		{"empty", func([]byte) []byte { return nil }, "too short"},
		{"length only", func(b []byte) []byte { return b[:8] }, "does not fit"},
		{"truncated header", func(b []byte) []byte { return b[:8+hlen/2] }, "does not fit"},
		{"truncated data", func(b []byte) []byte { return b[:len(b)-3] }, "truncated"},
		{"trailing garbage", func(b []byte) []byte { return append(b, 0) }, "header describes"},
		{"huge length", func(b []byte) []byte {
			binary.LittleEndian.PutUint64(b, 1<<62)
			return b
		}, "does not fit"},
		{"not json", func(b []byte) []byte { b[8] = 'x'; return b }, "not a JSON object"},
		{"broken json", replaceOnce(`"shape"`, `"shape'`), "corrupt JSON"},
		{"unknown dtype", replaceOnce(`"F32"`, `"F99"`), `unsupported dtype "F99"`},
		{"wrong size", replaceOnce(`"shape":[2,3]`, `"shape":[3,3]`), `"/lm/w"`},
		{"negative dim", replaceOnce(`"shape":[2,3]`, `"shape":[-2,3]`), "negative dimension"},
		{"unknown field", replaceOnce(`"dtype"`, `"dtypo"`), "bad header record"},
		{"invalid utf-8", replaceOnce(`"/lm/w"`, "\"/lm/\xff\""), "not valid UTF-8"},
		{"flipped data bit", func(b []byte) []byte { b[8+hlen] ^= 1; return b }, "checksum"},
		{"bool byte", func(b []byte) []byte {
			// The BOOL tensor is the last non-empty one: its bytes end the file.
			b[len(b)-1] = 2
			return b
		}, "BOOL element"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".safetensors")
			if err := os.WriteFile(path, tc.damage(bytes.Clone(raw)), 0o644); err != nil {
				t.Fatal(err)
			}
			_, _, err := ReadFile(path)
			if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, path, tc.want)
			}
		})
	}
}

// TestReadForeignFile reads files laid out as other writers lay them out: the reference Rust
// implementation (space padding, tensors sorted by dtype alignment then name, optional
// metadata, an empty file) and a hand-written one with keys out of data order, no padding and
// no checksum.
func TestReadForeignFile(t *testing.T) {
	le := func(vs ...any) []byte {
		var b bytes.Buffer
		for _, v := range vs {
			_ = binary.Write(&b, binary.LittleEndian, v)
		}
		return b.Bytes()
	}
	for _, tc := range []struct {
		name   string
		header string
		data   []byte
		want   []string // "name dtype dims" per tensor, in data order
		meta   map[string]string
	}{
		{"reference, padded", `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}       `,
			le([]float32{0, 1, 2, 3, 4, 5}), []string{"attn0 Float32 [1 1 2 3]"}, nil},
		{"reference, empty", `{}      `, nil, nil, nil},
		{"reference, metadata only", `{"__metadata__":{"framework":"pt"}}     `, nil, nil, map[string]string{"framework": "pt"}},
		{"keys out of order", `{"b":{"dtype":"I32","shape":[1],"data_offsets":[8,12]},"a":{"dtype":"F64","shape":[],"data_offsets":[0,8]}}`,
			le(2.5, int32(-4)), []string{"a Float64 []", "b Int32 [1]"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "foreign.safetensors")
			file := append(le(uint64(len(tc.header))), tc.header...)
			if err := os.WriteFile(path, append(file, tc.data...), 0o644); err != nil {
				t.Fatal(err)
			}
			ts, meta, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var data []byte
			for _, x := range ts {
				got = append(got, fmt.Sprintf("%s %s %v", x.Name, x.Value.DType(), x.Value.Shape().Dimensions))
				data = append(data, tensorBytes(t, x.Value)...)
			}
			if !slices.Equal(got, tc.want) || !bytes.Equal(data, tc.data) {
				t.Errorf("read %v with data % x, want %v with % x", got, data, tc.want, tc.data)
			}
			if len(meta) != len(tc.meta) || meta["framework"] != tc.meta["framework"] {
				t.Errorf("metadata %v, want %v", meta, tc.meta)
			}
		})
	}
}
