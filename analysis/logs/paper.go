package logs

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/r1lab/r1lab/datasets/prompt"
)

// Names of the paper's replay-buffer files (research/paper.md §7).
const (
	paperTrainPrefix = "step_"     // step_<k>.jsonl: the rollouts of training step k (from 1)
	paperValPrefix   = "val_step_" // val_step_<k>.jsonl: validation before step k+1 (0 = before training)
	jsonlExt         = ".jsonl"
)

// ReadPaperBuffer reads a directory of the paper's replay-buffer files:
// every step_<k>.jsonl (training rollouts) in step order, then every
// val_step_<k>.jsonl (validation responses, Eval true) in step order. See
// [ReadPaperFile] for the fields.
func ReadPaperBuffer(dir string) ([]Sample, error) {
	var out []Sample
	for _, prefix := range []string{paperTrainPrefix, paperValPrefix} {
		files, err := stepFiles(dir, prefix, jsonlExt)
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			s, err := ReadPaperFile(f.path)
			if err != nil {
				return nil, err
			}
			out = append(out, s...)
		}
	}
	return out, nil
}

// ReadPaperFile reads one replay-buffer file of the paper's code: one JSON
// object per line with fields output (string: prompt+response as decoded,
// special tokens kept), index and level (integers), correctness (a boolean,
// or a number: the 0.0/1.0 the code writes), ground_truth and data_source
// (strings); other fields are ignored, blank lines skipped.
//
// The step and Eval come from the file name (step_<k>.jsonl, or
// val_step_<k>.jsonl for Eval); another name gives Step −1. The rest is
// derived as the paper's code would:
//
//   - Prompt and Response split output with [SplitOutput].
//   - Reward is the correctness as a number (the reward is binary) and
//     Correct is Reward > 0.5, the code's rule.
//   - Truncated is true when output does not end with <|endoftext|> or
//     <|im_end|>: the reward's end-of-sequence check, the only trace of
//     truncation in the file.
//   - Sample is the response's position among the file's lines with the
//     same index (verl writes a prompt's group consecutively).
//   - Length is −1 (tokens are not logged); there is no advantage (the file
//     is written before advantages are computed) and no log-probability.
func ReadPaperFile(path string) ([]Sample, error) {
	step, eval := int64(-1), false
	base := filepath.Base(path)
	if k, ok := stepOf(base, paperValPrefix, jsonlExt); ok {
		step, eval = k, true
	} else if k, ok := stepOf(base, paperTrainPrefix, jsonlExt); ok {
		step = k
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("logs: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<20)
	var out []Sample
	seen := map[int64]int64{}
	for line := int64(1); ; line++ {
		text, err := r.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("logs: %s line %d: %w", path, line, err)
		}
		if len(bytes.TrimSpace(text)) > 0 {
			s, perr := parsePaperLine(text)
			if perr != nil {
				return nil, fmt.Errorf("logs: %s line %d: %w", path, line, perr)
			}
			s.Source, s.Pos, s.Step, s.Eval = path, line, step, eval
			s.Sample = seen[s.Index]
			seen[s.Index]++
			out = append(out, s)
		}
		if errors.Is(err, io.EOF) {
			return out, nil
		}
	}
}

// parsePaperLine decodes one replay-buffer line.
func parsePaperLine(text []byte) (Sample, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(text, &obj); err != nil {
		return Sample{}, fmt.Errorf("bad JSON: %w", err)
	}
	if obj == nil {
		return Sample{}, fmt.Errorf("bad JSON: want an object, got null")
	}
	j := jsonObject(obj)
	var s Sample
	var output string
	var err error
	for _, f := range []struct {
		name string
		dst  *string
	}{{"output", &output}, {"ground_truth", &s.GroundTruth}, {"data_source", &s.DataSource}} {
		if *f.dst, err = j.str(f.name); err != nil {
			return Sample{}, err
		}
	}
	if s.Index, err = j.int("index"); err != nil {
		return Sample{}, err
	}
	if s.Level, err = j.int("level"); err != nil {
		return Sample{}, err
	}
	if s.Reward, err = j.score("correctness"); err != nil {
		return Sample{}, err
	}
	s.Correct = s.Reward > 0.5
	s.Prompt, s.Response = SplitOutput(output)
	s.Truncated = !strings.HasSuffix(output, prompt.EndOfText) && !strings.HasSuffix(output, prompt.ImEnd)
	s.Length = -1
	return s, nil
}

// jsonObject gives typed access to a decoded JSON object's fields; each
// accessor's error names the field.
type jsonObject map[string]json.RawMessage

// get returns the raw value of a field that must be present.
func (j jsonObject) get(name string) (json.RawMessage, error) {
	raw, ok := j[name]
	if !ok {
		return nil, fmt.Errorf("missing field %q", name)
	}
	return raw, nil
}

// str reads a string field.
func (j jsonObject) str(name string) (string, error) {
	raw, err := j.get(name)
	if err != nil {
		return "", err
	}
	var s string
	if kind := jsonKind(raw); kind != "a string" || json.Unmarshal(raw, &s) != nil {
		return "", fmt.Errorf("field %q: want a string, got %s", name, kind)
	}
	return s, nil
}

// int reads an integer field; a number with a zero fraction (3.0, as
// Python writes floats) is accepted.
func (j jsonObject) int(name string) (int64, error) {
	raw, err := j.get(name)
	if err != nil {
		return 0, err
	}
	if kind := jsonKind(raw); kind != "a number" {
		return 0, fmt.Errorf("field %q: want an integer, got %s", name, kind)
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil {
		return n, nil
	}
	v, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		return 0, fmt.Errorf("field %q: want an integer, got %s", name, raw)
	}
	return int64(v), nil
}

// score reads a correctness field: true/false as 1/0, or a finite number.
func (j jsonObject) score(name string) (float64, error) {
	raw, err := j.get(name)
	if err != nil {
		return 0, err
	}
	switch kind := jsonKind(raw); kind {
	case "a boolean":
		if string(raw) == "true" {
			return 1, nil
		}
		return 0, nil
	case "a number":
		v, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || math.IsInf(v, 0) {
			return 0, fmt.Errorf("field %q: bad number %s", name, raw)
		}
		return v, nil
	default:
		return 0, fmt.Errorf("field %q: want a boolean or a number, got %s", name, kind)
	}
}

// jsonKind names the JSON type of a raw value (valid JSON, as decoded).
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// Response markers SplitOutput looks for, in order: the Qwen chat template's
// assistant turn (the RL prompt ends with its newline; an SFT-style prompt
// without it), then the base-model template's last line.
var outputMarkers = []string{
	prompt.ImStart + "assistant\n",
	prompt.ImStart + "assistant",
	"\nAnswer:\nLet's think step by step.",
}

// SplitOutput splits a decoded prompt+response (the paper's "output") into
// the prompt and the response, at the first occurrence of the assistant
// turn's opening "<|im_start|>assistant\n" (the prompt keeps it, as r1lab's
// RL prompts do), else of "<|im_start|>assistant", else of the base-model
// template's "\nAnswer:\nLet's think step by step.". Without any of them the
// prompt is empty and the response is the whole output. prompt+response is
// always output.
func SplitOutput(output string) (promptText, response string) {
	for _, m := range outputMarkers {
		if i := strings.Index(output, m); i >= 0 {
			return output[:i+len(m)], output[i+len(m):]
		}
	}
	return "", output
}
