package bundle

import (
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"
)

// overlay is an object store that keeps what is written to it in memory
// and reads through to a base store: Verify stores a bundle's objects in
// one to check them without touching the repository.
type overlay struct {
	mem  *memory.ObjectStorage
	base storer.EncodedObjectStorer
}

func newOverlay(base storer.EncodedObjectStorer) *overlay {
	return &overlay{mem: &memory.NewStorage().ObjectStorage, base: base}
}

func (o *overlay) NewEncodedObject() plumbing.EncodedObject { return o.mem.NewEncodedObject() }

func (o *overlay) SetEncodedObject(obj plumbing.EncodedObject) (plumbing.Hash, error) {
	return o.mem.SetEncodedObject(obj)
}

func (o *overlay) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	obj, err := o.mem.EncodedObject(t, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return o.base.EncodedObject(t, h)
	}
	return obj, err
}

// IterEncodedObjects iterates over the objects written to the overlay only.
func (o *overlay) IterEncodedObjects(t plumbing.ObjectType) (storer.EncodedObjectIter, error) {
	return o.mem.IterEncodedObjects(t)
}

func (o *overlay) HasEncodedObject(h plumbing.Hash) error {
	if o.mem.HasEncodedObject(h) == nil {
		return nil
	}
	return o.base.HasEncodedObject(h)
}

func (o *overlay) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	if n, err := o.mem.EncodedObjectSize(h); err == nil {
		return n, nil
	}
	return o.base.EncodedObjectSize(h)
}

func (o *overlay) AddAlternate(string) error {
	return errors.New("bundle overlay: alternates are not supported")
}
