package gitstore

import (
	"bytes"
	"context"
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
// The index is replaced under Git's index.lock; if another process holds
// it longer than GitLockWait the error wraps ErrLocked. go-git's
// Worktree.Reset is not used because it also moves the branch HEAD points
// at, whatever ref the commit is on.
func (r *Repo) ResetIndex(commit plumbing.Hash) error {
	data, err := r.indexFor(r.root, commit)
	if err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	target := filepath.Join(r.gitDir, "index")
	lock, err := takeLockFile(context.Background(), r.scratchDir(), target, []byte("zonectl reset-index\n"))
	if err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	defer lock.release()
	if err := replaceFile(r.scratchDir(), target, data, 0o666); err != nil {
		return fmt.Errorf("reset index to %s: %w", commit, err)
	}
	return nil
}

// indexFor encodes an index that matches commit's tree, with the stat
// data of the files under root that hold what the tree does.
func (r *Repo) indexFor(root string, commit plumbing.Hash) ([]byte, error) {
	c, err := r.repo.CommitObject(commit)
	if err != nil {
		return nil, err
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	idx := &index.Index{Version: 2}
	if err := r.addTreeToIndex(idx, root, tree, ""); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := index.NewEncoder(&buf).Encode(idx); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// addTreeToIndex adds t's files, below the directory prefix, to idx.
func (r *Repo) addTreeToIndex(idx *index.Index, root string, t *object.Tree, prefix string) error {
	for _, e := range t.Entries {
		name := path.Join(prefix, e.Name)
		if e.Mode == filemode.Dir {
			sub, err := r.repo.TreeObject(e.Hash)
			if err != nil {
				return fmt.Errorf("tree %q: %w", name, err)
			}
			if err := r.addTreeToIndex(idx, root, sub, name); err != nil {
				return err
			}
			continue
		}
		entry := &index.Entry{Name: name, Hash: e.Hash, Mode: e.Mode}
		if entry.Mode == filemode.Deprecated {
			entry.Mode = filemode.Regular
		}
		if entry.Mode == filemode.Regular || entry.Mode == filemode.Executable {
			fillStat(root, entry)
		}
		idx.Entries = append(idx.Entries, entry)
	}
	return nil
}

// fillStat records the work tree file's stat data in e if the file holds
// e's blob; otherwise it leaves the stat data zero, which git reads as
// "changed, look at the content".
func fillStat(root string, e *index.Entry) {
	p := filepath.Join(root, filepath.FromSlash(e.Name))
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
