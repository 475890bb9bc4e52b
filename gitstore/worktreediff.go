package gitstore

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// FileChange is a file of the work tree that differs from a commit.
type FileChange struct {
	Path string // slash-separated, from the root of the work tree
	// How: "modified", "new" (not in the commit) or "deleted" (not in
	// the work tree).
	How string
}

// ChangedFiles lists the files that match, in the work tree and in the
// tree of commit, whose content differs between the two, in path order.
// Directories whose name starts with a dot (.git, .zonectl) are not
// looked in. It compares blob hashes, as git status does for a file
// whose stat information changed.
func (r *Repo) ChangedFiles(commit plumbing.Hash, match func(path string) bool) ([]FileChange, error) {
	want, err := r.committedFiles(commit, match)
	if err != nil {
		return nil, err
	}
	var out []FileChange
	err = filepath.WalkDir(r.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(r.root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel != "." && strings.HasPrefix(d.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || !match(rel) {
			return nil
		}
		h, err := blobHashOf(p)
		if err != nil {
			return err
		}
		committed, ok := want[rel]
		delete(want, rel)
		switch {
		case !ok:
			out = append(out, FileChange{Path: rel, How: "new"})
		case committed != h:
			out = append(out, FileChange{Path: rel, How: "modified"})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compare the work tree with %s: %w", commit, err)
	}
	for p := range want {
		out = append(out, FileChange{Path: p, How: "deleted"})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Path < out[k].Path })
	return out, nil
}

// committedFiles maps each matching file of commit's tree to its blob.
func (r *Repo) committedFiles(commit plumbing.Hash, match func(string) bool) (map[string]plumbing.Hash, error) {
	c, err := r.repo.CommitObject(commit)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", commit, err)
	}
	tree, err := c.Tree()
	if err != nil {
		return nil, err
	}
	out := map[string]plumbing.Hash{}
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	for {
		name, entry, err := walker.Next()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if entry.Mode.IsFile() && match(name) {
			out[name] = entry.Hash
		}
	}
}

// blobHashOf is the Git blob hash of the file at p.
func blobHashOf(p string) (plumbing.Hash, error) {
	data, err := os.ReadFile(p)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return plumbing.ComputeHash(plumbing.BlobObject, data), nil
}
