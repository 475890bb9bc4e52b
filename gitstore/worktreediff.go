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
// whose stat information changed. scope, when given, names the only
// directories looked in: "." for the files at the top alone, any other
// with everything below it; a command on one project compares that
// project's files and the root's, not every project's.
func (r *Repo) ChangedFiles(commit plumbing.Hash, match func(path string) bool, scope ...string) ([]FileChange, error) {
	if len(scope) == 0 {
		scope = []string{""}
	}
	want := map[string]plumbing.Hash{}
	var out []FileChange
	for _, dir := range scope {
		if err := r.committedFiles(commit, dir, match, want); err != nil {
			return nil, err
		}
	}
	for _, dir := range scope {
		if err := r.workFiles(dir, match, want, &out); err != nil {
			return nil, fmt.Errorf("compare the work tree with %s: %w", commit, err)
		}
	}
	for p := range want {
		out = append(out, FileChange{Path: p, How: "deleted"})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Path < out[k].Path })
	return out, nil
}

// workFiles compares the matching files of the work tree in dir ("" for
// all of it, "." for the top alone) with want, taking each from want.
func (r *Repo) workFiles(dir string, match func(string) bool, want map[string]plumbing.Hash, out *[]FileChange) error {
	start := filepath.Join(r.root, filepath.FromSlash(dir))
	err := filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(r.root, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			switch {
			case p == start:
				return nil
			case dir == "." || strings.HasPrefix(d.Name(), "."):
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
			*out = append(*out, FileChange{Path: rel, How: "new"})
		case committed != h:
			*out = append(*out, FileChange{Path: rel, How: "modified"})
		}
		return nil
	})
	if errors.Is(err, fs.ErrNotExist) && dir != "" {
		return nil // a directory the work tree lacks: its files show as deleted
	}
	return err
}

// committedFiles adds to out each matching file of commit's tree in dir
// ("" for all of it, "." for the top alone), with its blob.
func (r *Repo) committedFiles(commit plumbing.Hash, dir string, match func(string) bool, out map[string]plumbing.Hash) error {
	tree, _, err := r.CommitTree(commit)
	if err != nil {
		return err
	}
	if dir == "." {
		for _, e := range tree.Entries {
			if e.Mode.IsFile() && match(e.Name) {
				out[e.Name] = e.Hash
			}
		}
		return nil
	}
	prefix := ""
	if dir != "" {
		sub, ok, err := r.SubTree(tree, dir)
		if err != nil {
			return err
		}
		if !ok {
			return nil // not in the commit: its files show as new
		}
		tree, prefix = sub, dir+"/"
	}
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	for {
		name, entry, err := walker.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if entry.Mode.IsFile() && match(prefix+name) {
			out[prefix+name] = entry.Hash
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
