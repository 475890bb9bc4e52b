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
	if err := r.syncLoose(h); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store %s object %s: %w", o.Type(), h, err)
	}
	return h, nil
}

// syncLoose makes the loose object h and its directory durable; an
// object that is not loose (packed already, or in a storer not on disk)
// needs nothing.
func (r *Repo) syncLoose(h plumbing.Hash) error {
	hex := h.String()
	dir := filepath.Join(r.commonDir, "objects", hex[:2])
	f, err := os.Open(filepath.Join(dir, hex[2:]))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = syncDir(dir)
	}
	// The fan-out directory may be new: its entry in objects/ must be as
	// durable as the object in it.
	if err == nil {
		err = syncDir(filepath.Dir(dir))
	}
	return err
}
