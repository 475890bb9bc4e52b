package bundle

import (
	"bytes"
	"context"
	"slices"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"
)

// memRepo builds histories in an in-memory object store, for the tests
// that need no stock git.
type memRepo struct {
	t  testing.TB
	st *memory.Storage
}

func newMemRepo(t testing.TB) *memRepo { return &memRepo{t: t, st: memory.NewStorage()} }

func (m *memRepo) store(o interface {
	Encode(plumbing.EncodedObject) error
}) plumbing.Hash {
	m.t.Helper()
	obj := m.st.NewEncodedObject()
	if err := o.Encode(obj); err != nil {
		m.t.Fatal(err)
	}
	h, err := m.st.SetEncodedObject(obj)
	if err != nil {
		m.t.Fatal(err)
	}
	return h
}

func (m *memRepo) blob(content []byte) plumbing.Hash {
	m.t.Helper()
	obj := m.st.NewEncodedObject()
	obj.SetType(plumbing.BlobObject)
	w, _ := obj.Writer()
	w.Write(content)
	w.Close()
	h, err := m.st.SetEncodedObject(obj)
	if err != nil {
		m.t.Fatal(err)
	}
	return h
}

// commit writes a commit of a flat tree of files.
func (m *memRepo) commit(files map[string][]byte, msg string, parents ...plumbing.Hash) plumbing.Hash {
	m.t.Helper()
	var tree object.Tree
	for name, content := range files {
		tree.Entries = append(tree.Entries, object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: m.blob(content)})
	}
	slices.SortFunc(tree.Entries, func(a, b object.TreeEntry) int {
		return bytes.Compare([]byte(a.Name), []byte(b.Name))
	})
	sig := object.Signature{Name: "Test", Email: "test@example.com", When: time.Unix(1700000000, 0).UTC()}
	return m.store(&object.Commit{
		Author: sig, Committer: sig, Message: msg,
		TreeHash: m.store(&tree), ParentHashes: parents,
	})
}

// history writes n commits of 20 files, each commit editing two, and
// returns them oldest first.
func (m *memRepo) history(n int) []plumbing.Hash {
	m.t.Helper()
	files := map[string][]byte{}
	for i := range 20 {
		files[string(rune('a'+i))+".txt"] = []byte(fileText(i, 0))
	}
	var out []plumbing.Hash
	for c := range n {
		if c > 0 {
			for k := range 2 {
				i := (c*3 + k*7) % 20
				files[string(rune('a'+i))+".txt"] = []byte(fileText(i, c))
			}
		}
		var parents []plumbing.Hash
		if c > 0 {
			parents = []plumbing.Hash{out[c-1]}
		}
		out = append(out, m.commit(files, "commit "+string(rune('0'+c%10)), parents...))
	}
	return out
}

// bundle writes a bundle of m with Create.
func (m *memRepo) bundle(opts CreateOptions) []byte {
	m.t.Helper()
	var buf bytes.Buffer
	if _, err := Create(context.Background(), &buf, m.st, opts); err != nil {
		m.t.Fatal(err)
	}
	return buf.Bytes()
}

// objectCount returns how many objects st holds.
func objectCount(t testing.TB, st storer.EncodedObjectStorer) int {
	t.Helper()
	it, err := st.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	it.ForEach(func(plumbing.EncodedObject) error { n++; return nil })
	return n
}
