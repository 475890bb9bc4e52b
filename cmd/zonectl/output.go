package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/zonectl/zonectl/internal/snapshot"

	"github.com/zonectl/zonectl/internal/registry"
	"github.com/zonectl/zonectl/internal/scratch"
)

// output owns everything zonectl prints: data on stdout, as text or JSON,
// and errors, hints and progress on stderr. Colour is used only when the
// stream is a terminal and neither --no-color nor NO_COLOR says otherwise.
type output struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	format         string // "text" or "json"
	noColor        bool
}

func newOutput(stdin io.Reader, stdout, stderr io.Writer) *output {
	return &output{stdin: stdin, stdout: stdout, stderr: stderr, format: "text"}
}

func (o *output) json() bool { return o.format == "json" }

func (o *output) validate() error {
	switch o.format {
	case "text", "json":
		return nil
	}
	return usagef(fmt.Errorf("invalid --output %q: use text or json", o.format))
}

// isTerminal reports whether a stream (stdin, stdout or stderr) is a
// terminal.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// colorOn reports whether to colour what goes to w.
func (o *output) colorOn(w io.Writer) bool {
	if o.noColor || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	return isTerminal(w)
}

// ANSI styles.
const (
	styleBold   = "\x1b[1m"
	styleRed    = "\x1b[1;31m"
	styleYellow = "\x1b[1;33m"
	styleGreen  = "\x1b[32m"
	styleDim    = "\x1b[2m"
	styleReset  = "\x1b[0m"
)

func (o *output) paint(w io.Writer, style, s string) string {
	if !o.colorOn(w) {
		return s
	}
	return style + s + styleReset
}

// printf writes data to stdout.
func (o *output) printf(format string, args ...any) { fmt.Fprintf(o.stdout, format, args...) }

// printJSON writes v to stdout as indented JSON.
func (o *output) printJSON(v any) error {
	enc := json.NewEncoder(o.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// infof writes a note for the person at the terminal to stderr, so stdout
// stays data.
func (o *output) infof(format string, args ...any) { fmt.Fprintf(o.stderr, format, args...) }

// swept notes, on one line of stderr, what the package store's sweep
// removed from storeDir; nothing when it removed nothing.
func (o *output) swept(where, storeDir string, removed []scratch.Removed) {
	if len(removed) == 0 {
		return
	}
	var size int64
	var names []string
	for _, r := range removed {
		size += r.Size
		if rel, err := filepath.Rel(storeDir, r.Path); err == nil {
			names = append(names, filepath.ToSlash(rel))
		} else {
			names = append(names, r.Path)
		}
	}
	const shown = 3
	list := strings.Join(names[:min(len(names), shown)], ", ")
	if len(names) > shown {
		list += fmt.Sprintf(" and %d more", len(names)-shown)
	}
	entries := "1 entry"
	if len(removed) > 1 {
		entries = fmt.Sprintf("%d entries", len(removed))
	}
	o.infof("zonectl: note: removed what an interrupted zonectl left in the %s %s (%s, %s): %s\n", where, storeDir, entries, humanBytes(size), list)
}

// reportError prints err as `zonectl: error: ...`, with a hint when one is
// known. An error already reported in full prints nothing more.
func (o *output) reportError(err error) {
	if o.json() {
		o.reportErrorJSON(err)
		return
	}
	if full := diskFull(err); full != nil {
		fmt.Fprintf(o.stderr, "%s %s\n", o.paint(o.stderr, styleRed, "zonectl: error:"), full)
		fmt.Fprintf(o.stderr, "%s %s\n", o.paint(o.stderr, styleBold, "zonectl: hint:"), full.hint())
		return
	}
	var f *failure
	if errors.As(err, &f) {
		return
	}
	// An error can quote what a peer sent: it is shown made visible.
	fmt.Fprintf(o.stderr, "%s %s\n", o.paint(o.stderr, styleRed, "zonectl: error:"), snapshot.Visible(err.Error()))
	if hint := hintFor(err); hint != "" {
		fmt.Fprintf(o.stderr, "%s %s\n", o.paint(o.stderr, styleBold, "zonectl: hint:"), hint)
	}
	var u *usageError
	if errors.As(err, &u) || isCobraUsageError(err) {
		fmt.Fprintf(o.stderr, "%s run 'zonectl --help' for usage\n", o.paint(o.stderr, styleBold, "zonectl: hint:"))
	}
}

// reportErrorJSON is reportError for --output json: one JSON object,
// {"error": {"message", "hint", "exit_code"}}, on stdout, where a program
// reading the command's JSON looks (the "error" key tells it from data,
// and the exit code stays), and the same line on stderr, where a log of
// errors looks.
func (o *output) reportErrorJSON(err error) {
	var f *failure
	if errors.As(err, &f) {
		return // the command's JSON on stdout says what failed
	}
	msg, hint := err.Error(), hintFor(err)
	if full := diskFull(err); full != nil {
		msg, hint = full.Error(), full.hint()
	}
	var u *usageError
	if hint == "" && (errors.As(err, &u) || isCobraUsageError(err)) {
		hint = "run 'zonectl --help' for usage"
	}
	body := map[string]any{"message": msg, "exit_code": exitCode(err)}
	if hint != "" {
		body["hint"] = hint
	}
	data, jerr := json.Marshal(map[string]any{"error": body})
	if jerr != nil {
		fmt.Fprintf(o.stderr, "zonectl: error: %v\n", err)
		return
	}
	fmt.Fprintf(o.stdout, "%s\n", data)
	fmt.Fprintf(o.stderr, "%s\n", data)
}

// hintFor is the advice to print beside err: the hint it carries, else
// one for a mistake that is known to lead to it.
func hintFor(err error) string {
	var h *hinted
	if errors.As(err, &h) && h.hint != "" {
		return h.hint
	}
	var re *registry.Error
	if errors.As(err, &re) && re.Hint != "" {
		return re.Hint
	}
	return remoteHint(err)
}

// printTable writes rows to stdout as columns aligned with spaces, the
// first row being the header.
func (o *output) printTable(rows [][]string) error { return writeTable(o.stdout, rows) }

// writeTable lays rows out in columns; widths count runes, so marks such
// as ✓ align.
func writeTable(w io.Writer, rows [][]string) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// vis shows a string that came from a peer with whatever would not show
// itself made visible: control characters, bidirectional overrides and
// look-alike letters cannot rewrite or disguise what the terminal shows.
func vis(s string) string { return snapshot.VisibleLine(s) }
