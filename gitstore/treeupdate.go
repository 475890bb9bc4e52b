package gitstore

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// UpdateTree returns the tree that is base with files added, replaced or
// (File.Deleted) removed, everything else — other files, their modes,
// links, submodules — kept as it is; a directory left empty goes too. It is how zonectl commits one file of the configuration (an
// import binding) on top of main without checking the tree out. A zero
// base is the empty tree. A file that would replace a directory, or sit
// below a file, is refused.
func (r *Repo) UpdateTree(base plumbing.Hash, files []File) (plumbing.Hash, error) {
	root := newTreeDir()
	for i := range files {
		if err := root.add(&files[i]); err != nil {
			return plumbing.ZeroHash, err
		}
	}
	h, _, err := r.mergeTree(base, root, "")
	return h, err
}

// mergeTree is base with d merged in, and how many entries it holds.
func (r *Repo) mergeTree(base plumbing.Hash, d *treeDir, prefix string) (plumbing.Hash, int, error) {
	var entries []object.TreeEntry
	old := map[string]object.TreeEntry{}
	if !base.IsZero() {
		t, err := r.repo.TreeObject(base)
		if err != nil {
			return plumbing.ZeroHash, 0, fmt.Errorf("read tree %s%s: %w", prefix, base, err)
		}
		for _, e := range t.Entries {
			old[e.Name] = e
			if _, replaced := d.files[e.Name]; replaced {
				continue
			}
			if _, merged := d.dirs[e.Name]; merged {
				continue
			}
			entries = append(entries, e)
		}
	}
	for name, f := range d.files {
		if e, ok := old[name]; ok && e.Mode == filemode.Dir {
			return plumbing.ZeroHash, 0, fmt.Errorf("tree path %q: it is a directory in the tree it would change", f.Path)
		}
		if f.Deleted {
			continue
		}
		h, err := r.writeBlob(f.Data)
		if err != nil {
			return plumbing.ZeroHash, 0, fmt.Errorf("tree path %q: %w", f.Path, err)
		}
		mode := filemode.Regular
		if f.Executable {
			mode = filemode.Executable
		}
		entries = append(entries, object.TreeEntry{Name: name, Mode: mode, Hash: h})
	}
	for name, sub := range d.dirs {
		subBase := plumbing.ZeroHash
		if e, ok := old[name]; ok {
			if e.Mode != filemode.Dir {
				return plumbing.ZeroHash, 0, fmt.Errorf("tree path %q: it is a file in the tree it would change", prefix+name)
			}
			subBase = e.Hash
		}
		h, n, err := r.mergeTree(subBase, sub, prefix+name+"/")
		if err != nil {
			return plumbing.ZeroHash, 0, err
		}
		if n > 0 {
			entries = append(entries, object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h})
		}
	}
	h, err := r.storeTree(entries)
	return h, len(entries), err
}
