package bundle

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/memory"
)

func unbundleBytes(t *testing.T, b []byte, st storer.EncodedObjectStorer) (*Header, error) {
	t.Helper()
	return Unbundle(context.Background(), bytes.NewReader(b), st, UnbundleOptions{})
}

// hasAll reports the objects of src that dst lacks.
func lacking(t *testing.T, src, dst storer.EncodedObjectStorer) int {
	t.Helper()
	it, err := src.IterEncodedObjects(plumbing.AnyObject)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	it.ForEach(func(o plumbing.EncodedObject) error {
		if dst.HasEncodedObject(o.Hash()) != nil {
			n++
		}
		return nil
	})
	return n
}

func TestRoundTripInMemory(t *testing.T) {
	m := newMemRepo(t)
	c := m.history(6)
	dst := memory.NewStorage()

	first := m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/heads/main", Hash: c[2]}}})
	h, err := unbundleBytes(t, first, dst)
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Prerequisites) != 0 || h.References[0].Hash != c[2] {
		t.Errorf("header %+v", h)
	}
	if n := objectCount(t, dst); n != 20+2*2+3*2 {
		t.Errorf("after the first bundle the store has %d objects, want 30", n)
	}

	var objects []int
	next := m.bundle(CreateOptions{
		Version:  3,
		Refs:     []Reference{{Name: "refs/heads/main", Hash: c[5]}},
		Exclude:  []plumbing.Hash{c[2]},
		Progress: func(n int) { objects = append(objects, n) },
	})
	// 3 commits, each with its tree and 2 edited blobs.
	if len(objects) != 12 || objects[11] != 12 {
		t.Errorf("Create progress %v, want 1..12", objects)
	}
	var checked int
	h, err = Unbundle(context.Background(), bytes.NewReader(next), dst, UnbundleOptions{Progress: func(n int) { checked = n }})
	if err != nil {
		t.Fatal(err)
	}
	if checked <= 12 {
		t.Errorf("Unbundle progress ended at %d, want more than 12 (the 12 objects and the thin bases appended)", checked)
	}
	if len(h.Prerequisites) != 1 || h.Prerequisites[0].Hash != c[2] || h.Version != 3 {
		t.Errorf("header %+v", h)
	}
	if n := lacking(t, m.st, dst); n != 0 {
		t.Errorf("after both bundles the store lacks %d objects", n)
	}
}

// TestTreeAndBlobRefs bundles references to a tree and a blob, which git
// bundle create also allows.
func TestTreeAndBlobRefs(t *testing.T) {
	m := newMemRepo(t)
	c := m.history(1)
	commit, err := m.st.EncodedObject(plumbing.CommitObject, c[0])
	if err != nil {
		t.Fatal(err)
	}
	var cm object.Commit
	if err := cm.Decode(commit); err != nil {
		t.Fatal(err)
	}
	blob := m.blob([]byte("a lone blob\n"))
	b := m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/trees/root", Hash: cm.TreeHash}, {Name: "refs/blobs/lone", Hash: blob}}})
	dst := memory.NewStorage()
	if _, err := unbundleBytes(t, b, dst); err != nil {
		t.Fatal(err)
	}
	if n := objectCount(t, dst); n != 22 {
		t.Errorf("the store has %d objects, want 22 (a tree, its 20 blobs, the lone blob)", n)
	}
}

func TestUnbundleRefuses(t *testing.T) {
	m := newMemRepo(t)
	c := m.history(4)
	full := m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/heads/main", Hash: c[3]}}})
	thin := m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/heads/main", Hash: c[3]}}, Exclude: []plumbing.Hash{c[1]}})
	headerEnd := bytes.Index(full, []byte("\n\nPACK")) + 2

	// A store with the thin bundle's prerequisite commit but none of its
	// trees and blobs: the thin pack's bases are missing.
	commitOnly := memory.NewStorage()
	o, _ := m.st.EncodedObject(plumbing.CommitObject, c[1])
	commitOnly.SetEncodedObject(o)

	// A bundle whose pack holds the tip commit alone.
	var alone bytes.Buffer
	h := &Header{Version: 2, References: []Reference{{Name: "refs/heads/main", Hash: c[0]}}}
	h.WriteTo(&alone)
	if err := writePack(context.Background(), &alone, newObjectCache(m.st), []*packObject{{hash: c[0], typ: plumbing.CommitObject}}, nil); err != nil {
		t.Fatal(err)
	}

	flip := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		b[i] ^= 0x40
		return b
	}
	for _, tc := range []struct {
		name  string
		in    []byte
		store *memory.Storage
		msg   string
	}{
		{"flipped byte", flip(full, headerEnd+200), nil, "bundle pack"},
		{"flipped checksum", flip(full, len(full)-1), nil, "checksum"},
		{"truncated", full[:len(full)-30], nil, "bundle pack"},
		{"junk after the pack", append(bytes.Clone(full), "junk"...), nil, "4 bytes of junk"},
		{"no pack", full[:headerEnd], nil, "no pack"},
		{"unknown ref object", bytes.Replace(full, []byte(c[3].String()+" refs/heads/main"),
			[]byte(c[3].String()+" refs/heads/main\n"+strings.Repeat("1", 40)+" refs/heads/other"), 1), nil, `"refs/heads/other" points at 1111`},
		{"thin bases missing", thin, commitOnly, "a delta's base is neither in the bundle nor in the repository"},
		{"incomplete", alone.Bytes(), nil, "which is neither in the bundle nor in the repository"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.store
			if st == nil {
				st = memory.NewStorage()
			}
			before := objectCount(t, st)
			_, err := unbundleBytes(t, tc.in, st)
			var pe *PackError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("Unbundle: %v, want a *PackError with %q", err, tc.msg)
			}
			if tc.name != "incomplete" && objectCount(t, st) != before {
				t.Errorf("Unbundle stored objects from a bad bundle")
			}
		})
	}

	t.Run("missing prerequisite", func(t *testing.T) {
		st := memory.NewStorage()
		_, err := unbundleBytes(t, thin, st)
		var mp *MissingPrerequisiteError
		if !errors.As(err, &mp) || len(mp.Hashes) != 1 || mp.Hashes[0] != c[1] {
			t.Fatalf("Unbundle: %v, want a MissingPrerequisiteError naming %s", err, c[1])
		}
		if !strings.Contains(err.Error(), "lacks 1 prerequisite commit of the bundle: "+c[1].String()) {
			t.Errorf("message %q", err)
		}
		if objectCount(t, st) != 0 {
			t.Errorf("Unbundle stored objects")
		}
		if _, err := Verify(context.Background(), bytes.NewReader(thin), st); !errors.As(err, &mp) {
			t.Errorf("Verify: %v, want a MissingPrerequisiteError", err)
		}
	})

	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := Unbundle(ctx, bytes.NewReader(full), memory.NewStorage(), UnbundleOptions{})
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Unbundle with a canceled context: %v", err)
		}
	})
}

// TestUnbundleLargePack spools a pack larger than spoolMemory to a file in
// TempDir and removes it.
func TestUnbundleLargePack(t *testing.T) {
	m := newMemRepo(t)
	big := make([]byte, spoolMemory+1<<20)
	rand.Read(big)
	tip := m.commit(map[string][]byte{"big.bin": big}, "big")
	b := m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/heads/main", Hash: tip}}})
	tmp := t.TempDir()
	dst := memory.NewStorage()
	if _, err := Unbundle(context.Background(), bytes.NewReader(b), dst, UnbundleOptions{TempDir: tmp}); err != nil {
		t.Fatal(err)
	}
	if n := lacking(t, m.st, dst); n != 0 {
		t.Errorf("the store lacks %d objects", n)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("Unbundle left %d files in its temp dir", len(left))
	}
	if err := (&UnbundleOptions{TempDir: "/nonexistent/dir"}).Validate(); err == nil {
		t.Errorf("Validate accepted a temp dir that does not exist")
	}
}

func TestCreateRefuses(t *testing.T) {
	m := newMemRepo(t)
	c := m.history(3)
	main := []Reference{{Name: "refs/heads/main", Hash: c[2]}}
	for _, tc := range []struct {
		name string
		opts CreateOptions
		msg  string
	}{
		{"no refs", CreateOptions{}, "no references"},
		{"bad ref name", CreateOptions{Refs: []Reference{{Name: "refs/heads/a..b", Hash: c[2]}}}, `contains ".."`},
		{"ref twice", CreateOptions{Refs: append(main, main...)}, "given twice"},
		{"zero ref", CreateOptions{Refs: []Reference{{Name: "HEAD"}}}, "all-zero"},
		{"version", CreateOptions{Refs: main, Version: 4}, "want 2 or 3"},
		{"unknown tip", CreateOptions{Refs: []Reference{{Name: "HEAD", Hash: plumbing.NewHash(idA)}}}, "object not found"},
		{"unknown exclude", CreateOptions{Refs: main, Exclude: []plumbing.Hash{plumbing.NewHash(idA)}}, "excluded commit"},
		{"tip excluded", CreateOptions{Refs: main, Exclude: []plumbing.Hash{c[2]}}, "reachable from the excluded commits"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			_, err := Create(context.Background(), &buf, m.st, tc.opts)
			if err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("Create: %v, want an error with %q", err, tc.msg)
			}
			if buf.Len() != 0 {
				t.Errorf("Create wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

func TestVerifyStoresNothing(t *testing.T) {
	m := newMemRepo(t)
	c := m.history(3)
	b := m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/heads/main", Hash: c[2]}}})
	st := memory.NewStorage()
	h, err := Verify(context.Background(), bytes.NewReader(b), st)
	if err != nil {
		t.Fatal(err)
	}
	if objectCount(t, st) != 0 {
		t.Errorf("Verify stored objects")
	}
	h2, err := ReadHeader(bufio.NewReader(bytes.NewReader(b)))
	if err != nil || !headersEqual(h, h2) {
		t.Errorf("Verify returned %+v, the header is %+v (%v)", h, h2, err)
	}
}
