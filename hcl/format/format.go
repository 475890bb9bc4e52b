package format

import (
	"bytes"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
)

// maxPasses bounds how often Source re-applies hclwrite.Format while looking
// for a fixed point. One pass is almost always enough; a second catches the
// rare layout that only settles once its own output is re-read.
const maxPasses = 4

// Source returns src in canonical layout. filename is used only in
// diagnostics.
//
// src is parsed first; if it has syntax errors, Source returns nil and those
// diagnostics, never a half-formatted file. Otherwise the result is
// hclwrite.Format's output with CRLF line endings turned into LF, trailing
// whitespace removed (except inside heredoc bodies, where it is content),
// leading blank lines dropped and exactly one final newline. A file holding
// nothing but whitespace formats to an empty file. Source is idempotent:
// Source(Source(x)) equals Source(x).
func Source(filename string, src []byte) ([]byte, hcl.Diagnostics) {
	if _, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, diags
	}

	out := bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	stable := false
	for range maxPasses {
		next := normalize(hclwrite.Format(out))
		if bytes.Equal(next, out) {
			stable = true
			break
		}
		out = next
	}

	if stable && bytes.Equal(out, src) {
		// Already formatted, and just parsed: nothing to check (most files
		// of a Space, every one under fmt --check in CI).
		return out, nil
	}
	// hclwrite.Format promises to change whitespace only, and its output
	// to parse. Check rather than trust: writing a broken or altered file
	// over a good one is the one mistake fmt must never make.
	if diags := checkOnlyWhitespace(filename, src, out); diags.HasErrors() {
		return nil, diags
	}
	if _, diags := hclsyntax.ParseConfig(out, filename, hcl.InitialPos); diags.HasErrors() {
		return nil, bug(filename, "Formatting this file would make it invalid")
	}
	if !stable {
		return nil, bug(filename, "Formatting this file does not settle on one layout")
	}
	return out, nil
}

// bug is the diagnostic for a file that Source cannot format for a reason
// that is zonectl's fault rather than the file's.
func bug(filename, what string) hcl.Diagnostics {
	return hcl.Diagnostics{{
		Severity: hcl.DiagError,
		Summary:  "Cannot format this file",
		Detail:   what + ", so it was left as it is. This is a bug in zonectl; please report it with the file.",
		Subject:  &hcl.Range{Filename: filename, Start: hcl.InitialPos, End: hcl.InitialPos},
	}}
}
