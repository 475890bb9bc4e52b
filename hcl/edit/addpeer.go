package edit

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// ErrPeerExists is wrapped by the error AddPeer returns for a peer that the
// file declares already.
var ErrPeerExists = errors.New("peer already declared")

// AddPeer returns src, the HCL file filename, with a peer block for p added:
// after the last peer block in the file, or at its end when it has none,
// separated from its neighbours by a blank line. The block is laid out as
// `zonectl fmt` lays it out, with the file's line endings (LF or CRLF);
// every other byte of src is kept, except blank lines at the end of the
// file. Only the new block is formatted, so a file that was formatted stays
// formatted and one that was not is not reflowed behind its author's back.
//
// AddPeer refuses a file with syntax errors, and a peer whose name the file
// declares already; names are compared ignoring case, since Spaces match
// names that way. The errors name the file and line.
func AddPeer(filename string, src []byte, p Peer) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	// The block is spliced in at a byte offset, because hclwrite can only
	// append to a body; the hclsyntax tree gives the offsets, and the
	// lines of existing peers for the error about a duplicate.
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("cannot add peer %q: %w", p.Name, diags)
	}

	var last *hclsyntax.Block
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type != "peer" {
			continue
		}
		if len(b.Labels) > 0 && strings.EqualFold(b.Labels[0], p.Name) {
			return nil, duplicate(p.Name, b)
		}
		last = b
	}

	block := p.block()
	nl := []byte("\n")
	if bytes.Contains(src, []byte("\r\n")) {
		nl = []byte("\r\n") // keep a Windows file's line endings
		block = bytes.ReplaceAll(block, []byte("\n"), nl)
	}
	var out []byte
	if last != nil {
		out = insertAfter(src, afterBlock(src, last), block, nl)
	} else {
		out = appendBlock(src, block, nl)
	}

	if err := checkAdded(filename, out, p.Name); err != nil {
		return nil, err
	}
	return out, nil
}

// checkAdded makes sure that out, the result of adding peer name to
// filename, parses and declares that peer, so that a mistake in splicing
// bytes becomes an error rather than a damaged file.
func checkAdded(filename string, out []byte, name string) error {
	file, diags := hclsyntax.ParseConfig(out, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return fmt.Errorf("adding peer %q would leave %s invalid (a zonectl bug): %w", name, filename, diags)
	}
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "peer" && len(b.Labels) == 1 && b.Labels[0] == name {
			return nil
		}
	}
	return fmt.Errorf("adding peer %q to %s failed: the block is not where it was written (a zonectl bug)", name, filename)
}

// afterBlock returns the offset where the line after block starts: past the
// newline that ends the block, or the end of src. Comments after the closing
// brace stay with the block, even a /* */ comment spanning lines.
func afterBlock(src []byte, block *hclsyntax.Block) int {
	end := block.Range().End.Byte
	tokens, _ := hclsyntax.LexConfig(src[end:], "", hcl.InitialPos)
	for _, tok := range tokens {
		switch {
		case tok.Type == hclsyntax.TokenNewline,
			tok.Type == hclsyntax.TokenComment && bytes.HasSuffix(tok.Bytes, []byte("\n")):
			return end + tok.Range.End.Byte
		case tok.Type == hclsyntax.TokenEOF:
			return len(src)
		}
	}
	return len(src)
}

// duplicate is the error for a peer named name that b declares already.
func duplicate(name string, b *hclsyntax.Block) error {
	where := fmt.Sprintf("%s:%d", b.DefRange().Filename, b.DefRange().Start.Line)
	if b.Labels[0] == name {
		return fmt.Errorf("%w: peer %q is declared at %s", ErrPeerExists, name, where)
	}
	return fmt.Errorf("%w: peer %q is declared at %s as %q (peer names match regardless of case)", ErrPeerExists, name, where, b.Labels[0])
}

// lineEnd returns the offset just past the newline that ends the line
// holding offset, or len(src) on the last line when it has no newline.
func lineEnd(src []byte, offset int) int {
	if i := bytes.IndexByte(src[offset:], '\n'); i >= 0 {
		return offset + i + 1
	}
	return len(src)
}

// insertAfter returns src with block inserted at pos, the start of a line
// (or the end of src), with a blank line before it and, unless the next line
// is blank or there is none, a blank line after it. nl is the file's line
// ending.
func insertAfter(src []byte, pos int, block, nl []byte) []byte {
	out := make([]byte, 0, len(src)+len(block)+3*len(nl))
	out = append(out, src[:pos]...)
	if pos > 0 && src[pos-1] != '\n' {
		out = append(out, nl...)
	}
	out = append(out, nl...)
	out = append(out, block...)
	if rest := src[pos:]; len(rest) > 0 && !startsBlank(rest) {
		out = append(out, nl...)
	}
	return append(out, src[pos:]...)
}

// appendBlock returns src with block at its end, after a blank line unless
// src holds nothing but whitespace. Blank lines at the end of src are
// dropped, so that exactly one separates the block from what precedes it.
func appendBlock(src, block, nl []byte) []byte {
	end := len(bytes.TrimRight(src, " \t\r\n"))
	if end == 0 {
		return append([]byte(nil), block...)
	}
	pos := lineEnd(src, end-1)
	return insertAfter(src[:pos], pos, block, nl)
}

// startsBlank reports whether the first line of text holds only whitespace.
func startsBlank(text []byte) bool {
	line, _, _ := bytes.Cut(text, []byte("\n"))
	return len(bytes.TrimSpace(line)) == 0
}
