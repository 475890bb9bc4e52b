package gitstore

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
)

// storeObject writes o as a loose object and makes it durable before any
// ref can point at it: go-git renames a temporary file into place without
// fsync, so gitstore syncs the object file and its directory afterwards.
func (r *Repo) storeObject(o plumbing.EncodedObject) (plumbing.Hash, error) {
	h, err := r.repo.Storer.SetEncodedObject(o)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store %s object: %w", o.Type(), err)
	}
	hex := h.String()
	dir := filepath.Join(r.commonDir, "objects", hex[:2])
	f, err := os.Open(filepath.Join(dir, hex[2:]))
	if errors.Is(err, os.ErrNotExist) {
		return h, nil // not loose: already packed, or the storer is not on disk
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store %s object %s: %w", o.Type(), h, err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(dir)
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store %s object %s: %w", o.Type(), h, err)
	}
	return h, nil
}
