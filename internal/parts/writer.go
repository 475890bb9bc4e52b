package parts

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zonectl/zonectl/internal/atomicfile"
)

// A Writer cuts the bytes written to it into parts of a fixed size, as a
// bundle is written: each part goes to a temporary file beside the
// bundle's name, hashed as it is written, and is synced and closed when
// full, so no part is ever held in memory. Nothing takes a part's name
// until Commit, which links every part into place and then the index;
// Abort, or a Commit that fails, removes everything the Writer made.
type Writer struct {
	bundle string // the path of the bundle the parts make up
	size   int64

	temps []string // the parts' temporary files, in order
	parts []Part   // the full parts, named once Close knows the count
	cur   *os.File
	curN  int64
	curH  hash.Hash
	whole hash.Hash
	total int64

	linked []string // names Commit has made
	closed bool
	done   bool // committed or aborted
	err    error
}

// Create starts the parts of the bundle at path bundle, size bytes each.
// It refuses a size under MinSize, and a bundle whose index, signature or
// parts are there already: a set never mixes with the files of another.
func Create(bundle string, size int64) (*Writer, error) {
	if size < MinSize {
		return nil, fmt.Errorf("a part must be at least %d bytes (1 MiB); %d is too small", MinSize, size)
	}
	if err := checkBaseName(filepath.Base(bundle)); err != nil {
		return nil, fmt.Errorf("bundle name: %w", err)
	}
	if err := CheckFree(bundle); err != nil {
		return nil, err
	}
	return &Writer{bundle: bundle, size: size, whole: sha256.New()}, nil
}

// CheckFree refuses the bundle name bundle (a path) if some of its set —
// index, signature, parts — is already there.
func CheckFree(bundle string) error {
	for _, name := range []string{IndexName(bundle), SignatureName(IndexName(bundle))} {
		if _, err := os.Lstat(name); err == nil {
			return fmt.Errorf("%s exists; choose another --out or remove it", name)
		}
	}
	entries, err := os.ReadDir(filepath.Dir(bundle))
	if err != nil {
		return err
	}
	base := filepath.Base(bundle)
	for _, e := range entries {
		if b, _, ok := SplitPartName(e.Name()); ok && b == base {
			return fmt.Errorf("%s exists; choose another --out or remove the parts of the earlier set", filepath.Join(filepath.Dir(bundle), e.Name()))
		}
	}
	return nil
}

// Write cuts p across parts, opening the next part only when a byte is
// there to go in it.
func (w *Writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	if w.closed {
		return 0, w.fail(errors.New("write parts: the writer is closed"))
	}
	written := 0
	for len(p) > 0 {
		if w.cur == nil {
			if len(w.temps) == MaxParts {
				return written, w.fail(fmt.Errorf("the bundle needs more than %d parts of %d bytes; choose a larger part size", MaxParts, w.size))
			}
			f, err := os.CreateTemp(filepath.Dir(w.bundle), "."+filepath.Base(w.bundle)+".part-*")
			if err != nil {
				return written, w.fail(err)
			}
			w.temps = append(w.temps, f.Name())
			w.cur, w.curN, w.curH = f, 0, sha256.New()
		}
		chunk := p[:min(int64(len(p)), w.size-w.curN)]
		n, err := w.cur.Write(chunk)
		w.curH.Write(chunk[:n])
		w.whole.Write(chunk[:n])
		w.curN += int64(n)
		w.total += int64(n)
		written += n
		p = p[n:]
		if err != nil {
			return written, w.fail(fmt.Errorf("write part %d: %w", len(w.temps), err))
		}
		if w.curN == w.size {
			if err := w.finishPart(); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

// finishPart syncs and closes the part being written and records it.
func (w *Writer) finishPart() error {
	f := w.cur
	w.cur = nil
	err := f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return w.fail(fmt.Errorf("write part %d: %w", len(w.temps), err))
	}
	w.parts = append(w.parts, Part{Number: len(w.temps), Size: w.curN, SHA256: hex.EncodeToString(w.curH.Sum(nil))})
	return nil
}

// Close finishes the last part and names the parts, now that their count
// is known. Nothing has its final name yet: see Commit.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if w.closed {
		return nil
	}
	if w.cur != nil {
		if err := w.finishPart(); err != nil {
			return err
		}
	}
	if w.total == 0 {
		return w.fail(errors.New("write parts: nothing was written"))
	}
	w.closed = true
	base := filepath.Base(w.bundle)
	for i := range w.parts {
		w.parts[i].Name = PartName(base, w.parts[i].Number, len(w.parts))
	}
	return nil
}

// Bundle describes the whole bundle written, once closed.
func (w *Writer) Bundle() Bundle {
	return Bundle{Name: filepath.Base(w.bundle), Size: w.total, SHA256: hex.EncodeToString(w.whole.Sum(nil))}
}

// PartSize is the size of every part but the last.
func (w *Writer) PartSize() int64 { return w.size }

// Parts lists the parts written, once closed.
func (w *Writer) Parts() []Part { return append([]Part(nil), w.parts...) }

// Commit gives every part its name beside the bundle's, then the index's
// signature, then the index (data and sig, as SealIndex returns them for
// an index of these parts): a set whose index is there is whole. Each
// name is taken with a hard link, which never replaces a file that
// appeared meanwhile. If any step fails, every name taken is removed
// again, and so are the temporary files.
func (w *Writer) Commit(data, sig []byte) (err error) {
	if w.err != nil {
		return w.err
	}
	if !w.closed {
		return w.fail(errors.New("commit parts: the writer is not closed"))
	}
	defer func() {
		if err != nil {
			w.fail(err)
			w.Abort()
			return
		}
		w.done = true
		w.removeTemps()
	}()
	dir := filepath.Dir(w.bundle)
	for i, p := range w.parts {
		if err := w.link(w.temps[i], filepath.Join(dir, p.Name)); err != nil {
			return err
		}
	}
	// The index comes last: a set whose index is there is whole.
	index := IndexName(w.bundle)
	for _, f := range []struct {
		name string
		data []byte
	}{{SignatureName(index), sig}, {index, data}} {
		if err := atomicfile.WriteNew(f.name, f.data, 0o644); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return fmt.Errorf("%s appeared while the parts were written; it was left alone", f.name)
			}
			return err
		}
		w.linked = append(w.linked, f.name)
	}
	return nil
}

func (w *Writer) link(tmp, name string) error {
	if err := os.Link(tmp, name); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s appeared while the parts were written; it was left alone", name)
		}
		return err
	}
	w.linked = append(w.linked, name)
	return nil
}

// Abort removes every file the Writer made, under a temporary name or its
// own. It does nothing after a Commit that succeeded.
func (w *Writer) Abort() {
	if w.done {
		return
	}
	w.done = true
	if w.err == nil {
		w.err = errors.New("write parts: aborted")
	}
	if w.cur != nil {
		w.cur.Close()
		w.cur = nil
	}
	for _, name := range w.linked {
		os.Remove(name)
	}
	w.linked = nil
	w.removeTemps()
}

func (w *Writer) removeTemps() {
	for _, name := range w.temps {
		os.Remove(name)
	}
	w.temps = nil
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return err
}
