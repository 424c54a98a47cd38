// Package corpus generates the synthetic pre-training corpus of r1lab's base
// model, the toy stand-in for Qwen2.5-1.5B base in the paper "Towards
// Revealing the Effectiveness of Small-Scale Fine-tuning in R1-style
// Reinforcement Learning" (DESIGN.md §4).
//
// The base must already score a little above zero under the paper's RL
// prompt — it knows the answer format and some of the rules — so that RL alone
// improves it slowly while a small SFT changes it a lot. The corpus teaches
// that and no more, through five kinds of documents (Kind):
//
//   - K&K semantics: true sentences about what a claim's truth is under an
//     assignment and what a knight's or knave's claim implies (the rules);
//   - K&K episodes: a puzzle in the paper's chat prompt and a short response
//     (a boxed answer, sometimes after a few template-CoT steps) that is right
//     only with Config.CorrectRate; wrong episodes flip roles and may contain
//     wrong steps; never a complete trace, which is what SFT teaches;
//   - K&K fragments: the long-CoT teacher's phrases filled with random
//     content, so the long-CoT arm's vocabulary is not new to the base;
//   - ARITH episodes: a problem and its short solution, some with a wrong
//     step and answer;
//   - ARITH fragments: a few consecutive paragraphs of a teacher trace.
//
// Every document ends with the end-of-text marker, so documents can be
// concatenated into one training stream. The corpus uses its own sampler
// seed and an Exclusion built from the real splits, so no test, RL-train or
// SFT puzzle or problem appears in it. Everything is deterministic for
// Config.Seed; a shorter corpus is a prefix of a longer one with the same
// configuration.
package corpus
