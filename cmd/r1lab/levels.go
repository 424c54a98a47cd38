package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// levelCounts is a flag value mapping levels to row counts, written as
// comma-separated LEVELS:COUNT items where LEVELS is one level or a range:
// "4-8:100" (100 rows for each of levels 4..8) or "2:200,3:800". "none" or
// "" is the empty map.
type levelCounts map[int]int

func parseLevelCounts(s string) (levelCounts, error) {
	m := levelCounts{}
	s = strings.TrimSpace(s)
	if s == "" || s == "none" {
		return m, nil
	}
	for _, item := range strings.Split(s, ",") {
		lv, cnt, ok := strings.Cut(strings.TrimSpace(item), ":")
		if !ok {
			return nil, fmt.Errorf("%q: want LEVELS:COUNT, e.g. 4-8:100", item)
		}
		n, err := strconv.Atoi(cnt)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%q: count %q is not a non-negative integer", item, cnt)
		}
		lo, hi, isRange := strings.Cut(lv, "-")
		a, errA := strconv.Atoi(lo)
		b, errB := a, error(nil)
		if isRange {
			b, errB = strconv.Atoi(hi)
		}
		if errA != nil || errB != nil || b < a {
			return nil, fmt.Errorf("%q: levels %q are not N or N-M with N ≤ M", item, lv)
		}
		for l := a; l <= b; l++ {
			if _, dup := m[l]; dup {
				return nil, fmt.Errorf("%q: level %d given twice", s, l)
			}
			m[l] = n
		}
	}
	return m, nil
}

// String renders m in the flag syntax, levels ascending, ranges merged.
func (m levelCounts) String() string {
	ls := make([]int, 0, len(m))
	for l := range m {
		ls = append(ls, l)
	}
	slices.Sort(ls)
	var items []string
	for i := 0; i < len(ls); {
		j := i
		for j+1 < len(ls) && ls[j+1] == ls[j]+1 && m[ls[j+1]] == m[ls[i]] {
			j++
		}
		if j > i {
			items = append(items, fmt.Sprintf("%d-%d:%d", ls[i], ls[j], m[ls[i]]))
		} else {
			items = append(items, fmt.Sprintf("%d:%d", ls[i], m[ls[i]]))
		}
		i = j + 1
	}
	if len(items) == 0 {
		return "none"
	}
	return strings.Join(items, ",")
}
