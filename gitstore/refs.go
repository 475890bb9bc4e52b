package gitstore

import (
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
// packed, in name order; symbolic refs are left out.
func (r *Repo) RefsUnder(prefix string) ([]NamedRef, error) {
	iter, err := r.repo.References()
	if err != nil {
		return nil, err
	}
	defer iter.Close()
	var out []NamedRef
	err = iter.ForEach(func(ref *plumbing.Reference) error {
		name := ref.Name().String()
		if ref.Type() == plumbing.HashReference && strings.HasPrefix(name, prefix) {
			out = append(out, NamedRef{Name: name, Hash: ref.Hash()})
		}
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, err
}
