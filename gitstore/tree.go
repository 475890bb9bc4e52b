package gitstore

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// File is one file of a tree: its slash-separated path from the tree's
// root, its content, and whether it is executable (mode 100755 rather than
// 100644).
type File struct {
	Path       string
	Data       []byte
	Executable bool
	// Deleted asks UpdateTree to remove the path (and a directory it
	// leaves empty); WriteTree takes no deleted files.
	Deleted bool
}

// WriteTree stores files as blobs in nested trees and returns the root
// tree's hash, the same hash git write-tree gives for an index holding the
// same files. Directories come from the paths; there are no empty ones, and
// no files is the empty tree.
//
// It refuses a path that is empty or absolute, has an empty, "." or ".."
// component, has a ".git" component (in any case, as git does), contains a
// NUL byte, or is given twice, and a path that is both a file and a
// directory ("a" and "a/b").
func (r *Repo) WriteTree(files []File) (plumbing.Hash, error) {
	root := newTreeDir()
	for i := range files {
		if err := root.add(&files[i]); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	return r.writeTreeDir(root)
}

// WriteTreeWith is WriteTree with one more entry at the root: the
// directory name, the tree sub already stored (the ledger's state, which
// each commit carries on from its parent's).
func (r *Repo) WriteTreeWith(files []File, name string, sub plumbing.Hash) (plumbing.Hash, error) {
	if _, err := splitTreePath(name); err != nil || strings.Contains(name, "/") {
		return plumbing.ZeroHash, fmt.Errorf("tree entry %q: not a plain name", name)
	}
	root := newTreeDir()
	for i := range files {
		if err := root.add(&files[i]); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	if _, ok := root.files[name]; ok {
		return plumbing.ZeroHash, fmt.Errorf("tree entry %q: given twice", name)
	}
	if _, ok := root.dirs[name]; ok {
		return plumbing.ZeroHash, fmt.Errorf("tree entry %q: given twice", name)
	}
	return r.writeTreeDirWith(root, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: sub})
}

// treeDir is a directory being assembled by WriteTree.
type treeDir struct {
	files map[string]*File
	dirs  map[string]*treeDir
}

func newTreeDir() *treeDir {
	return &treeDir{files: map[string]*File{}, dirs: map[string]*treeDir{}}
}

// add places f below d, creating directories on the way.
func (d *treeDir) add(f *File) error {
	comps, err := splitTreePath(f.Path)
	if err != nil {
		return err
	}
	for i, c := range comps[:len(comps)-1] {
		if _, ok := d.files[c]; ok {
			return fmt.Errorf("tree path %q: %q is also a file", f.Path, strings.Join(comps[:i+1], "/"))
		}
		sub, ok := d.dirs[c]
		if !ok {
			sub = newTreeDir()
			d.dirs[c] = sub
		}
		d = sub
	}
	base := comps[len(comps)-1]
	if _, ok := d.files[base]; ok {
		return fmt.Errorf("tree path %q: given twice", f.Path)
	}
	if _, ok := d.dirs[base]; ok {
		return fmt.Errorf("tree path %q: it is also a directory", f.Path)
	}
	d.files[base] = f
	return nil
}

// splitTreePath checks p and splits it into components.
func splitTreePath(p string) ([]string, error) {
	switch {
	case p == "":
		return nil, fmt.Errorf("tree path %q: empty", p)
	case strings.HasPrefix(p, "/"):
		return nil, fmt.Errorf("tree path %q: absolute", p)
	case strings.IndexByte(p, 0) >= 0:
		return nil, fmt.Errorf("tree path %q: contains a NUL byte", p)
	}
	comps := strings.Split(p, "/")
	for _, c := range comps {
		switch {
		case c == "":
			return nil, fmt.Errorf("tree path %q: empty component", p)
		case c == "." || c == "..":
			return nil, fmt.Errorf("tree path %q: %q component", p, c)
		case strings.EqualFold(c, ".git"):
			return nil, fmt.Errorf("tree path %q: %q component", p, c)
		}
	}
	return comps, nil
}

// writeTreeDir stores d's blobs and subtrees, then d itself.
func (r *Repo) writeTreeDir(d *treeDir) (plumbing.Hash, error) { return r.writeTreeDirWith(d) }

// writeTreeDirWith is writeTreeDir with extra entries, stored already.
func (r *Repo) writeTreeDirWith(d *treeDir, extra ...object.TreeEntry) (plumbing.Hash, error) {
	entries := make([]object.TreeEntry, 0, len(d.files)+len(d.dirs)+len(extra))
	entries = append(entries, extra...)
	for name, f := range d.files {
		if f.Deleted {
			return plumbing.ZeroHash, fmt.Errorf("tree path %q: a new tree has nothing to delete", f.Path)
		}
		h, err := r.writeBlob(f.Data)
		if err != nil {
			return plumbing.ZeroHash, fmt.Errorf("tree path %q: %w", f.Path, err)
		}
		mode := filemode.Regular
		if f.Executable {
			mode = filemode.Executable
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: mode, Hash: h})
	}
	for name, sub := range d.dirs {
		h, err := r.writeTreeDir(sub)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
	}
	return r.storeTree(entries)
}

// storeTree sorts entries in Git's canonical order and stores the tree.
func (r *Repo) storeTree(entries []object.TreeEntry) (plumbing.Hash, error) {
	// Git's canonical order compares a directory's name as if it ended
	// in "/": "a.b" (file) < "a/" (dir) < "a0" (file).
	sort.Sort(object.TreeEntrySorter(entries))
	tree := &object.Tree{Entries: entries}
	o := r.repo.Storer.NewEncodedObject()
	if err := tree.Encode(o); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree: %w", err)
	}
	return r.storeObject(o)
}

// writeBlob stores data as a blob.
func (r *Repo) writeBlob(data []byte) (plumbing.Hash, error) {
	return r.WriteBlob(bytes.NewReader(data), int64(len(data)))
}

// TreeOf stores a tree that holds one file, a blob already stored.
func (r *Repo) TreeOf(name string, blob plumbing.Hash) (plumbing.Hash, error) {
	if _, err := splitTreePath(name); err != nil || strings.Contains(name, "/") {
		return plumbing.ZeroHash, fmt.Errorf("tree entry %q: not a plain file name", name)
	}
	return r.storeTree([]object.TreeEntry{{Name: name, Mode: filemode.Regular, Hash: blob}})
}
