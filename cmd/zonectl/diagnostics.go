package main

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/hashicorp/hcl/v2"

	"github.com/zonectl/zonectl/hcl/config"
)

// printDiagnostics writes diagnostics as Terraform does: the summary, the
// place as file:line:column, the source line with the range underlined,
// then the detail. Secrets written in plain text are masked in the source
// line, so a CI log never repeats them.
func (o *output) printDiagnostics(w io.Writer, diags hcl.Diagnostics, files map[string]*hcl.File) {
	for _, d := range diags {
		label, style := "Error", styleRed
		if d.Severity == hcl.DiagWarning {
			label, style = "Warning", styleYellow
		}
		fmt.Fprintf(w, "%s %s\n", o.paint(w, style, label+":"), o.paint(w, styleBold, d.Summary))
		if d.Subject != nil {
			fmt.Fprintf(w, "\n  on %s:%d:%d:\n", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
			if f := files[d.Subject.Filename]; f != nil {
				_, masked := d.Extra.(config.SensitiveSubject)
				o.printSnippet(w, f.Bytes, *d.Subject, style, masked)
			}
		}
		if d.Detail != "" {
			fmt.Fprintf(w, "\n%s\n", d.Detail)
		}
		fmt.Fprintln(w)
	}
}

// printSnippet shows the subject's first line with its range underlined.
func (o *output) printSnippet(w io.Writer, src []byte, rng hcl.Range, style string, masked bool) {
	lines := bytes.Split(src, []byte("\n"))
	n := rng.Start.Line
	if n < 1 || n > len(lines) {
		return
	}
	line := strings.TrimRight(string(lines[n-1]), "\r")
	start := clamp(rng.Start.Byte-lineStart(src, n), 0, len(line))
	end := len(line)
	if rng.End.Line == n {
		end = clamp(rng.End.Byte-lineStart(src, n), start, len(line))
	}
	if masked {
		line = line[:start] + "********" + line[end:]
		end = start + len("********")
	}
	line = strings.ReplaceAll(line, "\t", " ")
	prefix := fmt.Sprintf("  %5d: ", n)
	fmt.Fprintf(w, "%s%s\n", prefix, line)
	width := max(1, len([]rune(line[start:end])))
	pad := strings.Repeat(" ", len(prefix)+len([]rune(line[:start])))
	fmt.Fprintf(w, "%s%s\n", pad, o.paint(w, style, strings.Repeat("^", width)))
}

// lineStart returns the byte offset at which line n (1-based) starts.
func lineStart(src []byte, n int) int {
	off := 0
	for i := 1; i < n; i++ {
		j := bytes.IndexByte(src[off:], '\n')
		if j < 0 {
			return len(src)
		}
		off += j + 1
	}
	return off
}

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }

// jsonDiagnostic is one diagnostic as `--output json` prints it, for CI
// annotations.
type jsonDiagnostic struct {
	Severity string   `json:"severity"`
	Summary  string   `json:"summary"`
	Detail   string   `json:"detail,omitempty"`
	File     string   `json:"file,omitempty"`
	Start    *jsonPos `json:"start,omitempty"`
	End      *jsonPos `json:"end,omitempty"`
}

type jsonPos struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

func diagnosticsJSON(diags hcl.Diagnostics) []jsonDiagnostic {
	out := make([]jsonDiagnostic, 0, len(diags))
	for _, d := range diags {
		j := jsonDiagnostic{Severity: "error", Summary: d.Summary, Detail: d.Detail}
		if d.Severity == hcl.DiagWarning {
			j.Severity = "warning"
		}
		if s := d.Subject; s != nil {
			j.File = s.Filename
			j.Start = &jsonPos{Line: s.Start.Line, Column: s.Start.Column}
			j.End = &jsonPos{Line: s.End.Line, Column: s.End.Column}
		}
		out = append(out, j)
	}
	return out
}

// countDiagnostics says how many errors and warnings there are, in words.
func countDiagnostics(diags hcl.Diagnostics) string {
	var errs, warns int
	for _, d := range diags {
		if d.Severity == hcl.DiagError {
			errs++
		} else {
			warns++
		}
	}
	return fmt.Sprintf("%s, %s", plural(errs, "error"), plural(warns, "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
