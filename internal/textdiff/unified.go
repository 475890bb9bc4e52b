package textdiff

import (
	"bytes"
	"fmt"
)

// contextLines is the number of unchanged lines shown around each change, as
// with `diff -u`.
const contextLines = 3

// Unified returns the differences between oldText and newText as a unified
// diff, with oldName and newName in its `---` and `+++` header lines. It
// returns nil when the texts are equal.
//
// The output is what `diff -u --label oldName --label newName` prints for
// the same texts: hunks with three lines of context, `@@ -a,b +c,d @@`
// ranges (`-a` for one line, `-a,0` naming the line before an empty range),
// and `\ No newline at end of file` after a last line that lacks one.
func Unified(oldName, newName string, oldText, newText []byte) []byte {
	if bytes.Equal(oldText, newText) {
		return nil
	}
	a, b := splitLines(oldText), splitLines(newText)
	ia, ib := intern(a, b)
	deleted, inserted := changes(ia, ib)
	slide(ia, deleted, inserted)
	slide(ib, inserted, deleted)

	var out bytes.Buffer
	fmt.Fprintf(&out, "--- %s\n+++ %s\n", oldName, newName)
	for _, h := range hunks(edits(deleted, inserted), len(a)) {
		h.write(&out, a, b)
	}
	return out.Bytes()
}

// edit is one run of changes: del lines of the old text deleted at a, and
// ins lines of the new text inserted at b.
type edit struct {
	a, del, b, ins int
}

// edits collects the runs of changes from the change marks.
func edits(deleted, inserted []bool) []edit {
	var out []edit
	i, j := 0, 0
	for i < len(deleted) || j < len(inserted) {
		if (i < len(deleted) && deleted[i]) || (j < len(inserted) && inserted[j]) {
			e := edit{a: i, b: j}
			for i < len(deleted) && deleted[i] {
				i++
			}
			for j < len(inserted) && inserted[j] {
				j++
			}
			e.del, e.ins = i-e.a, j-e.b
			out = append(out, e)
			continue
		}
		i, j = i+1, j+1
	}
	return out
}

// hunk is a run of edits close enough to share their context, and the
// ranges [a0, a1) and [b0, b1) of the old and new texts it shows.
type hunk struct {
	edits          []edit
	a0, a1, b0, b1 int
}

// hunks groups edits whose context would touch or overlap: those separated
// by at most twice the context of unchanged lines. oldLines is the length of
// the old text, where the last hunk's context stops.
func hunks(edits []edit, oldLines int) []hunk {
	var out []hunk
	for k := 0; k < len(edits); {
		first := edits[k]
		last := k
		for last+1 < len(edits) && edits[last+1].a-(edits[last].a+edits[last].del) <= 2*contextLines {
			last++
		}
		end := edits[last]
		before := min(contextLines, first.a)
		after := min(contextLines, oldLines-(end.a+end.del))
		out = append(out, hunk{
			edits: edits[k : last+1],
			a0:    first.a - before,
			a1:    end.a + end.del + after,
			b0:    first.b - before,
			b1:    end.b + end.ins + after,
		})
		k = last + 1
	}
	return out
}

// write prints the hunk's header and lines.
func (h hunk) write(out *bytes.Buffer, a, b [][]byte) {
	fmt.Fprintf(out, "@@ -%s +%s @@\n", lineRange(h.a0, h.a1), lineRange(h.b0, h.b1))
	pos := h.a0
	for _, e := range h.edits {
		writeLines(out, ' ', a[pos:e.a])
		writeLines(out, '-', a[e.a:e.a+e.del])
		writeLines(out, '+', b[e.b:e.b+e.ins])
		pos = e.a + e.del
	}
	writeLines(out, ' ', a[pos:h.a1])
}

// lineRange formats the zero-based half-open range [lo, hi) as a unified
// diff range: "start,count" with 1-based start, only "start" for a single
// line, and for an empty range the line before it with a count of 0.
func lineRange(lo, hi int) string {
	switch hi - lo {
	case 0:
		return fmt.Sprintf("%d,0", lo)
	case 1:
		return fmt.Sprintf("%d", lo+1)
	default:
		return fmt.Sprintf("%d,%d", lo+1, hi-lo)
	}
}

func writeLines(out *bytes.Buffer, prefix byte, lines [][]byte) {
	for _, l := range lines {
		out.WriteByte(prefix)
		out.Write(l)
		if !bytes.HasSuffix(l, []byte("\n")) {
			out.WriteString("\n\\ No newline at end of file\n")
		}
	}
}
