package parts

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"path/filepath"
)

// A PartError says that a file is not the part of a set it should be: cut
// short, too long, or other bytes.
type PartError struct {
	Part   Part
	Count  int    // the parts in the set
	File   string // the file read
	Reason string
}

func (e *PartError) Error() string {
	what := fmt.Sprintf("part %d of %d (%s)", e.Part.Number, e.Count, e.Part.Name)
	if e.File != "" && filepath.Base(e.File) != e.Part.Name {
		what = fmt.Sprintf("part %d of %d (%s, read from %s)", e.Part.Number, e.Count, e.Part.Name, e.File)
	}
	return what + ": " + e.Reason
}

// corrupt is what a PartError advises.
const corrupt = "the copy is corrupt; copy it again from the source"

// CheckSize refuses file, of size bytes, as part p, unless p is that size.
func (x *Index) CheckSize(p *Part, file string, size int64) error {
	if size == p.Size {
		return nil
	}
	return &PartError{Part: *p, Count: len(x.Parts), File: file, Reason: fmt.Sprintf("%d bytes, expected %d: %s", size, p.Size, corrupt)}
}

// Copy copies part p from r, the file named file, to w, and checks that r
// held exactly p's bytes: a mismatch is a *PartError, returned once r is
// read, so the caller discards what w got.
func (x *Index) Copy(w io.Writer, r io.Reader, p *Part, file string) error {
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(r, p.Size+1))
	if err != nil {
		return fmt.Errorf("read %s: %w", file, err)
	}
	return x.check(p, file, n, h)
}

func (x *Index) check(p *Part, file string, n int64, h hash.Hash) error {
	if n != p.Size {
		return &PartError{Part: *p, Count: len(x.Parts), File: file, Reason: fmt.Sprintf("%d bytes or more, expected %d: %s", n, p.Size, corrupt)}
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != p.SHA256 {
		return &PartError{Part: *p, Count: len(x.Parts), File: file, Reason: fmt.Sprintf("sha256 %s, expected %s: %s", sum, p.SHA256, corrupt)}
	}
	return nil
}

// A Reader reads the bundle that a set's parts make up, end to end,
// checking each part against the index when its last byte has been read,
// and the whole bundle's size and SHA-256 at the end. A part that does not
// match fails the Read that reaches its end with a *PartError, before a
// byte of the next part is read, and Failed then names it; a whole that
// does not match fails the last Read instead of io.EOF. A consumer that
// reads to io.EOF has therefore read exactly what the index pins.
type Reader struct {
	x     *Index
	open  func(p *Part) (io.ReadCloser, string, error)
	next  int // the number of the next part to open
	cur   io.ReadCloser
	part  *Part
	file  string
	n     int64
	h     hash.Hash
	whole hash.Hash
	total int64
	err   error
	bad   *Part
}

// NewReader reads the parts of x in order, calling open for each as it is
// reached; open returns the part's bytes and the name of the file they
// come from, for errors.
func NewReader(x *Index, open func(p *Part) (io.ReadCloser, string, error)) *Reader {
	return &Reader{x: x, open: open, next: 1, whole: sha256.New()}
}

// Read reads the bundle.
func (r *Reader) Read(p []byte) (int, error) {
	for r.err == nil {
		if r.cur == nil {
			if r.next > len(r.x.Parts) {
				r.err = io.EOF
				if sum := hex.EncodeToString(r.whole.Sum(nil)); r.total != r.x.Bundle.Size || sum != r.x.Bundle.SHA256 {
					r.err = fmt.Errorf("%s: the parts make %d bytes with sha256 %s; the index pins %d bytes with sha256 %s", r.x.Bundle.Name, r.total, sum, r.x.Bundle.Size, r.x.Bundle.SHA256)
				}
				break
			}
			part := r.x.Part(r.next)
			rc, file, err := r.open(part)
			if err != nil {
				r.err = fmt.Errorf("%s: %w", r.x.Describe(part), err)
				break
			}
			r.cur, r.part, r.file, r.n, r.h = rc, part, file, 0, sha256.New()
			r.next++
		}
		if len(p) == 0 {
			return 0, nil
		}
		// One byte more than the part holds shows a part too long.
		n, err := r.cur.Read(p[:min(int64(len(p)), r.part.Size-r.n+1)])
		r.h.Write(p[:n])
		r.n += int64(n)
		if r.n > r.part.Size {
			r.fail(r.x.check(r.part, r.file, r.n, r.h))
			return 0, r.err
		}
		r.whole.Write(p[:n])
		r.total += int64(n)
		if err == io.EOF {
			r.cur.Close()
			r.cur = nil
			if cerr := r.x.check(r.part, r.file, r.n, r.h); cerr != nil {
				r.fail(cerr)
				// The bytes of a part that does not match are withheld
				// only if this Read brought its end; a consumer that
				// reads to io.EOF sees the error either way.
				return 0, r.err
			}
			err = nil
		}
		if err != nil {
			r.err = fmt.Errorf("read %s: %w", r.file, err)
			return n, r.err
		}
		if n > 0 {
			return n, nil
		}
	}
	return 0, r.err
}

func (r *Reader) fail(err error) {
	r.err = err
	r.bad = r.part
	if r.cur != nil {
		r.cur.Close()
		r.cur = nil
	}
}

// Failed returns the part that did not match the index, or nil.
func (r *Reader) Failed() *Part { return r.bad }

// Close closes the part being read, if any.
func (r *Reader) Close() error {
	if r.cur != nil {
		err := r.cur.Close()
		r.cur = nil
		return err
	}
	return nil
}
