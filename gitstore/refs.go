package gitstore

import (
	"errors"
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// NamedRef is a ref and the object it points at.
type NamedRef struct {
	Name string
	Hash plumbing.Hash
}

// RefsUnder lists the refs whose names start with prefix, loose and
// packed, in name order; symbolic refs are left out. It reads as git
// does, so that a git pack-refs running meanwhile (which writes
// packed-refs, then removes the loose files it packed) hides no ref: the
// loose files are listed first, packed-refs is read next, and a loose file
// gone by the time it is read is taken from packed-refs.
func (r *Repo) RefsUnder(prefix string) ([]NamedRef, error) {
	loose, err := r.looseNamesUnder(prefix)
	if err != nil {
		return nil, err
	}
	packed, err := readPackedRefs(filepath.Join(r.commonDir, packedRefsName))
	if err != nil {
		return nil, err
	}
	found := map[string]plumbing.Hash{}
	for _, e := range packed.entries {
		if strings.HasPrefix(e.name, prefix) {
			found[e.name] = e.hash
		}
	}
	for _, name := range loose {
		v, err := r.readLooseRef(name)
		if err != nil {
			return nil, err
		}
		switch {
		case v.symbolic != "":
			delete(found, name)
		case v.exists:
			found[name] = v.hash
		}
	}
	out := make([]NamedRef, 0, len(found))
	for name, h := range found {
		out = append(out, NamedRef{Name: name, Hash: h})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// looseNamesUnder lists the names of the loose ref files whose names
// start with prefix, skipping lock files and names git would not take.
func (r *Repo) looseNamesUnder(prefix string) ([]string, error) {
	dir := prefix
	if !strings.HasSuffix(dir, "/") {
		dir = path.Dir(dir)
	}
	root := r.refPath(strings.TrimSuffix(dir, "/"))
	var names []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, rerr := filepath.Rel(r.commonDir, p)
		if rerr != nil {
			return nil
		}
		name := filepath.ToSlash(rel)
		if strings.HasPrefix(name, prefix) && ValidateRefName(name) == nil {
			names = append(names, name)
		}
		return nil
	})
	return names, err
}
