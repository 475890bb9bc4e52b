package zbundle

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/zonectl/zonectl/internal/ustar"
)

// A Reader reads a .zbundle from a stream, strictly, hashing every member
// as it goes and holding none but manifest.json and manifest.json.asc in
// memory. The rules, checked as each tar header is read:
//
//  1. The stream is a tar in zonectl's dialect (package ustar): a header or
//     member cut short is ErrTruncated, and so is a tar without its
//     end-of-archive marker; a header other than the one Writer writes, or
//     a non-zero byte in the padding after a member, in the end-of-archive
//     marker or after it, is ErrMalformed.
//  2. A member's name is local: not absolute, no ".." (ErrUnsafePath).
//  3. It is a regular file: not a link, directory, device, sparse file or
//     extended header (ErrNotRegular).
//  4. Its name is one a bundle holds: manifest.json, manifest.json.asc,
//     release.bundle or packages/<64 lower-case hex digits> (ErrExtra).
//  5. No name appears twice (ErrDuplicate).
//  6. The first member is manifest.json, of at most MaxManifestSize bytes,
//     and the second manifest.json.asc, of at most MaxSignatureSize bytes.
//
// Whether the members are what the manifest pins is Check's work, once the
// caller has verified the manifest with OpenManifest.
//
// Every member has the same modification time; Extract holds it against
// the manifest's creation time.
type Reader struct {
	tr       *ustar.Reader
	manifest []byte
	sig      []byte
	members  []Member // members read in full
	seen     map[string]bool
	cur      *entry // the member being read
	done     bool   // the end of the tar was reached and checked
	err      error  // sticky
}

// entry is a member being read.
type entry struct {
	name string
	size int64
	h    hash.Hash
	n    int64
}

// NewReader starts reading a bundle from r and reads its manifest and
// signature, which must be its first two members.
func NewReader(r io.Reader) (*Reader, error) {
	br := &Reader{tr: ustar.NewReader(r), seen: map[string]bool{}}
	for _, first := range []struct {
		name string
		max  int64
		dst  *[]byte
	}{
		{ManifestName, MaxManifestSize, &br.manifest},
		{SignatureName, MaxSignatureSize, &br.sig},
	} {
		name, size, err := br.Next()
		if err == io.EOF {
			return nil, &CheckError{Member: first.name, Reason: "missing: a .zbundle starts with manifest.json, then manifest.json.asc", Err: ErrMissing}
		}
		if err != nil {
			return nil, err
		}
		if name != first.name {
			return nil, &CheckError{Member: name, Reason: fmt.Sprintf("is where %s belongs: a .zbundle starts with manifest.json, then manifest.json.asc", first.name), Err: ErrMalformed}
		}
		if size > first.max {
			return nil, &CheckError{Member: name, Reason: fmt.Sprintf("is %d bytes; at most %d are allowed", size, first.max), Err: ErrSize}
		}
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, err
		}
		*first.dst = data
	}
	return br, nil
}

// Manifest returns the bytes of manifest.json, not yet verified.
func (r *Reader) Manifest() []byte { return r.manifest }

// Signature returns the bytes of manifest.json.asc.
func (r *Reader) Signature() []byte { return r.sig }

// Members returns the members read in full so far, in the order of the
// tar, manifest.json and manifest.json.asc first. After Next has returned
// io.EOF, that is every member.
func (r *Reader) Members() []Member { return slices.Clone(r.members) }

// Next advances to the next member, skipping (and hashing) what is left of
// the current one, and returns its name and size; Read then reads its
// bytes. At the end of the tar it returns io.EOF. Every refusal is a
// *CheckError; an error reading the underlying stream is returned as it is.
func (r *Reader) Next() (name string, size int64, err error) {
	if r.err != nil {
		return "", 0, r.err
	}
	if r.done {
		return "", 0, io.EOF
	}
	if r.cur != nil {
		if _, err := io.Copy(io.Discard, readerOnly{r}); err != nil {
			return "", 0, err
		}
	}
	hdr, err := r.tr.Next()
	if err == io.EOF {
		r.done = true
		return "", 0, io.EOF
	}
	if err != nil {
		return "", 0, r.fail(checkError(err))
	}
	if err := r.checkHeader(hdr); err != nil {
		return "", 0, r.fail(err)
	}
	r.seen[hdr.Name] = true
	r.cur = &entry{name: hdr.Name, size: hdr.Size, h: sha256.New()}
	return hdr.Name, hdr.Size, nil
}

// checkError turns the dialect's refusals into the bundle's: the same
// member and reason, with this package's kind.
func checkError(err error) error {
	var te *ustar.Error
	if !errors.As(err, &te) {
		return err
	}
	kind := ErrMalformed
	switch {
	case errors.Is(te.Err, ustar.ErrTruncated):
		kind = ErrTruncated
	case errors.Is(te.Err, ustar.ErrNotRegular):
		kind = ErrNotRegular
	}
	return &CheckError{Member: te.Member, Reason: te.Reason, Err: wrapKind(kind, te.Err)}
}

// checkHeader applies rules 2 to 5 to a member's header.
func (r *Reader) checkHeader(hdr *tar.Header) error {
	name := hdr.Name
	if !filepath.IsLocal(name) || slices.Contains(strings.Split(name, "/"), "..") {
		return &CheckError{Member: name, Reason: "the path leaves the bundle's directory", Err: ErrUnsafePath}
	}
	if hdr.Typeflag != tar.TypeReg {
		return &CheckError{Member: name, Reason: fmt.Sprintf("is a %s; a .zbundle holds regular files only", ustar.TypeName(hdr.Typeflag)), Err: ErrNotRegular}
	}
	if !isMemberName(name) {
		return &CheckError{Member: name, Reason: "is not a file a .zbundle holds (manifest.json, manifest.json.asc, release.bundle, packages/<sha256>)", Err: ErrExtra}
	}
	if r.seen[name] {
		return &CheckError{Member: name, Reason: "appears twice in the tar", Err: ErrDuplicate}
	}
	return nil
}

// Read reads the current member's bytes, hashing them. It returns io.EOF at
// the member's end, once the padding after it has been read and found
// zero, or when there is no current member.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	c := r.cur
	if c == nil {
		return 0, io.EOF
	}
	n, err := r.tr.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	switch {
	case err == io.EOF:
		r.members = append(r.members, Member{Name: c.name, Size: c.n, SHA256: hex.EncodeToString(c.h.Sum(nil))})
		r.cur = nil
		return n, io.EOF
	case err != nil:
		return n, r.fail(checkError(err))
	}
	return n, nil
}

// readerOnly hides Reader's other methods from io.Copy.
type readerOnly struct{ r *Reader }

func (o readerOnly) Read(p []byte) (int, error) { return o.r.Read(p) }

func (r *Reader) fail(err error) error {
	r.err = err
	r.cur = nil
	return err
}

// Scan reads the rest of the bundle, hashing every member, and returns all
// its members (see Members).
func (r *Reader) Scan() ([]Member, error) {
	for {
		_, _, err := r.Next()
		if err == io.EOF {
			return r.Members(), nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// modTime is every member's modification time, once a member is read.
func (r *Reader) modTime() time.Time { return r.tr.ModTime() }
