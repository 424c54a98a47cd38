package kk

// Three-valued (Kleene) evaluation of statements under a partial assignment,
// used by the long chain-of-thought teacher to reason about what is already
// known.

// Truth values of a partial evaluation.
const (
	unknown int8 = -1
	falseV  int8 = 0
	trueV   int8 = 1
)

// evalPartial evaluates s where role[i] is 1 (knight), 0 (knave) or -1
// (not yet known). The result is unknown only when the known roles do not
// decide s.
func evalPartial(s Statement, role []int8) int8 {
	switch s.Op {
	case TellingTruth:
		return role[s.Person]
	case Lying:
		if role[s.Person] == unknown {
			return unknown
		}
		return 1 - role[s.Person]
	case Not:
		v := evalPartial(s.Args[0], role)
		if v == unknown {
			return unknown
		}
		return 1 - v
	case And, Or:
		// And: any false decides; Or: any true decides.
		decider := falseV
		if s.Op == Or {
			decider = trueV
		}
		result := 1 - decider
		for _, a := range s.Args {
			switch evalPartial(a, role) {
			case decider:
				return decider
			case unknown:
				result = unknown
			}
		}
		return result
	case Implies:
		a, b := evalPartial(s.Args[0], role), evalPartial(s.Args[1], role)
		if a == falseV || b == trueV {
			return trueV
		}
		if a == trueV && b == falseV {
			return falseV
		}
		return unknown
	case Iff:
		a, b := evalPartial(s.Args[0], role), evalPartial(s.Args[1], role)
		if a == unknown || b == unknown {
			return unknown
		}
		if a == b {
			return trueV
		}
		return falseV
	}
	panic("kk: unknown statement operator " + string(s.Op))
}

// completions reports, for the unknown people s mentions, which roles of
// each are possible in some completion that gives s the value want. ok is
// false when no completion does. possible[k][v] tells whether mention k
// (in the order of free) can take role v.
func completions(s Statement, role []int8, want int8) (free []int, possible [][2]bool, ok bool) {
	for _, p := range s.Mentions(nil) {
		if role[p] == unknown {
			free = append(free, p)
		}
	}
	possible = make([][2]bool, len(free))
	trial := append([]int8(nil), role...)
	for code := 0; code < 1<<len(free); code++ {
		for k, p := range free {
			trial[p] = int8(code >> k & 1)
		}
		if evalPartial(s, trial) == want {
			ok = true
			for k, p := range free {
				possible[k][trial[p]] = true
			}
		}
	}
	return free, possible, ok
}
