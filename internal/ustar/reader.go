package ustar

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"
)

// maxPadding bounds the zero bytes a reader accepts after the end of the
// archive: tar pads an archive to its record size, 10 KiB by default.
const maxPadding = 1 << 20

// Kinds of Error, for errors.Is.
var (
	ErrMalformed  = errors.New("malformed tar")
	ErrTruncated  = errors.New("truncated tar")
	ErrNotRegular = errors.New("not a regular file")
)

// An Error reports an archive that is not in zonectl's dialect. An error
// reading the underlying stream is never an *Error.
type Error struct {
	Member string // the member whose header or data is at fault; empty for the archive
	Reason string
	Err    error // ErrMalformed, ErrTruncated or ErrNotRegular
}

func (e *Error) Error() string {
	if e.Member == "" {
		return e.Reason
	}
	return fmt.Sprintf("%q: %s", e.Member, e.Reason)
}

func (e *Error) Unwrap() error { return e.Err }

// A Reader reads an archive member by member. Next returns each member's
// header, Read its data.
type Reader struct {
	src   *source
	mtime time.Time // every member's, from the first header
	cur   string    // the member being read, when in is set
	in    bool      // a member's data or padding is being read
	left  int64     // bytes of its data not yet read
	pad   int64     // zero bytes after them
	done  bool      // the end was reached and checked
	err   error     // sticky
}

// NewReader reads an archive from r.
func NewReader(r io.Reader) *Reader { return &Reader{src: &source{r: r}} }

// ModTime is the modification time of every member, once Next has
// returned one.
func (r *Reader) ModTime() time.Time { return r.mtime }

// Next skips what is left of the current member and returns the next
// one's header, or io.EOF after the end-of-archive marker and the zeros
// after it. A regular file's header must be the one Header gives, with
// the mtime of the first member. A link, directory, device or FIFO is
// returned as it is, for the caller to refuse by name; extended headers
// and sparse files are refused here as ErrNotRegular.
func (r *Reader) Next() (*tar.Header, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.done {
		return nil, io.EOF
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return nil, err
	}
	blk, err := r.block(false)
	if err != nil {
		return nil, r.fail(err)
	}
	if isZero(blk) {
		if err := r.end(); err != nil {
			return nil, r.fail(err)
		}
		r.done = true
		return nil, io.EOF
	}
	hdr, err := r.header(blk)
	if err != nil {
		return nil, r.fail(err)
	}
	r.cur, r.in, r.left, r.pad = hdr.Name, true, hdr.Size, (blockSize-hdr.Size%blockSize)%blockSize
	return hdr, nil
}

// header parses a header block and holds a regular file's to the one
// Header gives.
func (r *Reader) header(blk []byte) (*tar.Header, error) {
	if !checksumOK(blk) {
		return nil, &Error{Reason: "malformed tar: a header's checksum does not match its bytes (not a tar, or damaged)", Err: ErrMalformed}
	}
	if t := blk[156]; !plainType(t) {
		return nil, &Error{Member: rawName(blk), Reason: fmt.Sprintf("is a %s; only regular files belong here", TypeName(t)), Err: ErrNotRegular}
	}
	hdr, err := tar.NewReader(bytes.NewReader(blk)).Next()
	if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
		return nil, &Error{Reason: "malformed tar: " + err.Error(), Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
	}
	if hdr.Typeflag != tar.TypeReg {
		return hdr, nil
	}
	if r.mtime.IsZero() {
		r.mtime = hdr.ModTime
	}
	want, err := headerBlock(Header(hdr.Name, hdr.Size, r.mtime))
	if err != nil || !bytes.Equal(blk, want) {
		reason := "its tar header is not one zonectl writes"
		if err == nil {
			reason = headerDiff(blk, want)
		}
		return nil, &Error{Member: hdr.Name, Reason: reason, Err: ErrMalformed}
	}
	return hdr, nil
}

// Read reads the current member's data. It returns io.EOF at its end,
// once the padding after it has been read and found zero, or when there
// is no current member.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if !r.in {
		return 0, io.EOF
	}
	if int64(len(p)) > r.left {
		p = p[:r.left]
	}
	n, err := r.src.Read(p)
	r.left -= int64(n)
	switch {
	case r.src.err != nil:
		return n, r.fail(fmt.Errorf("read archive: %w", r.src.err))
	case r.left == 0:
		return n, r.finish()
	case err == io.EOF:
		return n, r.fail(&Error{Member: r.cur, Reason: "the tar ends in the middle of this member: it was cut short", Err: ErrTruncated})
	}
	return n, nil
}

// finish reads the padding after the current member's data, which must
// be zero. It returns io.EOF when all is well.
func (r *Reader) finish() error {
	if r.pad > 0 {
		blk := make([]byte, r.pad)
		if _, err := io.ReadFull(r.src, blk); err != nil {
			if r.src.err != nil {
				return r.fail(fmt.Errorf("read archive: %w", r.src.err))
			}
			return r.fail(&Error{Member: r.cur, Reason: "the tar ends in the padding after this member: it was cut short", Err: ErrTruncated})
		}
		if !isZero(blk) {
			return r.fail(&Error{Member: r.cur, Reason: "a non-zero byte in the tar padding after this member; tar pads with zeros", Err: ErrMalformed})
		}
	}
	r.in, r.pad = false, 0
	return io.EOF
}

// block reads one header block, or the first block of the end marker
// (second true) after one zero block.
func (r *Reader) block(second bool) ([]byte, error) {
	blk := make([]byte, blockSize)
	_, err := io.ReadFull(r.src, blk)
	switch {
	case r.src.err != nil:
		return nil, fmt.Errorf("read archive: %w", r.src.err)
	case err == io.EOF && r.src.total == 0:
		return nil, &Error{Reason: "the file is empty", Err: ErrMalformed}
	case err == io.EOF || (err != nil && second):
		return nil, &Error{Reason: "the tar has no end-of-archive marker: it was cut short", Err: ErrTruncated}
	case err != nil:
		return nil, &Error{Reason: "the tar ends in the middle of a header: it was cut short", Err: ErrTruncated}
	}
	return blk, nil
}

// end checks what follows a first zero block: a second one, completing
// the end-of-archive marker, and nothing after it but zeros.
func (r *Reader) end() error {
	second, err := r.block(true)
	if err != nil {
		return err
	}
	if !isZero(second) {
		return &Error{Reason: "a non-zero byte in the end-of-archive marker (two zero blocks)", Err: ErrMalformed}
	}
	buf := make([]byte, 32<<10)
	var padding int64
	for {
		n, err := r.src.Read(buf)
		if !isZero(buf[:n]) {
			return &Error{Reason: "data follows the end of the tar", Err: ErrMalformed}
		}
		padding += int64(n)
		if padding > maxPadding {
			return &Error{Reason: fmt.Sprintf("more than %d bytes of padding follow the end of the tar", maxPadding), Err: ErrMalformed}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read archive: %w", err)
		}
	}
}

func (r *Reader) fail(err error) error {
	r.err = err
	r.in = false
	return err
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// TypeName says what a header's type flag makes a member, for errors.
func TypeName(t byte) string {
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
	case tar.TypeXHeader:
		return "PAX extended header"
	case tar.TypeGNULongName, tar.TypeGNULongLink:
		return "GNU long-name header"
	}
	return fmt.Sprintf("tar entry of type %q", t)
}

// source is the stream under the reader. It keeps the stream's own error
// apart from the tar format's, and counts the bytes read.
type source struct {
	r     io.Reader
	err   error
	total int64
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		s.err = err
	}
	s.total += int64(n)
	return n, err
}
