// Package reward holds the rule-based reward functions and answer parsers of
// r1lab: the paper's Knights & Knaves reward, both versions of Logic-RL's
// format+answer reward, and an exact verifier for the toy ARITH domain.
//
// Every function works on plain strings, so the package imports no other
// r1lab package: the text to score is the decoded prompt+response with its
// special tokens kept (as verl's reward managers see it) and the ground truth
// is the dataset's string. The K&K and Logic-RL rewards are ports of the
// Python originals (deep-reasoning's kk_no_format.py, Logic-RL's kk.py) that
// agree with them case by case; testdata/pyref holds an independent Python
// transcription and the cases it scored, which the tests replay.
//
// Where RE2 and Python's re differ the port compensates: Python's \b, \s and
// IGNORECASE are Unicode-aware while RE2's are ASCII-only, so the Logic-RL
// matchers run on an ASCII view of the text (see pyview.go) and spell \s out
// as Python's whitespace set.
package reward
