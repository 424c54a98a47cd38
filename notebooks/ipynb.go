// Package notebooks holds r1lab's GoNB notebooks (*.ipynb in this folder) and
// the Go code that runs and checks them headlessly: it reads executed
// notebooks (nbformat 4 JSON), finds failed cells and checks that each
// notebook produced the figures it declares.
//
// A notebook declares its figures in its metadata:
//
//	"metadata": {"r1lab": {"figures": ["00_quickstart_loss.png"]}, ...}
//
// Each name is a file the notebook must save under $R1LAB_RUN_DIR/figures/
// and display inline (image/png or SVG), so a figure counts only if both
// happened.
//
// Why a checker: `jupyter nbconvert --execute` exits 0 on most runtime
// failures of a Go cell. GoNB reports a failed build, a panic or a non-zero
// exit as an "error" output (ename "ERROR") and carries on, and a failed shell
// command (`!cmd`) only as a stderr line "exit status N"; see Failures.
package notebooks

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// Notebook is the part of an nbformat 4 notebook the checker reads.
type Notebook struct {
	Cells    []Cell   `json:"cells"`
	Metadata Metadata `json:"metadata"`
	NBFormat int      `json:"nbformat"`
}

// Metadata is the notebook-level metadata the checker reads.
type Metadata struct {
	Kernelspec *struct {
		Name        string `json:"name"`
		DisplayName string `json:"display_name"`
		Language    string `json:"language"`
	} `json:"kernelspec,omitempty"`
	R1lab struct {
		// Figures lists the files, relative to $R1LAB_RUN_DIR/figures, the
		// notebook must save (and display inline).
		Figures []string `json:"figures"`
	} `json:"r1lab"`
}

// Cell is one notebook cell.
type Cell struct {
	CellType string   `json:"cell_type"` // "code", "markdown" or "raw"
	Source   Text     `json:"source"`
	Outputs  []Output `json:"outputs,omitempty"`
}

// Output is one output of a code cell.
type Output struct {
	OutputType string `json:"output_type"` // "stream", "display_data", "execute_result" or "error"
	// Stream outputs.
	Name string `json:"name,omitempty"` // "stdout" or "stderr"
	Text Text   `json:"text,omitempty"`
	// Rich outputs: MIME type → content (a string or a list of strings for
	// text and base64 types; JSON types hold any JSON value).
	Data map[string]json.RawMessage `json:"data,omitempty"`
	// Error outputs.
	Ename     string   `json:"ename,omitempty"`
	Evalue    string   `json:"evalue,omitempty"`
	Traceback []string `json:"traceback,omitempty"`
}

// Text is a multi-line string, stored by nbformat either as one string or
// as a list of lines.
type Text string

// UnmarshalJSON accepts a string or a list of strings.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		var parts []string
		if err := json.Unmarshal(b, &parts); err != nil {
			return err
		}
		*t = Text(strings.Join(parts, ""))
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*t = Text(s)
	return nil
}

// DataText returns the content of MIME type mime as a string, and whether
// the output has it as text.
func (o Output) DataText(mime string) (string, bool) {
	raw, ok := o.Data[mime]
	if !ok {
		return "", false
	}
	var t Text
	if err := json.Unmarshal(raw, &t); err != nil {
		return "", false
	}
	return string(t), true
}

// Parse decodes a notebook from nbformat 4 JSON.
func Parse(data []byte) (*Notebook, error) {
	var nb Notebook
	if err := json.Unmarshal(data, &nb); err != nil {
		return nil, err
	}
	if nb.NBFormat != 4 {
		return nil, fmt.Errorf("nbformat %d, want 4", nb.NBFormat)
	}
	return &nb, nil
}

// Read reads and decodes the notebook at path.
func Read(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	nb, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return nb, nil
}

// Failure is one problem found in an executed notebook.
type Failure struct {
	// Cell is the 0-based index of the cell in the notebook, -1 for a
	// notebook-level problem (a missing figure).
	Cell int
	// Reason says what was found, with an excerpt of the output.
	Reason string
}

func (f Failure) String() string {
	if f.Cell < 0 {
		return f.Reason
	}
	return fmt.Sprintf("cell %d: %s", f.Cell, f.Reason)
}

// failureLine matches the lines a failed Go program or command leaves in a
// stream output under GoNB: the runtime's "panic: " and "fatal error: "
// (deadlock, out of memory…), go test's "--- FAIL: " (a %test cell) and the
// "exit status N" line GoNB appends when a program or a !shell command exits
// with a non-zero status. They must start a line, so a program that merely
// prints the words does not fail.
var failureLine = regexp.MustCompile(`(?m)^(panic: .*|fatal error: .*|--- FAIL: .*|exit status [0-9]+)\s*$`)

// Failures lists every failed cell: any output of type "error" (what GoNB
// and Jupyter emit for a build error, a panic, a non-zero exit or a kernel
// error) and any stream output with a failure line (see failureLine), which
// is all GoNB emits when a !shell command fails.
func (nb *Notebook) Failures() []Failure {
	var out []Failure
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			switch o.OutputType {
			case "error":
				msg := "error output: " + strings.TrimSpace(o.Ename+": "+o.Evalue)
				// GoNB shows build errors (file, line, message) as HTML
				// next to the error output, which only says the build failed.
				if detail := htmlDetail(c.Outputs); detail != "" {
					msg += "\n" + excerpt(detail)
				}
				out = append(out, Failure{i, msg})
			case "stream":
				text := ansi.ReplaceAllString(string(o.Text), "")
				if m := failureLine.FindString(text); m != "" {
					msg := fmt.Sprintf("%s shows %q", o.Name, strings.TrimSpace(m))
					if ex := excerpt(text); ex != strings.TrimSpace(m) {
						msg += ":\n" + ex
					}
					out = append(out, Failure{i, msg})
				}
			}
		}
	}
	return out
}

var (
	ansi      = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")
	htmlStyle = regexp.MustCompile(`(?is)<(style|script)\b.*?</(style|script)>`)
	htmlTag   = regexp.MustCompile(`(?s)<[^>]*>`)
	blankRuns = regexp.MustCompile(`\n\s*\n+`)
)

// htmlDetail returns the text of the cell's GoNB error display (class
// "gonb-err…"), tags removed, or "".
func htmlDetail(outputs []Output) string {
	for _, o := range outputs {
		h, ok := o.DataText("text/html")
		if !ok || !strings.Contains(h, "gonb-err") {
			continue
		}
		t := html.UnescapeString(htmlTag.ReplaceAllString(htmlStyle.ReplaceAllString(h, ""), ""))
		return strings.TrimSpace(blankRuns.ReplaceAllString(t, "\n"))
	}
	return ""
}

// Images counts the figures displayed inline: image/png and image/svg+xml
// outputs, and text/html outputs holding an <svg> element (what
// gonbui.DisplaySVG sends).
func (nb *Notebook) Images() int {
	n := 0
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o.OutputType != "display_data" && o.OutputType != "execute_result" {
				continue
			}
			_, png := o.Data["image/png"]
			_, svg := o.Data["image/svg+xml"]
			html, _ := o.DataText("text/html")
			if png || svg || strings.Contains(html, "<svg") {
				n++
			}
		}
	}
	return n
}

// CheckFigures reports each figure declared in the notebook's metadata that
// is not a non-empty PNG or SVG file under figuresDir, and a shortfall of
// inline images (fewer displayed than declared).
func (nb *Notebook) CheckFigures(figuresDir string) []Failure {
	var out []Failure
	want := nb.Metadata.R1lab.Figures
	for _, name := range want {
		path := filepath.Join(figuresDir, name)
		data, err := os.ReadFile(path)
		switch {
		case err != nil:
			out = append(out, Failure{-1, fmt.Sprintf("figure %s not saved: %v", name, err)})
		case !isImage(name, data):
			out = append(out, Failure{-1, fmt.Sprintf("figure %s is not a PNG or SVG image (%d bytes)", path, len(data))})
		}
	}
	if got := nb.Images(); got < len(want) {
		out = append(out, Failure{-1, fmt.Sprintf("%d figures displayed inline, want at least %d (%s)", got, len(want), strings.Join(want, ", "))})
	}
	return out
}

var pngMagic = []byte("\x89PNG\r\n\x1a\n")

func isImage(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".png":
		return bytes.HasPrefix(data, pngMagic) && len(data) > 100
	case ".svg":
		return bytes.Contains(data[:min(len(data), 4096)], []byte("<svg"))
	}
	return false
}

// excerpt shortens s to its first lines, for failure messages.
func excerpt(s string) string {
	s = strings.TrimSpace(s)
	lines := strings.Split(s, "\n")
	if len(lines) > 6 {
		lines = append(lines[:6], "…")
	}
	s = strings.Join(lines, "\n")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}
