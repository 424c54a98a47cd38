package rl

import (
	"time"

	"github.com/r1lab/r1lab/gomlxmodels/grpo"
	"github.com/r1lab/r1lab/gomlxmodels/sample"
)

// picks returns step s's prompts: block (s−1) mod stepsPerEpoch of its epoch's shuffle. The last
// incomplete block of an epoch is dropped, as verl's dataloader does (drop_last).
func (r *runner) picks(s int) (picks []item, epoch int) {
	per := r.c.PromptsPerStep
	stepsPerEpoch := len(r.train) / per
	epoch, k := (s-1)/stepsPerEpoch, (s-1)%stepsPerEpoch
	order := epochOrder(len(r.train), r.c.Seed, epoch)
	picks = make([]item, per)
	for i := range picks {
		picks[i] = r.train[order[k*per+i]]
	}
	return picks, epoch
}

// trainStep runs the training part of step s: rollouts, rewards and advantages, reference
// log-probs (ref may be nil), and the policy update. It returns the step's training metrics and
// rollouts; an error (e.g. a non-finite reward or loss) leaves the run to stop.
func (r *runner) trainStep(s int, smp *sample.Sampler, upd *grpo.Updater, ref *grpo.LogProber) (map[string]float64, *stepRollouts, error) {
	c := r.c
	picks, epoch := r.picks(s)
	ro, err := generate(smp, r.tok, c, s, picks)
	if err != nil {
		return nil, nil, err
	}
	metrics := rolloutMetrics(ro.rows, c.MaxNewTokens)
	metrics["timing_s/gen"] = ro.genTime.Seconds()
	metrics["perf/rollout_tokens_per_s"] = float64(ro.tokens) / ro.genTime.Seconds()
	metrics["training/epoch"] = float64(epoch)

	batch, err := ro.batch(r.tok.PadID(), c.LengthBucket)
	if err != nil {
		return nil, nil, err
	}
	if ref != nil {
		t := time.Now()
		if batch.RefLogProbs, err = ref.LogProbs(batch); err != nil {
			return nil, nil, err
		}
		metrics["timing_s/ref"] = time.Since(t).Seconds()
	}
	t := time.Now()
	actor, err := upd.Step(batch, c.GRPO.LearningRateAt(s))
	if err != nil {
		return nil, nil, err
	}
	metrics["timing_s/update"] = time.Since(t).Seconds()
	for name, v := range actor {
		metrics[name] = v
	}
	return metrics, ro, nil
}
