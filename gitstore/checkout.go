package gitstore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// checkoutFiles makes the files under root that differ between the trees
// of commits from and to hold what to has, as git checkout does when a
// branch moves: changed and new files are written whole (a temporary file
// renamed into place), removed ones are deleted. Files that neither tree
// has are not touched. Writing again what is there already is harmless, so
// a crash half-way is finished by doing it again.
func (r *Repo) checkoutFiles(root string, from, to plumbing.Hash) error {
	oldTree, err := r.commitTree(from)
	if err != nil {
		return err
	}
	newTree, err := r.commitTree(to)
	if err != nil {
		return err
	}
	changes, err := object.DiffTree(oldTree, newTree)
	if err != nil {
		return err
	}
	for _, ch := range changes {
		if ch.To.Name == "" {
			if err := removeWorkFile(root, ch.From.Name); err != nil {
				return err
			}
			continue
		}
		if ch.From.Name != "" && ch.From.Name != ch.To.Name {
			if err := removeWorkFile(root, ch.From.Name); err != nil {
				return err
			}
		}
		if err := r.writeWorkFile(root, ch.To.Name, ch.To.TreeEntry); err != nil {
			return err
		}
	}
	return nil
}

// commitTree is the tree of commit; a zero commit has an empty tree.
func (r *Repo) commitTree(commit plumbing.Hash) (*object.Tree, error) {
	if commit.IsZero() {
		return &object.Tree{}, nil
	}
	c, err := r.repo.CommitObject(commit)
	if err != nil {
		return nil, err
	}
	return c.Tree()
}

// writeWorkFile writes one tree entry into the work tree.
func (r *Repo) writeWorkFile(root, name string, e object.TreeEntry) error {
	p, err := workPath(root, name)
	if err != nil {
		return err
	}
	if e.Mode == filemode.Submodule {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
		return err
	}
	blob, err := r.repo.BlobObject(e.Hash)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	rd, err := blob.Reader()
	if err != nil {
		return err
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return err
	}
	if e.Mode == filemode.Symlink {
		os.Remove(p)
		return os.Symlink(string(data), p)
	}
	perm := fs.FileMode(0o644)
	if e.Mode == filemode.Executable {
		perm = 0o755
	}
	return replaceFile(r.scratchDir(), p, data, perm)
}

// removeWorkFile removes a file the branch no longer has, and the
// directories it leaves empty.
func removeWorkFile(root, name string) error {
	p, err := workPath(root, name)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	for dir := filepath.Dir(p); dir != root && strings.HasPrefix(dir, root); dir = filepath.Dir(dir) {
		if os.Remove(dir) != nil {
			break
		}
	}
	return nil
}

// workPath is where the tree path name lives under root; a name that
// would leave root, or reach into .git, is refused.
func workPath(root, name string) (string, error) {
	clean := filepath.Clean(filepath.FromSlash(name))
	if clean == "." || filepath.IsAbs(clean) || strings.HasPrefix(clean, ".."+string(filepath.Separator)) || clean == ".." {
		return "", fmt.Errorf("tree path %q leaves the work tree", name)
	}
	first, _, _ := strings.Cut(filepath.ToSlash(clean), "/")
	if strings.EqualFold(first, ".git") {
		return "", fmt.Errorf("tree path %q reaches into .git", name)
	}
	return filepath.Join(root, clean), nil
}
