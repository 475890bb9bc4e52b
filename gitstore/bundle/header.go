package bundle

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

const (
	// maxLineLength bounds one header line, newline excluded. A line is a
	// 40-digit id, a space and a ref name or a commit subject; a longer one
	// is not from git.
	maxLineLength = 64 << 10
	// maxHeaderSize bounds the whole header, so that a hostile bundle
	// cannot make ReadHeader hold an unbounded list of references.
	maxHeaderSize = 64 << 20

	signatureV2 = "# v2 git bundle"
	signatureV3 = "# v3 git bundle"

	capObjectFormat = "object-format"
	capFilter       = "filter"
)

// Header is what a bundle holds before its pack.
type Header struct {
	// Version is 2 or 3. Only a v3 header has capabilities.
	Version int
	// Capabilities are the v3 "@key=value" lines. The only one supported
	// is object-format=sha1; nil in a v2 header.
	Capabilities map[string]string
	// Prerequisites are commits the bundle does not hold and its reader
	// must have, with all their history.
	Prerequisites []Prerequisite
	// References are what the bundle offers, in the order written. There
	// is at least one, and no name appears twice.
	References []Reference
}

// Prerequisite is a commit a bundle's reader must already have.
type Prerequisite struct {
	Hash plumbing.Hash
	// Comment is free text, by convention the commit's subject; readers
	// ignore it. It holds no newline and no NUL.
	Comment string
}

// Reference is a ref a bundle offers: a name ("HEAD" or a full name under
// refs/) and the object it points at.
type Reference struct {
	Name string
	Hash plumbing.Hash
}

// ReadHeader reads a bundle header from r, up to and including the blank
// line that precedes the pack, and leaves r at the first byte of the pack.
// It is strict: every line must follow gitformat-bundle(5) in the order
// capabilities, prerequisites, references; object ids are 40 hex digits and
// not all zero; reference names pass git check-ref-format (or are HEAD) and
// are not repeated; lines are at most 64 KiB. Errors are *HeaderError and
// name the line.
func ReadHeader(r *bufio.Reader) (*Header, error) {
	p := headerParser{r: r}
	first, err := p.line()
	if err != nil {
		return nil, err
	}
	switch string(first) {
	case signatureV2:
		p.h.Version = 2
	case signatureV3:
		p.h.Version = 3
		p.h.Capabilities = map[string]string{}
	default:
		return nil, p.badSignature(first)
	}
	for {
		line, err := p.line()
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			break
		}
		if err := p.parse(line); err != nil {
			return nil, err
		}
	}
	if len(p.h.References) == 0 {
		return nil, &HeaderError{Line: p.n, Msg: "the bundle has no references"}
	}
	return &p.h, nil
}

type headerParser struct {
	r     *bufio.Reader
	n     int // the line last read
	total int // bytes read so far
	h     Header
	refs  map[string]bool
	pre   map[plumbing.Hash]bool
}

func (p *headerParser) errorf(format string, args ...any) *HeaderError {
	return &HeaderError{Line: p.n, Msg: fmt.Sprintf(format, args...)}
}

func (p *headerParser) unsupportedf(format string, args ...any) *HeaderError {
	return &HeaderError{Line: p.n, Msg: fmt.Sprintf(format, args...), Err: ErrUnsupported}
}

// line returns the next line without its newline.
func (p *headerParser) line() ([]byte, error) {
	p.n++
	var line []byte
	for {
		frag, err := p.r.ReadSlice('\n')
		line = append(line, frag...)
		if err != nil && bytes.HasPrefix(line, []byte("PACK")) {
			return nil, p.errorf("found the pack where a reference was expected: the blank line before the pack is missing")
		}
		if len(line) > maxLineLength+1 {
			return nil, p.errorf("line longer than %d bytes", maxLineLength)
		}
		switch {
		case err == nil:
			p.total += len(line)
			if p.total > maxHeaderSize {
				return nil, p.errorf("the header is longer than %d bytes", maxHeaderSize)
			}
			return line[:len(line)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && p.n == 1 && len(line) == 0:
			return nil, &HeaderError{Msg: "not a git bundle: the input is empty"}
		case errors.Is(err, io.EOF):
			return nil, p.errorf("the bundle ends inside its header, before the blank line that starts the pack")
		default:
			return nil, fmt.Errorf("read bundle header line %d: %w", p.n, err)
		}
	}
}

func (p *headerParser) badSignature(line []byte) error {
	if v, ok := strings.CutPrefix(string(line), "# v"); ok {
		if n, ok := strings.CutSuffix(v, " git bundle"); ok {
			return p.unsupportedf("bundle version %s is not supported (only v2 and v3 are)", strconv.Quote(n))
		}
	}
	return p.errorf("not a git bundle: the first line is %s, not %q or %q", quoteLine(line), signatureV2, signatureV3)
}

func (p *headerParser) parse(line []byte) error {
	switch {
	case line[0] == '@':
		if p.h.Version < 3 {
			return p.errorf("capability %s in a v%d bundle: only v3 bundles have capabilities", quoteLine(line), p.h.Version)
		}
		if len(p.h.Prerequisites) > 0 || len(p.h.References) > 0 {
			return p.errorf("capability %s after a prerequisite or reference: capabilities come first", quoteLine(line))
		}
		key, value, _ := strings.Cut(string(line[1:]), "=")
		if _, dup := p.h.Capabilities[key]; dup {
			return p.errorf("capability %q appears twice", key)
		}
		if msg, err := checkCapability(key, value); msg != "" {
			return &HeaderError{Line: p.n, Msg: msg, Err: err}
		}
		p.h.Capabilities[key] = value
	case line[0] == '-':
		if len(p.h.References) > 0 {
			return p.errorf("prerequisite after a reference: prerequisites come first")
		}
		h, rest, msg := parseID(line[1:])
		if msg != "" {
			return p.errorf("prerequisite: %s", msg)
		}
		if len(rest) > 0 && rest[0] != ' ' {
			return p.errorf("prerequisite: want \"-<id> <comment>\", found %s", quoteLine(line))
		}
		comment := string(bytes.TrimPrefix(rest, []byte(" ")))
		if err := checkComment(comment); err != nil {
			return p.errorf("prerequisite %s: %v", h, err)
		}
		if p.pre[h] {
			return p.errorf("prerequisite %s appears twice", h)
		}
		if p.pre == nil {
			p.pre = map[plumbing.Hash]bool{}
		}
		p.pre[h] = true
		p.h.Prerequisites = append(p.h.Prerequisites, Prerequisite{Hash: h, Comment: comment})
	default:
		if bytes.HasPrefix(line, []byte("PACK")) {
			return p.errorf("found the pack where a reference was expected: the blank line before the pack is missing")
		}
		h, rest, msg := parseID(line)
		if msg != "" {
			return p.errorf("reference: %s", msg)
		}
		name, ok := bytes.CutPrefix(rest, []byte(" "))
		if !ok || len(name) == 0 {
			return p.errorf("reference: want \"<id> <refname>\", found %s", quoteLine(line))
		}
		if err := checkRefName(string(name)); err != nil {
			return p.errorf("reference: %v", err)
		}
		if p.refs[string(name)] {
			return p.errorf("reference %q appears twice", name)
		}
		if p.refs == nil {
			p.refs = map[string]bool{}
		}
		p.refs[string(name)] = true
		p.h.References = append(p.h.References, Reference{Name: string(name), Hash: h})
	}
	return nil
}

// parseID reads a 40-hex-digit object id at the start of b. On failure msg
// says why.
func parseID(b []byte) (h plumbing.Hash, rest []byte, msg string) {
	n := 0
	for n < len(b) && isHex(b[n]) {
		n++
	}
	switch {
	case n == 64:
		return h, nil, "a 64-digit object id: SHA-256 bundles are not supported"
	case n != 40:
		return h, nil, fmt.Sprintf("want a 40-hex-digit object id, found %s", quoteLine(b))
	}
	h = plumbing.NewHash(string(b[:40]))
	if h.IsZero() {
		return h, nil, "the object id is all zeros"
	}
	return h, b[40:], ""
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// checkCapability returns what is wrong with a v3 capability, and
// ErrUnsupported when it is well formed but not supported.
func checkCapability(key, value string) (string, error) {
	if key == "" || strings.IndexFunc(key, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-')
	}) >= 0 {
		return fmt.Sprintf("malformed capability name %q", key), nil
	}
	if strings.ContainsAny(value, "\x00\n") {
		return fmt.Sprintf("capability %q has a NUL or newline in its value", key), nil
	}
	switch key {
	case capObjectFormat:
		switch value {
		case "sha1":
			return "", nil
		case "sha256":
			return "object format \"sha256\" is not supported: zonectl reads and writes SHA-1 repositories only", ErrUnsupported
		}
		return fmt.Sprintf("unknown object format %q", value), ErrUnsupported
	case capFilter:
		return fmt.Sprintf("the bundle is filtered (@filter=%s): partial bundles are not supported", value), ErrUnsupported
	}
	return fmt.Sprintf("unknown capability %q: this reader supports only @object-format=sha1", key), ErrUnsupported
}

func checkComment(c string) error {
	if strings.ContainsAny(c, "\x00\n") {
		return errors.New("the comment has a NUL or a newline")
	}
	return nil
}

// quoteLine quotes a line for an error message, cut to a readable length.
func quoteLine(b []byte) string {
	const max = 80
	if len(b) > max {
		return strconv.Quote(string(b[:max])) + "..."
	}
	return strconv.Quote(string(b))
}

// Validate reports whether h can be written as a bundle header that
// ReadHeader accepts.
func (h *Header) Validate() error {
	switch h.Version {
	case 2:
		if len(h.Capabilities) > 0 {
			return errors.New("bundle header: a v2 bundle has no capabilities")
		}
	case 3:
		for k, v := range h.Capabilities {
			if msg, err := checkCapability(k, v); msg != "" {
				return &HeaderError{Msg: msg, Err: err}
			}
		}
	default:
		return fmt.Errorf("bundle header: version %d: want 2 or 3", h.Version)
	}
	seen := map[plumbing.Hash]bool{}
	for _, p := range h.Prerequisites {
		switch {
		case p.Hash.IsZero():
			return errors.New("bundle header: a prerequisite has the all-zero object id")
		case seen[p.Hash]:
			return fmt.Errorf("bundle header: prerequisite %s appears twice", p.Hash)
		}
		seen[p.Hash] = true
		if err := checkComment(p.Comment); err != nil {
			return fmt.Errorf("bundle header: prerequisite %s: %w", p.Hash, err)
		}
	}
	if len(h.References) == 0 {
		return errors.New("bundle header: no references: a bundle offers at least one")
	}
	names := map[string]bool{}
	for _, r := range h.References {
		if err := checkRefName(r.Name); err != nil {
			return fmt.Errorf("bundle header: %w", err)
		}
		if r.Hash.IsZero() {
			return fmt.Errorf("bundle header: reference %q has the all-zero object id", r.Name)
		}
		if names[r.Name] {
			return fmt.Errorf("bundle header: reference %q appears twice", r.Name)
		}
		names[r.Name] = true
	}
	return nil
}

// WriteTo writes h as a bundle header, blank line included, after checking
// it with Validate. The pack is to follow.
func (h *Header) WriteTo(w io.Writer) (int64, error) {
	if err := h.Validate(); err != nil {
		return 0, err
	}
	var b strings.Builder
	if h.Version == 3 {
		b.WriteString(signatureV3 + "\n")
		keys := make([]string, 0, len(h.Capabilities))
		for k := range h.Capabilities {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "@%s=%s\n", k, h.Capabilities[k])
		}
	} else {
		b.WriteString(signatureV2 + "\n")
	}
	for _, p := range h.Prerequisites {
		if p.Comment == "" {
			fmt.Fprintf(&b, "-%s\n", p.Hash)
		} else {
			fmt.Fprintf(&b, "-%s %s\n", p.Hash, p.Comment)
		}
	}
	for _, r := range h.References {
		fmt.Fprintf(&b, "%s %s\n", r.Hash, r.Name)
	}
	b.WriteString("\n")
	n, err := io.WriteString(w, b.String())
	return int64(n), err
}
