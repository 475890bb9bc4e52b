package edit

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// RemovePeer returns src, the HCL file filename, without the peer block
// named name (compared ignoring case), its whole lines, the comment lines
// directly above it, and one blank line that separated it from what
// precedes. Every other byte of src is kept. It refuses a file with
// syntax errors, and reports false when the file declares no such peer.
func RemovePeer(filename string, src []byte, name string) ([]byte, bool, error) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, false, fmt.Errorf("cannot remove peer %q: %w", name, diags)
	}
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "peer" || len(b.Labels) == 0 || !strings.EqualFold(b.Labels[0], name) {
			continue
		}
		start := lineStart(src, b.Range().Start.Byte)
		start = commentsAbove(src, start)
		end := afterBlock(src, b)
		if start > 0 && blankLineBefore(src, start) {
			start = lineStart(src, start-1)
		}
		out := append(append([]byte(nil), src[:start]...), src[end:]...)
		if _, diags := hclsyntax.ParseConfig(out, filename, hcl.InitialPos); diags.HasErrors() {
			return nil, false, fmt.Errorf("removing peer %q from %s would leave it invalid: %w", name, filename, diags)
		}
		return out, true, nil
	}
	return src, false, nil
}

// lineStart is the offset where the line holding offset starts.
func lineStart(src []byte, offset int) int {
	return bytes.LastIndexByte(src[:offset], '\n') + 1
}

// commentsAbove is where the run of whole-line comments ending just
// before the line at start begins: they describe the block below them.
func commentsAbove(src []byte, start int) int {
	for start > 0 {
		prev := lineStart(src, start-1)
		line := strings.TrimSpace(string(src[prev:start]))
		if !strings.HasPrefix(line, "#") && !strings.HasPrefix(line, "//") {
			return start
		}
		start = prev
	}
	return start
}

// blankLineBefore reports whether the line before start is blank.
func blankLineBefore(src []byte, start int) bool {
	prev := lineStart(src, start-1)
	return strings.TrimSpace(string(src[prev:start])) == ""
}
