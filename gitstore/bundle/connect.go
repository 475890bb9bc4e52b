package bundle

import (
	"context"
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// checkConnected checks that every object the references reach is in st. It
// reads the objects of the bundle (inPack) and follows their links; an
// object that was not in the bundle must be in st, and is trusted to be
// complete, as the prerequisites promise for their history.
func checkConnected(ctx context.Context, st storer.EncodedObjectStorer, refs []Reference, inPack map[plumbing.Hash]bool) error {
	type item struct {
		h   plumbing.Hash
		ref string
	}
	var stack []item
	for _, r := range refs {
		stack = append(stack, item{r.Hash, r.Name})
	}
	seen := map[plumbing.Hash]bool{}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[it.h] {
			continue
		}
		seen[it.h] = true
		if len(seen)%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		if !inPack[it.h] {
			if err := st.HasEncodedObject(it.h); err != nil {
				if errors.Is(err, plumbing.ErrObjectNotFound) {
					return packErrorf(nil, "reference %q reaches %s, which is neither in the bundle nor in the repository", it.ref, it.h)
				}
				return err
			}
			continue
		}
		o, err := st.EncodedObject(plumbing.AnyObject, it.h)
		if err != nil {
			return err
		}
		links, err := objectLinks(o)
		if err != nil {
			return packErrorf(err, "object %s, reached from reference %q, is a malformed %s", it.h, it.ref, o.Type())
		}
		for _, l := range links {
			if !seen[l] {
				stack = append(stack, item{l, it.ref})
			}
		}
	}
	return nil
}

// objectLinks returns the objects that o names: a commit's tree and
// parents, a tree's entries (but not submodule commits), a tag's target.
func objectLinks(o plumbing.EncodedObject) ([]plumbing.Hash, error) {
	switch o.Type() {
	case plumbing.CommitObject:
		var c object.Commit
		if err := c.Decode(o); err != nil {
			return nil, err
		}
		return append([]plumbing.Hash{c.TreeHash}, c.ParentHashes...), nil
	case plumbing.TreeObject:
		var t object.Tree
		if err := t.Decode(o); err != nil {
			return nil, err
		}
		links := make([]plumbing.Hash, 0, len(t.Entries))
		for _, e := range t.Entries {
			if e.Mode != filemode.Submodule {
				links = append(links, e.Hash)
			}
		}
		return links, nil
	case plumbing.TagObject:
		var t object.Tag
		if err := t.Decode(o); err != nil {
			return nil, err
		}
		return []plumbing.Hash{t.Target}, nil
	}
	return nil, nil
}
