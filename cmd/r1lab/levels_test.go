package main

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseLevelCounts(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    levelCounts
		wantErr string
	}{
		{"4-8:100", levelCounts{4: 100, 5: 100, 6: 100, 7: 100, 8: 100}, ""},
		{"2:200,3:800", levelCounts{2: 200, 3: 800}, ""},
		{" 2:200 , 3-4:5", levelCounts{2: 200, 3: 5, 4: 5}, ""},
		{"none", levelCounts{}, ""},
		{"", levelCounts{}, ""},
		{"4-8", nil, "LEVELS:COUNT"},
		{"4-8:x", nil, `count "x"`},
		{"8-4:1", nil, "N ≤ M"},
		{"3:1,3:2", nil, "level 3 given twice"},
		{"a:1", nil, `levels "a"`},
		{"3:-1", nil, "non-negative"},
	} {
		got, err := parseLevelCounts(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseLevelCounts(%q) error = %v, want one containing %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseLevelCounts(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		// String renders a value that parses back to the same map.
		back, err := parseLevelCounts(got.String())
		if err != nil || !reflect.DeepEqual(back, got) {
			t.Errorf("round trip of %q via %q = %v, %v", tc.in, got.String(), back, err)
		}
	}
	if s := (levelCounts{4: 100, 5: 100, 6: 100, 7: 1}).String(); s != "4-6:100,7:1" {
		t.Errorf("String() = %q, want merged ranges 4-6:100,7:1", s)
	}
}
