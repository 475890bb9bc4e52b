package gitstore

import (
	"compress/zlib"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"

	"github.com/go-git/go-git/v5/plumbing"
)

// largeObject is the size above which go-git reads an object from disk as
// it is used instead of loading it whole: a release bundle pushed to a
// peer holds its packages, gigabytes of them.
const largeObject = 8 << 20

// WriteBlob stores the size bytes that rd yields as a blob, streaming
// them into a loose object as git writes one (the zlib stream of "blob
// SIZE\x00" and the bytes, named by its SHA-1) rather than through
// go-git, which builds every object in memory first. The zlib stream is
// stored, not compressed: the blobs written here are release bundles on
// their way to a peer, whose packages are compressed already, and
// deflating gigabytes for nothing cost minutes. The object is synced
// before it is named, and nothing is left behind when rd fails or yields
// another size.
func (r *Repo) WriteBlob(rd io.Reader, size int64) (plumbing.Hash, error) {
	if size < 0 {
		return plumbing.ZeroHash, fmt.Errorf("blob: negative size %d", size)
	}
	objects := filepath.Join(r.commonDir, "objects")
	tmp, err := os.CreateTemp(objects, "tmp_blob_")
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	h := sha1.New()
	zw, err := zlib.NewWriterLevel(tmp, zlib.NoCompression)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	w := io.MultiWriter(zw, h)
	if _, err := io.WriteString(w, "blob "+strconv.FormatInt(size, 10)+"\x00"); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	n, err := io.Copy(w, io.LimitReader(rd, size+1))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	if n != size {
		return plumbing.ZeroHash, fmt.Errorf("blob: read %d bytes, expected %d", n, size)
	}
	if err := zw.Close(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	var id plumbing.Hash
	copy(id[:], h.Sum(nil))
	if err := r.repo.Storer.HasEncodedObject(id); err == nil {
		return id, nil // stored already, loose or packed
	}
	hex := id.String()
	dir := filepath.Join(objects, hex[:2])
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	if err := os.Chmod(tmp.Name(), 0o444); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	// A link never replaces an object that appeared meanwhile; one that
	// did has these very bytes, by its name.
	if err := os.Link(tmp.Name(), filepath.Join(dir, hex[2:])); err != nil && !errors.Is(err, fs.ErrExist) {
		return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
	}
	for _, d := range []string{dir, objects} { // objects/: the fan-out directory may be new
		if err := syncDir(d); err != nil {
			return plumbing.ZeroHash, fmt.Errorf("blob: %w", err)
		}
	}
	return id, nil
}
