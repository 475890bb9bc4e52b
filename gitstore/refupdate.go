package gitstore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// UpdateRef points the ref name at newHash if it currently points at
// oldHash, where a zero oldHash means that the ref must not exist yet. On a
// mismatch it returns a *RefConflictError holding the ref's actual value.
//
// It follows Git's own protocol, so stock git and other zonectl processes
// interoperate: <gitdir>/<name>.lock is created exclusively (if it exists,
// the error wraps ErrLocked and names it, and the lock file is left alone),
// the current value is read from the loose ref or packed-refs, and the new
// value is written to the lock file, fsynced and renamed over the loose ref.
// A ref is therefore never half-written, and a packed ref is shadowed by the
// new loose one as git does. newHash must name an object in the repository.
// Symbolic refs are not followed and not overwritten.
func (r *Repo) UpdateRef(name string, newHash, oldHash plumbing.Hash) error {
	if err := ValidateRefName(name); err != nil {
		return err
	}
	if newHash.IsZero() {
		return fmt.Errorf("ref %q: the new value is the zero hash (use DeleteRef to delete a ref)", name)
	}
	if err := r.repo.Storer.HasEncodedObject(newHash); err != nil {
		return fmt.Errorf("ref %q: new value %s: %w", name, newHash, err)
	}
	lock, cur, err := r.lockRef(name, oldHash)
	if err != nil {
		return err
	}
	defer lock.release()
	if !cur.exists {
		if err := r.checkRefNameFree(name); err != nil {
			return err
		}
	}
	if err := lock.commit([]byte(newHash.String() + "\n")); err != nil {
		return fmt.Errorf("ref %q: %w", name, err)
	}
	return nil
}

// DeleteRef deletes the ref name if it currently points at oldHash, which
// must not be zero; on a mismatch it returns a *RefConflictError. Like git,
// it holds <name>.lock throughout, removes the ref from packed-refs first
// (under packed-refs.lock) and then removes the loose file, so that a crash
// in between leaves the ref as it was rather than resurrecting an older
// packed value.
func (r *Repo) DeleteRef(name string, oldHash plumbing.Hash) error {
	if err := ValidateRefName(name); err != nil {
		return err
	}
	if oldHash.IsZero() {
		return fmt.Errorf("ref %q: deleting needs the value the ref is expected to hold", name)
	}
	lock, cur, err := r.lockRef(name, oldHash)
	if err != nil {
		return err
	}
	defer lock.release()
	if cur.packed {
		packedPath := filepath.Join(r.commonDir, packedRefsName)
		plock, err := createLockFile(packedPath)
		if err != nil {
			return fmt.Errorf("ref %q: packed-refs: %w", name, err)
		}
		defer plock.release()
		packed, err := readPackedRefs(packedPath)
		if err != nil {
			return fmt.Errorf("ref %q: %w", name, err)
		}
		if err := plock.commit(packed.without(name)); err != nil {
			return fmt.Errorf("ref %q: %w", name, err)
		}
	}
	if cur.loose {
		p := r.refPath(name)
		if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("ref %q: %w", name, err)
		}
		if err := syncDir(filepath.Dir(p)); err != nil {
			return fmt.Errorf("ref %q: %w", name, err)
		}
	}
	return nil
}

// lockRef creates name's lock file and, holding it, reads the ref and
// checks that it holds expected. On any error the lock file is released.
func (r *Repo) lockRef(name string, expected plumbing.Hash) (*lockFile, refValue, error) {
	p := r.refPath(name)
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		if other := r.looseRefAbove(name); other != "" {
			return nil, refValue{}, fmt.Errorf("ref %q: conflicts with existing ref %q", name, other)
		}
		return nil, refValue{}, fmt.Errorf("ref %q: %w", name, err)
	}
	lock, err := createLockFile(p)
	if err != nil {
		return nil, refValue{}, fmt.Errorf("ref %q: %w", name, err)
	}
	cur, err := r.readRef(name)
	if err != nil {
		lock.release()
		return nil, refValue{}, err
	}
	if cur.symbolic != "" {
		lock.release()
		return nil, refValue{}, fmt.Errorf("ref %q is a symbolic ref to %q; update %q instead", name, cur.symbolic, cur.symbolic)
	}
	if cur.hash != expected {
		lock.release()
		return nil, refValue{}, &RefConflictError{Ref: name, Expected: expected, Actual: cur.hash}
	}
	return lock, cur, nil
}

// looseRefAbove returns a loose ref whose name is a proper prefix directory
// of name (refs/a for refs/a/b), if there is one.
func (r *Repo) looseRefAbove(name string) string {
	for dir := path.Dir(name); dir != "refs" && dir != "."; dir = path.Dir(dir) {
		if fi, err := os.Lstat(r.refPath(dir)); err == nil && fi.Mode().IsRegular() {
			return dir
		}
	}
	return ""
}

// checkRefNameFree reports an error if creating name would clash with an
// existing ref the way git forbids: refs/a and refs/a/b cannot both exist.
// Empty directories left where name's loose file would go are removed.
func (r *Repo) checkRefNameFree(name string) error {
	packed, err := readPackedRefs(filepath.Join(r.commonDir, packedRefsName))
	if err != nil {
		return fmt.Errorf("ref %q: %w", name, err)
	}
	for _, e := range packed.entries {
		if strings.HasPrefix(name, e.name+"/") || strings.HasPrefix(e.name, name+"/") {
			return fmt.Errorf("ref %q: conflicts with existing ref %q", name, e.name)
		}
	}
	if other := r.looseRefAbove(name); other != "" {
		return fmt.Errorf("ref %q: conflicts with existing ref %q", name, other)
	}
	dir := r.refPath(name)
	if fi, err := os.Lstat(dir); err != nil || !fi.IsDir() {
		return nil
	}
	removeEmptyDirs(dir)
	if _, err := os.Lstat(dir); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	below := ""
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(r.commonDir, p)
			below = filepath.ToSlash(rel)
			return filepath.SkipAll
		}
		return nil
	})
	return fmt.Errorf("ref %q: conflicts with existing ref %q", name, below)
}

// removeEmptyDirs removes dir and the directories below it that hold no
// files, deepest first; directories that hold files stay.
func removeEmptyDirs(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if e.IsDir() {
			removeEmptyDirs(filepath.Join(dir, e.Name()))
		}
	}
	os.Remove(dir)
}
