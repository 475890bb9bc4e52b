package bundle

import (
	"context"
	"errors"
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// selection is what a bundle will hold: the boundary commits that become
// prerequisites, and the objects of the pack in the order they are written,
// each with the object that is its best delta base candidate.
type selection struct {
	boundary []*object.Commit
	objects  []*packObject
}

// packObject is one object to pack.
type packObject struct {
	hash plumbing.Hash
	typ  plumbing.ObjectType
	// base, when not zero, is the same path's object in the parent commit:
	// in the pack before this one, or (external) in a boundary commit's
	// tree, which the receiver has.
	base     plumbing.Hash
	external bool
}

// walker selects the objects of a bundle, as git rev-list --objects
// --boundary tips --not excludes does, and remembers for each new tree and
// blob its path's previous version.
type walker struct {
	ctx context.Context
	st  storer.EncodedObjectStorer
	c   *objectCache
	// known are the objects the receiver has (reachable from the boundary
	// commits' trees) and those already selected.
	known map[plumbing.Hash]bool
	// inPack are the selected objects.
	inPack map[plumbing.Hash]bool
	sel    selection
}

// selectObjects walks from the references' objects, stopping at commits
// reachable from exclude.
func selectObjects(ctx context.Context, cache *objectCache, refs []Reference, exclude []plumbing.Hash) (*selection, error) {
	w := &walker{ctx: ctx, st: cache.st, c: cache, known: map[plumbing.Hash]bool{}, inPack: map[plumbing.Hash]bool{}}
	var excl []plumbing.Hash
	for _, h := range exclude {
		c, err := w.peelToCommit(h)
		if err != nil {
			return nil, fmt.Errorf("excluded commit %s: %w", h, err)
		}
		excl = append(excl, c)
	}
	excluded, err := w.ancestry(excl, nil)
	if err != nil {
		return nil, err
	}
	tags, tips, others, err := w.peelRefs(refs, excluded)
	if err != nil {
		return nil, err
	}
	commits, err := w.ancestry(tips, excluded)
	if err != nil {
		return nil, err
	}
	order, err := w.parentsFirst(tips, commits)
	if err != nil {
		return nil, err
	}
	boundarySeen := map[plumbing.Hash]bool{}
	for _, c := range order {
		for _, p := range c.ParentHashes {
			if excluded[p] && !boundarySeen[p] {
				boundarySeen[p] = true
				pc, err := w.c.commit(p)
				if err != nil {
					return nil, fmt.Errorf("boundary: %w", err)
				}
				w.sel.boundary = append(w.sel.boundary, pc)
			}
		}
	}
	for _, b := range w.sel.boundary {
		if err := w.markKnown(b.TreeHash); err != nil {
			return nil, err
		}
	}

	// Commits newest first, then tags, then trees and blobs commit by
	// commit, oldest first, so a path's previous version precedes it.
	for i := len(order) - 1; i >= 0; i-- {
		w.add(order[i].Hash, plumbing.CommitObject, plumbing.ZeroHash)
	}
	for _, t := range tags {
		w.add(t, plumbing.TagObject, plumbing.ZeroHash)
	}
	for _, c := range order {
		var prev plumbing.Hash
		if len(c.ParentHashes) > 0 {
			p, err := w.c.commit(c.ParentHashes[0])
			if err != nil {
				return nil, fmt.Errorf("commit %s: parent: %w", c.Hash, err)
			}
			prev = p.TreeHash
		}
		if err := w.addTree(c.TreeHash, prev); err != nil {
			return nil, err
		}
	}
	for _, h := range others {
		o, err := w.st.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return nil, err
		}
		if o.Type() == plumbing.TreeObject {
			err = w.addTree(h, plumbing.ZeroHash)
		} else {
			w.add(h, o.Type(), plumbing.ZeroHash)
		}
		if err != nil {
			return nil, err
		}
	}
	return &w.sel, nil
}

// peelRefs sorts what the references point at: the tags on the way
// (packed), the commits at the end (walked), and trees and blobs (packed
// with what they hold).
func (w *walker) peelRefs(refs []Reference, excluded map[plumbing.Hash]bool) (tags, tips, others []plumbing.Hash, err error) {
	for _, r := range refs {
		h := r.Hash
		for {
			o, err := w.st.EncodedObject(plumbing.AnyObject, h)
			if err != nil {
				return nil, nil, nil, fmt.Errorf("reference %q: object %s: %w", r.Name, h, err)
			}
			switch o.Type() {
			case plumbing.TagObject:
				tags = append(tags, h)
				t, err := object.DecodeTag(w.st, o)
				if err != nil {
					return nil, nil, nil, fmt.Errorf("reference %q: tag %s: %w", r.Name, h, err)
				}
				h = t.Target
				continue
			case plumbing.CommitObject:
				if excluded[h] {
					return nil, nil, nil, fmt.Errorf("reference %q: commit %s is reachable from the excluded commits, so the receiver has it: leave the reference out", r.Name, h)
				}
				tips = append(tips, h)
			default:
				others = append(others, h)
			}
			break
		}
	}
	return tags, tips, others, nil
}

// peelToCommit follows tags from h to a commit.
func (w *walker) peelToCommit(h plumbing.Hash) (plumbing.Hash, error) {
	for {
		o, err := w.st.EncodedObject(plumbing.AnyObject, h)
		if err != nil {
			return h, err
		}
		switch o.Type() {
		case plumbing.CommitObject:
			return h, nil
		case plumbing.TagObject:
			t, err := object.DecodeTag(w.st, o)
			if err != nil {
				return h, err
			}
			h = t.Target
		default:
			return h, fmt.Errorf("%s is a %s, not a commit", h, o.Type())
		}
	}
}

// ancestry returns the commits reachable from tips, not entering stop.
func (w *walker) ancestry(tips []plumbing.Hash, stop map[plumbing.Hash]bool) (map[plumbing.Hash]bool, error) {
	seen := map[plumbing.Hash]bool{}
	stack := append([]plumbing.Hash(nil), tips...)
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] || stop[h] {
			continue
		}
		seen[h] = true
		if len(seen)%256 == 0 {
			if err := w.ctx.Err(); err != nil {
				return nil, err
			}
		}
		c, err := w.c.commit(h)
		if err != nil {
			return nil, err
		}
		stack = append(stack, c.ParentHashes...)
	}
	return seen, nil
}

// parentsFirst orders the commits of set so that each comes after its
// parents in set: a depth-first post-order from the tips.
func (w *walker) parentsFirst(tips []plumbing.Hash, set map[plumbing.Hash]bool) ([]*object.Commit, error) {
	type frame struct {
		c    *object.Commit
		next int // the next parent to visit
	}
	var order []*object.Commit
	done := map[plumbing.Hash]bool{}
	for _, tip := range tips {
		if done[tip] {
			continue
		}
		c, err := w.c.commit(tip)
		if err != nil {
			return nil, err
		}
		done[tip] = true
		stack := []frame{{c: c}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next == len(f.c.ParentHashes) {
				order = append(order, f.c)
				stack = stack[:len(stack)-1]
				continue
			}
			p := f.c.ParentHashes[f.next]
			f.next++
			if !set[p] || done[p] {
				continue
			}
			done[p] = true
			pc, err := w.c.commit(p)
			if err != nil {
				return nil, err
			}
			stack = append(stack, frame{c: pc})
		}
	}
	return order, nil
}

// markKnown marks the tree h and everything in it as known to the
// receiver.
func (w *walker) markKnown(h plumbing.Hash) error {
	if w.known[h] {
		return nil
	}
	w.known[h] = true
	t, err := w.c.tree(h)
	if err != nil {
		return err
	}
	for _, e := range t.Entries {
		switch {
		case e.Mode == filemode.Submodule:
		case e.Mode == filemode.Dir:
			if err := w.markKnown(e.Hash); err != nil {
				return err
			}
		default:
			w.known[e.Hash] = true
		}
	}
	return nil
}

// add selects h unless the receiver has it or it is selected already.
func (w *walker) add(h plumbing.Hash, t plumbing.ObjectType, base plumbing.Hash) bool {
	if w.known[h] {
		return false
	}
	w.known[h] = true
	w.inPack[h] = true
	o := &packObject{hash: h, typ: t}
	if !base.IsZero() && base != h && w.known[base] {
		o.base, o.external = base, !w.inPack[base]
	}
	w.sel.objects = append(w.sel.objects, o)
	return true
}

// addTree selects the tree h and what it holds that the receiver lacks,
// pairing each entry with the entry of the same name in prev, the same
// path's tree in the parent commit (zero for none).
func (w *walker) addTree(h, prev plumbing.Hash) error {
	if !w.add(h, plumbing.TreeObject, prev) {
		return nil
	}
	if err := w.ctx.Err(); err != nil {
		return err
	}
	t, err := w.c.tree(h)
	if err != nil {
		return err
	}
	var before map[string]object.TreeEntry
	if !prev.IsZero() {
		pt, err := w.c.tree(prev)
		if err != nil && !errors.Is(err, plumbing.ErrObjectNotFound) {
			return err
		}
		if pt != nil {
			before = make(map[string]object.TreeEntry, len(pt.Entries))
			for _, e := range pt.Entries {
				before[e.Name] = e
			}
		}
	}
	for _, e := range t.Entries {
		if e.Mode == filemode.Submodule {
			continue
		}
		old, ok := before[e.Name]
		isDir := e.Mode == filemode.Dir
		var base plumbing.Hash
		if ok && old.Mode != filemode.Submodule && (old.Mode == filemode.Dir) == isDir {
			base = old.Hash
		}
		if isDir {
			if err := w.addTree(e.Hash, base); err != nil {
				return err
			}
			continue
		}
		w.add(e.Hash, plumbing.BlobObject, base)
	}
	return nil
}
