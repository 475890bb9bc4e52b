package textdiff

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// apply applies a unified diff, as Unified writes it, to old and returns the
// new text. It checks every context and deleted line against old and every
// hunk's counts against its header, so a wrong diff fails rather than
// producing some other text.
func apply(old []byte, diff []byte) ([]byte, error) {
	if len(diff) == 0 {
		return old, nil
	}
	a := splitLines(old)
	lines := splitLines(diff)
	if len(lines) < 2 || !bytes.HasPrefix(lines[0], []byte("--- ")) || !bytes.HasPrefix(lines[1], []byte("+++ ")) {
		return nil, fmt.Errorf("missing --- and +++ header lines")
	}
	lines = lines[2:]

	var out []byte
	pos := 0 // next line of a to copy
	for len(lines) > 0 {
		header := string(lines[0])
		var oldStart, oldCount, newStart, newCount int
		if err := parseHunkHeader(header, &oldStart, &oldCount, &newStart, &newCount); err != nil {
			return nil, err
		}
		lines = lines[1:]
		// An empty range names the line before it.
		first := oldStart - 1
		if oldCount == 0 {
			first = oldStart
		}
		if first < pos || first > len(a) {
			return nil, fmt.Errorf("hunk %q starts at line %d, before line %d or past the end", strings.TrimSpace(header), first+1, pos+1)
		}
		for ; pos < first; pos++ {
			out = append(out, a[pos]...)
		}
		var seenOld, seenNew int
		for len(lines) > 0 && !bytes.HasPrefix(lines[0], []byte("@@ ")) {
			l := lines[0]
			lines = lines[1:]
			text := l[1:]
			// A "\ No newline" marker strips the newline of the line
			// before it.
			if len(lines) > 0 && bytes.HasPrefix(lines[0], []byte(`\ No newline at end of file`)) {
				text = bytes.TrimSuffix(text, []byte("\n"))
				lines = lines[1:]
			}
			switch l[0] {
			case ' ', '-':
				if pos >= len(a) || !bytes.Equal(a[pos], text) {
					return nil, fmt.Errorf("line %d of old is not %q", pos+1, text)
				}
				pos++
				seenOld++
				if l[0] == ' ' {
					out = append(out, text...)
					seenNew++
				}
			case '+':
				out = append(out, text...)
				seenNew++
			default:
				return nil, fmt.Errorf("unexpected line %q", l)
			}
		}
		if seenOld != oldCount || seenNew != newCount {
			return nil, fmt.Errorf("hunk %q has %d old and %d new lines", strings.TrimSpace(header), seenOld, seenNew)
		}
		_ = newStart
	}
	for ; pos < len(a); pos++ {
		out = append(out, a[pos]...)
	}
	return out, nil
}

// parseHunkHeader reads "@@ -a,b +c,d @@" where ",b" and ",d" may be left
// out for a count of one.
func parseHunkHeader(h string, oldStart, oldCount, newStart, newCount *int) error {
	f := strings.Fields(h)
	if len(f) != 4 || f[0] != "@@" || f[3] != "@@" || !strings.HasPrefix(f[1], "-") || !strings.HasPrefix(f[2], "+") {
		return fmt.Errorf("malformed hunk header %q", strings.TrimSpace(h))
	}
	if err := parseRange(f[1][1:], oldStart, oldCount); err != nil {
		return fmt.Errorf("hunk header %q: %w", strings.TrimSpace(h), err)
	}
	if err := parseRange(f[2][1:], newStart, newCount); err != nil {
		return fmt.Errorf("hunk header %q: %w", strings.TrimSpace(h), err)
	}
	return nil
}

func parseRange(r string, start, count *int) error {
	s, c, found := strings.Cut(r, ",")
	var err error
	if *start, err = strconv.Atoi(s); err != nil {
		return err
	}
	*count = 1
	if found {
		if *count, err = strconv.Atoi(c); err != nil {
			return err
		}
	}
	return nil
}
