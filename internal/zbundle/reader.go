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
)

// maxPadding bounds the zero bytes a reader accepts after the end of the
// tar: tar pads an archive to its record size, 10 KiB by default.
const maxPadding = 1 << 20

// A Reader reads a .zbundle from a stream, strictly, hashing every member
// as it goes and holding none but manifest.json and manifest.json.asc in
// memory. The rules, checked as each tar header is read:
//
//  1. The stream is a tar: a header or member cut short is ErrTruncated, and
//     so is a tar without its end-of-archive marker; anything but zero
//     padding after that marker is ErrMalformed.
//  2. A member's name is local: not absolute, no ".." (ErrUnsafePath).
//  3. It is a regular file: not a link, directory, device or sparse file
//     (ErrNotRegular).
//  4. Its name is one a bundle holds: manifest.json, manifest.json.asc,
//     release.bundle or packages/<64 lower-case hex digits> (ErrExtra).
//  5. No name appears twice (ErrDuplicate).
//  6. The first member is manifest.json, of at most MaxManifestSize bytes,
//     and the second manifest.json.asc, of at most MaxSignatureSize bytes.
//
// Whether the members are what the manifest pins is Check's work, once the
// caller has verified the manifest with OpenManifest.
type Reader struct {
	src      *source
	tr       *tar.Reader
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
	src := &source{r: r}
	br := &Reader{src: src, tr: tar.NewReader(src), seen: map[string]bool{}}
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
		if err := r.end(); err != nil {
			return "", 0, r.fail(err)
		}
		r.done = true
		return "", 0, io.EOF
	}
	if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
		return "", 0, r.fail(r.readError("", err))
	}
	if err := r.checkHeader(hdr); err != nil {
		return "", 0, r.fail(err)
	}
	r.seen[hdr.Name] = true
	r.cur = &entry{name: hdr.Name, size: hdr.Size, h: sha256.New()}
	return hdr.Name, hdr.Size, nil
}

// checkHeader applies rules 2 to 5 to a member's header.
func (r *Reader) checkHeader(hdr *tar.Header) error {
	name := hdr.Name
	if !filepath.IsLocal(name) || slices.Contains(strings.Split(name, "/"), "..") {
		return &CheckError{Member: name, Reason: "the path leaves the bundle's directory", Err: ErrUnsafePath}
	}
	if hdr.Typeflag != tar.TypeReg {
		return &CheckError{Member: name, Reason: fmt.Sprintf("is a %s; a .zbundle holds regular files only", describeType(hdr.Typeflag)), Err: ErrNotRegular}
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return &CheckError{Member: name, Reason: "is a sparse file; a .zbundle holds regular files only", Err: ErrNotRegular}
		}
	}
	if !isMemberName(name) {
		return &CheckError{Member: name, Reason: "is not a file a .zbundle holds (manifest.json, manifest.json.asc, release.bundle, packages/<sha256>)", Err: ErrExtra}
	}
	if r.seen[name] {
		return &CheckError{Member: name, Reason: "appears twice in the tar", Err: ErrDuplicate}
	}
	return nil
}

func describeType(t byte) string {
	switch t {
	case tar.TypeSymlink:
		return "symbolic link"
	case tar.TypeLink:
		return "hard link"
	case tar.TypeDir:
		return "directory"
	case tar.TypeChar, tar.TypeBlock:
		return "device"
	case tar.TypeFifo:
		return "FIFO"
	case tar.TypeGNUSparse:
		return "sparse file"
	case tar.TypeXGlobalHeader:
		return "global PAX header"
	}
	return fmt.Sprintf("tar entry of type %q", t)
}

// Read reads the current member's bytes, hashing them. It returns io.EOF at
// the member's end, or when there is no current member.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.cur == nil {
		return 0, io.EOF
	}
	n, err := r.tr.Read(p)
	r.cur.h.Write(p[:n])
	r.cur.n += int64(n)
	switch {
	case err == io.EOF:
		r.members = append(r.members, Member{Name: r.cur.name, Size: r.cur.n, SHA256: hex.EncodeToString(r.cur.h.Sum(nil))})
		r.cur = nil
		return n, io.EOF
	case err != nil:
		return n, r.fail(r.readError(r.cur.name, err))
	}
	return n, nil
}

// readerOnly hides Reader's other methods from io.Copy.
type readerOnly struct{ r *Reader }

func (o readerOnly) Read(p []byte) (int, error) { return o.r.Read(p) }

// end checks what follows the last member: the end-of-archive marker (two
// zero blocks) and nothing after it but zeros.
func (r *Reader) end() error {
	if r.src.total == 0 {
		return &CheckError{Reason: "the file is empty; a .zbundle is a tar", Err: ErrMalformed}
	}
	if r.src.zeroRun < 2*512 {
		return &CheckError{Reason: "the tar has no end-of-archive marker: it was cut short", Err: ErrTruncated}
	}
	buf := make([]byte, 32<<10)
	var padding int64
	for {
		n, err := r.src.Read(buf)
		for _, b := range buf[:n] {
			if b != 0 {
				return &CheckError{Reason: "data follows the end of the tar", Err: ErrMalformed}
			}
		}
		padding += int64(n)
		if padding > maxPadding {
			return &CheckError{Reason: fmt.Sprintf("more than %d bytes of padding follow the end of the tar", maxPadding), Err: ErrMalformed}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read bundle: %w", err)
		}
	}
}

// readError classifies an error from the tar reader: a failure of the
// underlying stream as it is, a stream that ends early as ErrTruncated,
// anything else as ErrMalformed.
func (r *Reader) readError(member string, err error) error {
	if r.src.err != nil {
		return fmt.Errorf("read bundle: %w", r.src.err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		if member == "" {
			return &CheckError{Reason: "the tar ends in the middle of a header: it was cut short", Err: ErrTruncated}
		}
		return &CheckError{Member: member, Reason: "the tar ends in the middle of this member: it was cut short", Err: ErrTruncated}
	}
	return &CheckError{Member: member, Reason: "malformed tar: " + err.Error(), Err: wrapKind(ErrMalformed, err)}
}

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

// source is the stream under the tar reader. It keeps the stream's own
// error apart from the tar format's, and counts the zero bytes at the end
// of what has been read, to find the end-of-archive marker.
type source struct {
	r       io.Reader
	err     error
	total   int64 // bytes read
	zeroRun int64 // zero bytes at the end of those
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	s.total += int64(n)
	i := n
	for i > 0 && p[i-1] == 0 {
		i--
	}
	if i == 0 {
		s.zeroRun += int64(n)
	} else {
		s.zeroRun = int64(n - i)
	}
	return n, err
}
