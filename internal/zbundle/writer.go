package zbundle

import (
	"archive/tar"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/zonectl/zonectl/internal/ustar"
)

// A Writer writes a .zbundle: an uncompressed POSIX tar (USTAR, or PAX
// where a member is too large for USTAR) of regular files, each with mode
// 0644, owner and group 0 and the manifest's created time as its
// modification time, so that the same manifest and data always make the
// same bytes.
//
// NewWriter writes manifest.json and manifest.json.asc first; AddFile then
// streams each file the manifest pins, in any order (the order of
// Manifest.Files is the natural one), and Close checks that none is missing.
// A Writer checks what it writes against the manifest as it goes. After any
// error the output is not a valid bundle, and every later call returns the
// same error: the caller removes the file.
type Writer struct {
	tw      *tar.Writer
	mtime   time.Time
	files   []Member // what the manifest pins, in order
	pinned  map[string]Member
	written map[string]bool
	err     error
}

// NewWriter starts a bundle on w with manifest, the bytes of manifest.json
// (which must be a valid manifest), and sig, its armored signature, as
// SealManifest returns them. The caller closes w after Close.
func NewWriter(w io.Writer, manifest, sig []byte) (*Writer, error) {
	m, err := ParseManifest(manifest)
	if err != nil {
		return nil, fmt.Errorf("write bundle: %w", err)
	}
	switch {
	case len(sig) == 0:
		return nil, errors.New("write bundle: the manifest has no signature")
	case len(sig) > MaxSignatureSize:
		return nil, fmt.Errorf("write bundle: the signature is %d bytes; at most %d are allowed", len(sig), MaxSignatureSize)
	}
	bw := &Writer{
		tw:      tar.NewWriter(w),
		mtime:   m.Created.UTC().Truncate(time.Second),
		files:   m.Files(),
		pinned:  map[string]Member{},
		written: map[string]bool{},
	}
	for _, f := range bw.files {
		bw.pinned[f.Name] = f
	}
	for _, f := range []struct {
		name string
		data []byte
	}{{ManifestName, manifest}, {SignatureName, sig}} {
		if err := bw.writeMember(f.name, int64(len(f.data)), f.data); err != nil {
			return nil, err
		}
	}
	return bw, nil
}

// writeMember writes a whole member held in memory.
func (w *Writer) writeMember(name string, size int64, data []byte) error {
	if err := w.tw.WriteHeader(w.header(name, size)); err != nil {
		return w.fail(fmt.Errorf("write bundle member %q: %w", name, err))
	}
	if _, err := w.tw.Write(data); err != nil {
		return w.fail(fmt.Errorf("write bundle member %q: %w", name, err))
	}
	return nil
}

func (w *Writer) header(name string, size int64) *tar.Header {
	return ustar.Header(name, size, w.mtime)
}

// AddFile writes the member name, which the manifest pins at size bytes,
// copying exactly size bytes from r without holding them in memory, and
// checks that they hash to what the manifest pins.
func (w *Writer) AddFile(name string, size int64, r io.Reader) error {
	if w.err != nil {
		return w.err
	}
	want, ok := w.pinned[name]
	switch {
	case !ok:
		return w.fail(fmt.Errorf("write bundle member %q: the manifest does not pin this file", name))
	case w.written[name]:
		return w.fail(fmt.Errorf("write bundle member %q: added twice", name))
	case size != want.Size:
		return w.fail(fmt.Errorf("write bundle member %q: %d bytes, but the manifest pins %d", name, size, want.Size))
	}
	w.written[name] = true
	if err := w.tw.WriteHeader(w.header(name, size)); err != nil {
		return w.fail(fmt.Errorf("write bundle member %q: %w", name, err))
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(w.tw, h), io.LimitReader(r, size))
	if err != nil {
		return w.fail(fmt.Errorf("write bundle member %q: %w", name, err))
	}
	if n != size {
		return w.fail(fmt.Errorf("write bundle member %q: the data ended after %d of %d bytes", name, n, size))
	}
	if sum := hex.EncodeToString(h.Sum(nil)); sum != want.SHA256 {
		return w.fail(fmt.Errorf("write bundle member %q: the data's SHA-256 is %s, but the manifest pins %s", name, sum, want.SHA256))
	}
	return nil
}

// Close checks that every file the manifest pins has been added and ends
// the tar. It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	for _, f := range w.files {
		if !w.written[f.Name] {
			return w.fail(fmt.Errorf("write bundle: %q, which the manifest pins, was never added", f.Name))
		}
	}
	if err := w.tw.Close(); err != nil {
		return w.fail(fmt.Errorf("write bundle: %w", err))
	}
	w.err = errors.New("write bundle: the bundle is closed")
	return nil
}

func (w *Writer) fail(err error) error {
	w.err = err
	return err
}
