package gitstore

import (
	"context"
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
// It is a transaction of its own (see Tx): it takes the Space lock, and
// Git's lock file of the ref, waiting while git holds it. newHash must
// name an object in the repository. Symbolic refs are not followed and not
// overwritten.
func (r *Repo) UpdateRef(name string, newHash, oldHash plumbing.Hash) error {
	return r.oneRef(name, func(tx *Tx) error { return tx.Update(name, newHash, oldHash) })
}

// DeleteRef deletes the ref name if it currently points at oldHash, which
// must not be zero; on a mismatch it returns a *RefConflictError. Like git,
// it removes the ref from packed-refs first and then the loose file, so
// that a crash in between leaves the ref as it was rather than resurrecting
// an older packed value.
func (r *Repo) DeleteRef(name string, oldHash plumbing.Hash) error {
	return r.oneRef(name, func(tx *Tx) error { return tx.Delete(name, oldHash) })
}

// oneRef runs a transaction that moves one ref.
func (r *Repo) oneRef(name string, move func(*Tx) error) error {
	if err := ValidateRefName(name); err != nil {
		return err
	}
	tx, err := r.Begin(context.Background(), "update "+name)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := move(tx); err != nil {
		return err
	}
	return tx.Commit()
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
