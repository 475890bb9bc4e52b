package bundle

import (
	"fmt"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

const (
	// cacheBudget bounds the object contents Create keeps in memory.
	cacheBudget = 32 << 20
	// cacheMaxObject is the largest object Create keeps; larger ones are
	// read again when needed, and streamed when written whole.
	cacheMaxObject = 1 << 20
)

// objectCache reads objects for Create. Create reads each tree and blob up
// to three times (to walk it, to write it, as the delta base of the next
// version), and go-git's filesystem storage opens the pack file for each
// read, so recent contents are kept: first in, first out, within
// cacheBudget. Decoded commits are all kept; they are small.
type objectCache struct {
	st      storer.EncodedObjectStorer
	data    map[plumbing.Hash]loaded
	fifo    []plumbing.Hash
	size    int64
	commits map[plumbing.Hash]*object.Commit
}

// loaded is an object's type and size, and its content unless it is too
// large to hold (then obj streams it).
type loaded struct {
	typ  plumbing.ObjectType
	size int64
	data []byte
	obj  plumbing.EncodedObject
}

func newObjectCache(st storer.EncodedObjectStorer) *objectCache {
	return &objectCache{st: st, data: map[plumbing.Hash]loaded{}, commits: map[plumbing.Hash]*object.Commit{}}
}

// load returns h. Its content is in data when it is small or when need is
// set.
func (c *objectCache) load(h plumbing.Hash, need bool) (loaded, error) {
	if l, ok := c.data[h]; ok {
		return l, nil
	}
	obj, err := c.st.EncodedObject(plumbing.AnyObject, h)
	if err != nil {
		return loaded{}, fmt.Errorf("object %s: %w", h, err)
	}
	l := loaded{typ: obj.Type(), size: obj.Size(), obj: obj}
	if l.size > cacheMaxObject && !need {
		return l, nil
	}
	if l.data, err = readAll(obj); err != nil {
		return loaded{}, err
	}
	l.obj = nil
	if l.size <= cacheMaxObject {
		c.data[h] = l
		c.fifo = append(c.fifo, h)
		c.size += l.size
		for c.size > cacheBudget {
			old := c.fifo[0]
			c.fifo = c.fifo[1:]
			c.size -= c.data[old].size
			delete(c.data, old)
		}
	}
	return l, nil
}

// commit returns the decoded commit h.
func (c *objectCache) commit(h plumbing.Hash) (*object.Commit, error) {
	if cm, ok := c.commits[h]; ok {
		return cm, nil
	}
	cm, err := object.GetCommit(c.st, h)
	if err != nil {
		return nil, fmt.Errorf("commit %s: %w", h, err)
	}
	c.commits[h] = cm
	return cm, nil
}

// tree returns the decoded tree h.
func (c *objectCache) tree(h plumbing.Hash) (*object.Tree, error) {
	l, err := c.load(h, true)
	if err != nil {
		return nil, err
	}
	if l.typ != plumbing.TreeObject {
		return nil, fmt.Errorf("object %s is a %s, not a tree", h, l.typ)
	}
	mo := &plumbing.MemoryObject{}
	mo.SetType(plumbing.TreeObject)
	if _, err := mo.Write(l.data); err != nil {
		return nil, err
	}
	var t object.Tree
	if err := t.Decode(mo); err != nil {
		return nil, fmt.Errorf("tree %s: %w", h, err)
	}
	return &t, nil
}
