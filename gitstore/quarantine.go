package gitstore

import (
	"errors"
	"fmt"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage"
	"github.com/go-git/go-git/v5/storage/memory"
)

// A Quarantine holds what a peer sent apart from the repository until it
// has been checked, as git's receive quarantine does: objects written to
// it stay in memory, reads see them and the repository's, and only Keep
// puts them in the object store. A refused bundle leaves nothing behind.
// It is for small things (receipt bundles): everything is in memory.
type Quarantine struct {
	// Repo reads the repository and the quarantined objects; writing
	// objects through it goes to the quarantine, never to disk. It moves
	// no ref.
	Repo *Repo
	real *Repo
	mem  *memory.ObjectStorage
}

// Quarantine opens a quarantine over the repository.
func (r *Repo) Quarantine() (*Quarantine, error) {
	mem := memory.NewStorage()
	st := &quarantineStorer{Storer: r.repo.Storer, mem: &mem.ObjectStorage}
	gr, err := git.Open(st, nil)
	if err != nil {
		return nil, fmt.Errorf("quarantine: %w", err)
	}
	view := &Repo{root: r.root, gitDir: r.gitDir, commonDir: r.commonDir, repo: gr}
	return &Quarantine{Repo: view, real: r, mem: &mem.ObjectStorage}, nil
}

// Objects is where an unbundle into the quarantine writes: objects one by
// one, into memory.
func (q *Quarantine) Objects() storer.EncodedObjectStorer {
	return objectsOnly{q.Repo.repo.Storer.(*quarantineStorer)}
}

// Keep writes every quarantined object into the repository's object
// store, durably, as loose objects; a ref may point at them afterwards.
func (q *Quarantine) Keep() error {
	iter, err := q.mem.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		return err
	}
	return iter.ForEach(func(o plumbing.EncodedObject) error {
		if q.real.repo.Storer.HasEncodedObject(o.Hash()) == nil {
			return nil
		}
		_, err := q.real.storeObject(o)
		return err
	})
}

// quarantineStorer is the repository's storage with objects written to
// memory and read from memory first.
type quarantineStorer struct {
	storage.Storer
	mem *memory.ObjectStorage
}

func (s *quarantineStorer) NewEncodedObject() plumbing.EncodedObject {
	return &plumbing.MemoryObject{}
}

func (s *quarantineStorer) SetEncodedObject(o plumbing.EncodedObject) (plumbing.Hash, error) {
	return s.mem.SetEncodedObject(o)
}

func (s *quarantineStorer) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	o, err := s.mem.EncodedObject(t, h)
	if errors.Is(err, plumbing.ErrObjectNotFound) {
		return s.Storer.EncodedObject(t, h)
	}
	return o, err
}

func (s *quarantineStorer) HasEncodedObject(h plumbing.Hash) error {
	if s.mem.HasEncodedObject(h) == nil {
		return nil
	}
	return s.Storer.HasEncodedObject(h)
}

func (s *quarantineStorer) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	if n, err := s.mem.EncodedObjectSize(h); err == nil {
		return n, nil
	}
	return s.Storer.EncodedObjectSize(h)
}

// objectsOnly shows only the object methods of a quarantine, so that an
// unbundle takes it for what it is (objects one by one), not for the
// repository's storage, which writes packs.
type objectsOnly struct{ s *quarantineStorer }

func (o objectsOnly) NewEncodedObject() plumbing.EncodedObject { return o.s.NewEncodedObject() }
func (o objectsOnly) SetEncodedObject(e plumbing.EncodedObject) (plumbing.Hash, error) {
	return o.s.SetEncodedObject(e)
}
func (o objectsOnly) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	return o.s.EncodedObject(t, h)
}
func (o objectsOnly) IterEncodedObjects(t plumbing.ObjectType) (storer.EncodedObjectIter, error) {
	return o.s.mem.IterEncodedObjects(t)
}
func (o objectsOnly) HasEncodedObject(h plumbing.Hash) error { return o.s.HasEncodedObject(h) }
func (o objectsOnly) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	return o.s.EncodedObjectSize(h)
}
func (o objectsOnly) AddAlternate(string) error {
	return errors.New("a quarantine takes no alternates")
}
