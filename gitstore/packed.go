package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// packedRefsName is the file, in the common Git directory, where
// git pack-refs moves refs.
const packedRefsName = "packed-refs"

// packedRefs is a parsed packed-refs file. Lines are kept as they were so
// that removing an entry rewrites the rest byte for byte.
type packedRefs struct {
	path    string
	header  []string // comment lines ("# pack-refs with: ...")
	entries []packedEntry
}

// packedEntry is one "<hex> <name>" line and the "^<hex>" line that peels
// it, if any.
type packedEntry struct {
	name   string
	hash   plumbing.Hash
	line   string
	peeled string
}

// readPackedRefs parses path; a missing file has no entries.
func readPackedRefs(path string) (*packedRefs, error) {
	p := &packedRefs{path: path}
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	text := strings.TrimSuffix(string(data), "\n")
	if text == "" {
		return p, nil
	}
	for i, line := range strings.Split(text, "\n") {
		bad := func() error { return fmt.Errorf("%s:%d: malformed packed ref %q", path, i+1, line) }
		switch {
		case strings.HasPrefix(line, "#"):
			if len(p.entries) > 0 {
				return nil, bad()
			}
			p.header = append(p.header, line)
		case strings.HasPrefix(line, "^"):
			if len(p.entries) == 0 || p.entries[len(p.entries)-1].peeled != "" || !isHexHash(line[1:]) {
				return nil, bad()
			}
			p.entries[len(p.entries)-1].peeled = line
		default:
			hex, name, ok := strings.Cut(line, " ")
			if !ok || !isHexHash(hex) || name == "" {
				return nil, bad()
			}
			p.entries = append(p.entries, packedEntry{name: name, hash: plumbing.NewHash(hex), line: line})
		}
	}
	return p, nil
}

// find returns the packed value of name.
func (p *packedRefs) find(name string) (plumbing.Hash, bool) {
	for _, e := range p.entries {
		if e.name == name {
			return e.hash, true
		}
	}
	return plumbing.ZeroHash, false
}

// dropped returns the file with name's entry left out.
func (p *packedRefs) dropped(name string) *packedRefs {
	out := &packedRefs{path: p.path, header: p.header}
	for _, e := range p.entries {
		if e.name != name {
			out.entries = append(out.entries, e)
		}
	}
	return out
}

// bytes is the file's content, its lines kept as they were read.
func (p *packedRefs) bytes() []byte {
	var b bytes.Buffer
	for _, h := range p.header {
		b.WriteString(h + "\n")
	}
	for _, e := range p.entries {
		b.WriteString(e.line + "\n")
		if e.peeled != "" {
			b.WriteString(e.peeled + "\n")
		}
	}
	return b.Bytes()
}

// isHexHash reports whether s is a full lowercase SHA-1 in hex, as Git
// writes it.
func isHexHash(s string) bool {
	if len(s) != 2*len(plumbing.ZeroHash) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}
