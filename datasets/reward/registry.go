package reward

import (
	"fmt"
	"strings"
)

// Func is a reward function as the trainers and the CLI call it: text is the
// decoded prompt+response with special tokens kept, groundTruth the dataset's
// reward_model.ground_truth (for the Logic-RL rewards, the
// solution_text_format string).
type Func func(text, groundTruth string) Score

// registry lists the named rewards in the order Names reports them.
var registry = []struct {
	name string
	fn   Func
}{
	{"kk", KK},
	{"kk-noeos", KKNoEOS},
	{"logicrl-v1", func(text, gt string) Score { return LogicRL(text, gt, LogicRLV1) }},
	{"logicrl-v2", func(text, gt string) Score { return LogicRL(text, gt, LogicRLV2) }},
	{"arith", Arith},
	{"arith-noeos", ArithNoEOS},
}

// Names returns the names ByName accepts: "kk" (the paper's reward),
// "kk-noeos", "logicrl-v1", "logicrl-v2", "arith" and "arith-noeos".
func Names() []string {
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	return names
}

// ByName returns the reward function registered under name (see Names), for
// configs and the command line. An unknown name is an error that lists the
// valid ones.
func ByName(name string) (Func, error) {
	for _, r := range registry {
		if r.name == name {
			return r.fn, nil
		}
	}
	return nil, fmt.Errorf("reward: unknown reward function %q (valid: %s)", name, strings.Join(Names(), ", "))
}
