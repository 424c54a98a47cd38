package grpo

import (
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestNewBatchLayout(t *testing.T) {
	b := NewBatch(
		[][]int32{{5, 6, 7}, {5}},
		[][]int32{{8, 9}, {8, 9, 10}},
		[][]float32{{-0.1, -0.2}, {-0.3, -0.4, -0.5}},
		[]float64{1.5, -2}, 0, 4)
	// Longest row 5 tokens, bucket 4 → 8 slots. Slot p−1+j predicts response token j.
	const T, F = true, false
	want := Batch{
		Tokens:      [][]int32{{5, 6, 7, 8, 9, 0, 0, 0}, {5, 8, 9, 10, 0, 0, 0, 0}},
		Mask:        [][]bool{{T, T, T, T, T, F, F, F}, {T, T, T, T, F, F, F, F}},
		LossMask:    [][]bool{{F, F, T, T, F, F, F, F}, {T, T, T, F, F, F, F, F}},
		OldLogProbs: [][]float32{{0, 0, -0.1, -0.2, 0, 0, 0, 0}, {-0.3, -0.4, -0.5, 0, 0, 0, 0, 0}},
		Advantages:  []float32{1.5, -2},

		ResponseTokens: 5, Bucket: 4,
	}
	if !reflect.DeepEqual(b, want) {
		t.Errorf("NewBatch =\n%+v\nwant\n%+v", b, want)
	}
	sub := b.rows(1, 2)
	if sub.Len() != 1 || sub.ResponseTokens != 3 || sub.Advantages[0] != -2 {
		t.Errorf("rows(1, 2) = %+v, want the second row with 3 response tokens", sub)
	}
}

func TestBatchValidate(t *testing.T) {
	ok := func() Batch {
		return NewBatch([][]int32{{1, 2}}, [][]int32{{3}}, [][]float32{{-1}}, []float64{1}, 0, 4)
	}
	tests := []struct {
		name   string
		edit   func(*Batch)
		errHas string
	}{
		{"valid", func(*Batch) {}, ""},
		{"token outside vocab", func(b *Batch) { b.Tokens[0][1] = 16 }, "outside the vocabulary"},
		{"ragged ref", func(b *Batch) { b.RefLogProbs = [][]float32{{0}} }, "slots long"},
		{"empty", func(b *Batch) { *b = Batch{} }, "empty"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := ok()
			tc.edit(&b)
			err := b.validate(16, 64)
			if (tc.errHas == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.errHas)) {
				t.Errorf("validate = %v, want error containing %q", err, tc.errHas)
			}
		})
	}
}

func TestRefKL(t *testing.T) {
	b := NewBatch([][]int32{{1}, {1}}, [][]int32{{2, 3}, {4}}, [][]float32{{-1, -2}, {-0.5}}, []float64{0, 0}, 0, 1)
	b.RefLogProbs = [][]float32{{-1.5, -1, 0}, {-1.5, 0, 0}}
	// Row 0: mean(−1+1.5, −2+1) = −0.25; row 1: −0.5+1.5 = 1; verl averages the rows: 0.375.
	if got := RefKL(b); math.Abs(got-0.375) > 1e-7 {
		t.Errorf("RefKL = %g, want 0.375", got)
	}
}
