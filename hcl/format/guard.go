package format

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// checkOnlyWhitespace reports an error diagnostic when out is not src with
// only whitespace changed: when their tokens, newlines aside, differ. It
// guards against hclwrite.Format joining tokens that must stay apart; for
// example it writes `0 .0` (an index into the number 0) as `0.0`, a number.
// The diagnostic points at the first token in src that formatting would
// change, so that the author can rewrite it.
func checkOnlyWhitespace(filename string, src, out []byte) hcl.Diagnostics {
	before, _ := hclsyntax.LexConfig(src, filename, hcl.InitialPos)
	after, _ := hclsyntax.LexConfig(out, filename, hcl.InitialPos)
	before, after = significant(before), significant(after)

	for i, tok := range before {
		if i < len(after) && bytes.Equal(tokenText(tok), tokenText(after[i])) {
			continue
		}
		return changedDiag(tok.Range)
	}
	if len(after) > len(before) {
		end := hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos}
		if len(before) > 0 {
			end = before[len(before)-1].Range
		}
		return changedDiag(end)
	}
	return nil
}

func changedDiag(subject hcl.Range) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Cannot format this file",
		Detail:   "Formatting would change more than whitespace here, so the file was left as it is. Rewrite this expression without the spaces inside it (or report the file as a zonectl bug if it looks ordinary).",
		Subject:  subject.Ptr(),
	}}
}

// significant drops the tokens that formatting may add or remove: newlines
// (blank lines at the start and end of a file) and the end-of-file marker.
func significant(tokens hclsyntax.Tokens) hclsyntax.Tokens {
	out := tokens[:0:0]
	for _, tok := range tokens {
		switch tok.Type {
		case hclsyntax.TokenNewline, hclsyntax.TokenEOF:
			continue
		}
		out = append(out, tok)
	}
	return out
}

// tokenText is a token's bytes as formatting may legitimately leave them:
// LF line endings, and without the trailing whitespace of a comment or of a
// heredoc's closing marker line.
func tokenText(tok hclsyntax.Token) []byte {
	b := bytes.ReplaceAll(tok.Bytes, []byte("\r\n"), []byte("\n"))
	switch tok.Type {
	case hclsyntax.TokenComment, hclsyntax.TokenCHeredoc:
		b = bytes.TrimRight(b, " \t\r\n")
	}
	return b
}
