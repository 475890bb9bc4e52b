package gitstore

import (
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// liveStorage is go-git's on-disk storage, told to look at the packs again
// when an object is not where it last looked. go-git lists the packs once;
// git gc and git repack running beside zonectl pack loose objects into new
// packs and delete the loose files (git prune-packed), and without a fresh
// look an object zonectl wrote a moment ago would be "not found".
type liveStorage struct {
	*filesystem.Storage
}

func (s liveStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	o, err := s.Storage.EncodedObject(t, h)
	if err != nil {
		s.Reindex()
		o, err = s.Storage.EncodedObject(t, h)
	}
	return o, err
}

func (s liveStorage) HasEncodedObject(h plumbing.Hash) error {
	err := s.Storage.HasEncodedObject(h)
	if err != nil {
		s.Reindex()
		err = s.Storage.HasEncodedObject(h)
	}
	return err
}

func (s liveStorage) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	n, err := s.Storage.EncodedObjectSize(h)
	if err != nil {
		s.Reindex()
		n, err = s.Storage.EncodedObjectSize(h)
	}
	return n, err
}
