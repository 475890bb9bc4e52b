package gitstore

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// treeCacheSize bounds the trees a Repo keeps decoded. A command reads a
// few dozen; audit reads thousands once each, and gains nothing from
// keeping them.
const treeCacheSize = 4096

// scansBeforeDecoding is how often lookup scans a tree before decoding it.
const scansBeforeDecoding = 8

// decodedObjects keeps tree and commit objects decoded. A Space's
// directory of projects is one tree of thousands of entries, and a
// command on one project reads it for its configuration, to compare the
// work tree with it, and again for the commit it writes: decoding it each
// time was most of the command's time in a large Space. Audit reads each
// ledger commit in two passes.
type decodedObjects struct {
	trees   decoded[*object.Tree]
	commits decoded[*object.Commit]

	mu      sync.Mutex
	scanned map[plumbing.Hash]int // times a tree was looked into without decoding (see lookup)
}

// decoded keeps objects decoded once, up to a number of them; full, it
// starts again empty (what a command reads again, it read recently).
type decoded[V any] struct {
	mu sync.Mutex
	m  map[plumbing.Hash]V
}

// get is the object h, decoded by decode the first time.
func (d *decoded[V]) get(h plumbing.Hash, limit int, decode func() (V, error)) (V, error) {
	d.mu.Lock()
	v, ok := d.m[h]
	d.mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := decode()
	if err != nil {
		return v, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.m == nil || len(d.m) >= limit {
		d.m = map[plumbing.Hash]V{}
	}
	d.m[h] = v
	return v, nil
}

// has reports whether h is decoded already.
func (d *decoded[V]) has(h plumbing.Hash) (V, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	v, ok := d.m[h]
	return v, ok
}

// Tree is the tree object h, decoded once. A tree is immutable; callers
// must not change what it returns, and should look entries up with
// Entry rather than with go-git's FindEntry, which caches as it goes.
func (r *Repo) Tree(h plumbing.Hash) (*object.Tree, error) {
	return r.decoded.trees.get(h, treeCacheSize, func() (*object.Tree, error) {
		t, err := r.repo.TreeObject(h)
		if err != nil {
			return nil, fmt.Errorf("read tree %s: %w", h, err)
		}
		// Build go-git's lookup map now, while t is ours alone: FindEntry
		// builds it on first use, and readers sharing t must only read.
		_, _ = t.FindEntry(".")
		return t, nil
	})
}

// CommitTree is the root tree of commit, and when the commit was made.
func (r *Repo) CommitTree(commit plumbing.Hash) (*object.Tree, *object.Commit, error) {
	c, err := r.repo.CommitObject(commit)
	if err != nil {
		return nil, nil, fmt.Errorf("read commit %s: %w", commit, err)
	}
	t, err := r.Tree(c.TreeHash)
	if err != nil {
		return nil, nil, fmt.Errorf("read the tree of commit %s: %w", commit, err)
	}
	return t, c, nil
}

// Entry is the entry called name directly in t; false when there is none.
func Entry(t *object.Tree, name string) (*object.TreeEntry, bool) {
	if name == "" || strings.Contains(name, "/") {
		return nil, false
	}
	e, err := t.FindEntry(name)
	return e, err == nil
}

// SubTree is the tree of the directory at dir (slash-separated) below t;
// false when there is no such directory.
func (r *Repo) SubTree(t *object.Tree, dir string) (*object.Tree, bool, error) {
	e, ok, err := r.EntryAt(t.Hash, dir)
	if err != nil || !ok {
		return nil, false, err
	}
	if e.Mode != filemode.Dir {
		return nil, false, nil
	}
	if e.Hash == t.Hash {
		return t, true, nil
	}
	sub, err := r.Tree(e.Hash)
	return sub, err == nil, err
}

// EntryAt is the entry at the slash-separated path p below the tree
// root ("." for root itself, as a directory); false when there is none.
func (r *Repo) EntryAt(root plumbing.Hash, p string) (object.TreeEntry, bool, error) {
	p = path.Clean(p)
	e := object.TreeEntry{Name: ".", Mode: filemode.Dir, Hash: root}
	if p == "." {
		return e, true, nil
	}
	for _, name := range strings.Split(p, "/") {
		if e.Mode != filemode.Dir {
			return object.TreeEntry{}, false, nil
		}
		next, ok, err := r.lookup(e.Hash, name)
		if err != nil || !ok {
			return object.TreeEntry{}, false, err
		}
		e = next
	}
	return e, true, nil
}

// lookup finds name in the tree h. A tree looked into a few times is
// scanned as stored, without decoding it: a command on one project finds
// its directory among thousands that way. A tree looked into more often
// is decoded and kept, for the commands that go through every entry.
func (r *Repo) lookup(h plumbing.Hash, name string) (object.TreeEntry, bool, error) {
	t, decoded := r.decoded.trees.has(h)
	r.decoded.mu.Lock()
	again := r.decoded.scanned[h] >= scansBeforeDecoding
	if !decoded && !again {
		if r.decoded.scanned == nil || len(r.decoded.scanned) >= treeCacheSize {
			r.decoded.scanned = map[plumbing.Hash]int{}
		}
		r.decoded.scanned[h]++
	}
	r.decoded.mu.Unlock()
	if decoded || again {
		var err error
		if !decoded {
			if t, err = r.Tree(h); err != nil {
				return object.TreeEntry{}, false, err
			}
		}
		e, ok := Entry(t, name)
		if !ok {
			return object.TreeEntry{}, false, nil
		}
		return *e, true, nil
	}
	o, err := r.repo.Storer.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return object.TreeEntry{}, false, fmt.Errorf("read tree %s: %w", h, err)
	}
	rd, err := o.Reader()
	if err != nil {
		return object.TreeEntry{}, false, fmt.Errorf("read tree %s: %w", h, err)
	}
	defer rd.Close()
	data, err := io.ReadAll(rd)
	if err != nil {
		return object.TreeEntry{}, false, fmt.Errorf("read tree %s: %w", h, err)
	}
	e, ok, err := scanTree(data, name)
	if err != nil {
		return object.TreeEntry{}, false, fmt.Errorf("read tree %s: %w", h, err)
	}
	return e, ok, nil
}

// scanTree finds name among a tree object's encoded entries, each
// "MODE NAME\x00" and the 20 bytes of the entry's hash.
func scanTree(data []byte, name string) (object.TreeEntry, bool, error) {
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		nul := bytes.IndexByte(data, 0)
		if sp < 0 || nul < sp || nul+21 > len(data) {
			return object.TreeEntry{}, false, errors.New("malformed entry")
		}
		if string(data[sp+1:nul]) == name {
			mode, err := filemode.New(string(data[:sp]))
			if err != nil {
				return object.TreeEntry{}, false, fmt.Errorf("entry %q: %w", name, err)
			}
			e := object.TreeEntry{Name: name, Mode: mode}
			copy(e.Hash[:], data[nul+1:nul+21])
			return e, true, nil
		}
		data = data[nul+21:]
	}
	return object.TreeEntry{}, false, nil
}

// commitCacheSize bounds the commits a Repo keeps decoded: audit reads a
// ledger's commits in one pass to check signatures and in another to
// read events.
const commitCacheSize = 1 << 15

// CommitObject is the commit h, decoded once. Callers must not change it.
func (r *Repo) CommitObject(h plumbing.Hash) (*object.Commit, error) {
	return r.decoded.commits.get(h, commitCacheSize, func() (*object.Commit, error) {
		return r.repo.CommitObject(h)
	})
}

// FileAt is the contents of the file at the slash-separated path p in
// the tree root, at most limit bytes of it; false when there is no such
// file.
func (r *Repo) FileAt(root plumbing.Hash, p string, limit int64) ([]byte, bool, error) {
	e, ok, err := r.EntryAt(root, p)
	if err != nil || !ok || !e.Mode.IsFile() {
		return nil, false, err
	}
	data, err := r.Blob(e.Hash, limit)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", p, err)
	}
	return data, true, nil
}

// Blob is the contents of blob h, which may be at most limit bytes long.
func (r *Repo) Blob(h plumbing.Hash, limit int64) ([]byte, error) {
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	if b.Size > limit {
		return nil, fmt.Errorf("%d bytes, more than the %d it may hold", b.Size, limit)
	}
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(rd)
}
