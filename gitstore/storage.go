package gitstore

import (
	"io"
	"os"
	"path/filepath"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/format/objfile"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// liveStorage is go-git's on-disk storage, told to look at the packs again
// when an object is not where it last looked. go-git lists the packs once;
// git gc and git repack running beside zonectl pack loose objects into new
// packs and delete the loose files (git prune-packed), and without a fresh
// look an object zonectl wrote a moment ago would be "not found".
//
// It reads loose objects itself. go-git opens one through a file system
// that resolves symbolic links a path component at a time, three system
// calls before the open, and opens it again when it is in the cache; a
// ledger is thousands of loose objects, and audit and the dashboard read
// them all.
//
// It reads packed objects itself too (see packs), and answers whether an
// object exists without go-git, which would read every pack index whole
// to say that an object about to be written is not there yet. Objects in
// alternate object stores, and large ones, are left to go-git.
type liveStorage struct {
	*filesystem.Storage
	objects    string // the objects directory
	cache      cache.Object
	packs      *packs
	alternates bool // objects/info/alternates names other stores
}

func newLiveStorage(st *filesystem.Storage, objects string, c cache.Object) liveStorage {
	_, err := os.Stat(filepath.Join(objects, "info", "alternates"))
	return liveStorage{Storage: st, objects: objects, cache: c, packs: &packs{dir: filepath.Join(objects, "pack")}, alternates: err == nil}
}

func (s liveStorage) EncodedObject(t plumbing.ObjectType, h plumbing.Hash) (plumbing.EncodedObject, error) {
	o, ok := s.cache.Get(h)
	if !ok {
		o = s.loose(h)
	}
	if o == nil {
		// An object this cannot read is go-git's to read or to report.
		if o, _ = s.packs.find(h); o != nil {
			s.cache.Put(o)
		}
	}
	if o != nil {
		if t != plumbing.AnyObject && o.Type() != t {
			return nil, plumbing.ErrObjectNotFound
		}
		return o, nil
	}
	o, err := s.Storage.EncodedObject(t, h)
	if err != nil {
		s.Reindex()
		o, err = s.Storage.EncodedObject(t, h)
	}
	return o, err
}

// loose reads the loose object h whole, or returns nil for go-git to look
// (in the packs, or for a large object it reads as it is used) and to
// report what is wrong.
func (s liveStorage) loose(h plumbing.Hash) plumbing.EncodedObject {
	hex := h.String()
	f, err := os.Open(filepath.Join(s.objects, hex[:2], hex[2:]))
	if err != nil {
		return nil
	}
	defer f.Close()
	r, err := objfile.NewReader(f)
	if err != nil {
		return nil
	}
	defer r.Close()
	t, size, err := r.Header()
	if err != nil || size > largeObject {
		return nil
	}
	data := make([]byte, size)
	if _, err := io.ReadFull(r, data); err != nil {
		return nil
	}
	o := &plumbing.MemoryObject{}
	o.SetType(t)
	o.SetSize(size)
	o.Write(data)
	if o.Hash() != h {
		return nil // damaged: go-git reads it again and says so
	}
	s.cache.Put(o)
	return o
}

func (s liveStorage) HasEncodedObject(h plumbing.Hash) error {
	hex := h.String()
	if _, err := os.Stat(filepath.Join(s.objects, hex[:2], hex[2:])); err == nil || s.packs.has(h) {
		return nil
	}
	if !s.alternates {
		return plumbing.ErrObjectNotFound
	}
	err := s.Storage.HasEncodedObject(h)
	if err != nil {
		s.Reindex()
		err = s.Storage.HasEncodedObject(h)
	}
	return err
}

func (s liveStorage) EncodedObjectSize(h plumbing.Hash) (int64, error) {
	if o, ok := s.cache.Get(h); ok {
		return o.Size(), nil
	}
	if o := s.loose(h); o != nil {
		return o.Size(), nil
	}
	if o, _ := s.packs.find(h); o != nil {
		s.cache.Put(o)
		return o.Size(), nil
	}
	n, err := s.Storage.EncodedObjectSize(h)
	if err != nil {
		s.Reindex()
		n, err = s.Storage.EncodedObjectSize(h)
	}
	return n, err
}
