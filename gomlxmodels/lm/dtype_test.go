package lm

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
)

// TestHalfDTypes runs the same seeded model in BFloat16 and Float16 and compares its logits with
// the Float32 model's. Half weights are the Float32 ones rounded, so the logits must agree to
// within half-precision error (relative ~1e-2 for bf16 through a few layers).
func TestHalfDTypes(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	tokens := randomTokens(rng, 2, 8, 29)
	mask := onesMask(2, 8)
	mask[0][0] = false
	ref := runLogits(t, logitsExec(t, newTestModel(t, testConfig(dtypes.Float32), 4)), tokens, mask)
	for _, dt := range []dtypes.DType{dtypes.BFloat16, dtypes.Float16} {
		t.Run(dt.String(), func(t *testing.T) {
			got := runLogits(t, logitsExec(t, newTestModel(t, testConfig(dt), 4)), tokens, mask)
			worst, scale := 0.0, 0.0
			for i := range got {
				for j := 1; j < len(got[i]); j++ { // skip the pad slot of row 0
					worst = max(worst, maxAbsDiff(got[i][j], ref[i][j]))
					for _, v := range ref[i][j] {
						scale = max(scale, v, -v)
					}
				}
			}
			t.Logf("%s: max |Δlogit| = %.3g (max |logit| %.3g)", dt, worst, scale)
			if worst > 0.05*scale {
				t.Errorf("%s logits differ from Float32 by %.3g (max |logit| %.3g)", dt, worst, scale)
			}
		})
	}
}
