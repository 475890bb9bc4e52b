package format

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// normalize applies the whitespace rules that hclwrite.Format leaves alone:
// LF line endings, no trailing whitespace on any line outside a heredoc
// body, no blank lines at the start, and exactly one newline at the end (none
// at all for a file with no content).
//
// Trailing whitespace includes a lone carriage return, which outside a heredoc
// can only end a comment.
func normalize(src []byte) []byte {
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	bodies := heredocBodies(src)
	b := 0 // the first body that does not end before the current line

	out := make([]byte, 0, len(src)+1)
	for start := 0; start < len(src); {
		end := bytes.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		line := src[start:end]
		for b < len(bodies) && bodies[b].end <= end {
			b++
		}
		if b == len(bodies) || end < bodies[b].start {
			line = bytes.TrimRight(line, " \t\r")
		}
		out = append(out, line...)
		if end < len(src) {
			out = append(out, '\n')
		}
		start = end + 1
	}

	out = bytes.TrimLeft(out, "\n")
	out = bytes.TrimRight(out, "\n")
	if len(out) == 0 {
		return out
	}
	return append(out, '\n')
}

// span is a half-open range of byte offsets.
type span struct{ start, end int }

// heredocBodies returns the byte ranges of src that hold heredoc bodies: from
// just after the newline that ends a `<<EOT` introducer to the start of the
// line holding its closing marker. Whitespace there is the string's content.
// A heredoc nested inside another's interpolation lies within the outer span.
func heredocBodies(src []byte) []span {
	tokens, _ := hclsyntax.LexConfig(src, "", hcl.InitialPos)
	var out []span
	depth := 0
	for _, tok := range tokens {
		switch tok.Type {
		case hclsyntax.TokenOHeredoc:
			if depth == 0 {
				out = append(out, span{start: tok.Range.End.Byte, end: len(src)})
			}
			depth++
		case hclsyntax.TokenCHeredoc:
			if depth == 0 {
				continue
			}
			depth--
			if depth == 0 {
				out[len(out)-1].end = tok.Range.Start.Byte
			}
		}
	}
	return out
}
