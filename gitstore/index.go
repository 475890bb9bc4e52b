package gitstore

import (
	"bytes"
	"fmt"
	"os"
	"path"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/format/index"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ResetIndex makes the index (the staging area) match the tree of commit,
// like git reset --mixed but without moving HEAD or any branch: after init
// writes the first commit from files already in the work tree, git status
// is clean. The work tree is not touched. A file whose content in the work
// tree matches the commit gets its stat data recorded, so git does not need
// to hash it again.
//
// The index is replaced through Git's lock-file protocol (index.lock); if
// another process holds the lock the error wraps ErrLocked. go-git's
// Worktree.Reset is not used because it also moves the branch HEAD points
// at, whatever ref the commit is on.
func (r *Repo) ResetIndex(commit plumbing.Hash) error {
	c, err := r.repo.CommitObject(commit)
	if err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	tree, err := c.Tree()
	if err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	idx := &index.Index{Version: 2}
	if err := r.addTreeToIndex(idx, tree, ""); err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	lock, err := createLockFile(filepath.Join(r.gitDir, "index"))
	if err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	defer lock.release()
	if err := lock.commit(buf.Bytes()); err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	return nil
}

// addTreeToIndex adds t's files, below the directory prefix, to idx.
func (r *Repo) addTreeToIndex(idx *index.Index, t *object.Tree, prefix string) error {
	for _, e := range t.Entries {
		name := path.Join(prefix, e.Name)
		if e.Mode == filemode.Dir {
			sub, err := r.repo.TreeObject(e.Hash)
			if err != nil {
				return fmt.Errorf("tree %q: %w", name, err)
			}
			if err := r.addTreeToIndex(idx, sub, name); err != nil {
				return err
			}
			continue
		}
		entry := &index.Entry{Name: name, Hash: e.Hash, Mode: e.Mode}
		if entry.Mode == filemode.Deprecated {
			entry.Mode = filemode.Regular
		}
		if entry.Mode == filemode.Regular || entry.Mode == filemode.Executable {
			r.fillStat(entry)
		}
		idx.Entries = append(idx.Entries, entry)
	}
	return nil
}

// fillStat records the work tree file's stat data in e if the file holds
// e's blob; otherwise it leaves the stat data zero, which git reads as
// "changed, look at the content".
func (r *Repo) fillStat(e *index.Entry) {
	p := filepath.Join(r.root, filepath.FromSlash(e.Name))
	fi, err := os.Lstat(p)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	data, err := os.ReadFile(p)
	if err != nil || plumbing.ComputeHash(plumbing.BlobObject, data) != e.Hash {
		return
	}
	e.ModifiedAt = fi.ModTime()
	e.Size = uint32(fi.Size())
	fillSysStat(e, fi)
}
