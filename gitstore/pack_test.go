package gitstore

import (
	"bytes"
	"context"
	"crypto/sha1"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"
	"github.com/go-git/go-git/v5/plumbing/format/packfile"
)

// stockPack returns a pack that stock git writes of a small history, its
// index as go-git builds it, and the commit at its tip.
func stockPack(t *testing.T) ([]byte, *idxfile.MemoryIndex, plumbing.Hash) {
	t.Helper()
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	for i := range 3 {
		if err := os.WriteFile(filepath.Join(dir, "f.txt"), []byte(strings.Repeat("line\n", i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		gitRun(t, dir, "add", "f.txt")
		gitRun(t, dir, "commit", "-q", "-m", "commit")
	}
	tip := plumbing.NewHash(strings.TrimSpace(gitRun(t, dir, "rev-parse", "HEAD")))
	pack, errOut, err := gitTry(t, dir, nil, "HEAD\n", "pack-objects", "--revs", "--stdout", "-q")
	if err != nil {
		t.Fatalf("git pack-objects: %v\n%s", err, errOut)
	}
	return []byte(pack), indexOf(t, []byte(pack)), tip
}

// indexOf builds the index of pack with go-git.
func indexOf(t *testing.T, pack []byte) *idxfile.MemoryIndex {
	t.Helper()
	w := new(idxfile.Writer)
	p, err := packfile.NewParser(packfile.NewScanner(bytes.NewReader(pack)), w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Parse(); err != nil {
		t.Fatal(err)
	}
	idx, err := w.Index()
	if err != nil {
		t.Fatal(err)
	}
	return idx
}

// packFiles lists objects/pack.
func packFiles(t *testing.T, r *Repo) []string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(r.CommonDir(), "objects", "pack"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// A stored pack is what git index-pack would leave: pack-<sha1>.pack and
// .idx, read-only, accepted by git verify-pack and fsck, read by go-git
// through the same store at once; storing it again keeps the files there.
func TestStorePack(t *testing.T) {
	pack, idx, tip := stockPack(t)
	r := newRepo(t)
	objects := r.Objects()
	if err := objects.HasEncodedObject(tip); err == nil {
		t.Fatal("the new repository has the commit already")
	}
	if err := objects.StorePack(t.Context(), bytes.NewReader(pack), idx); err != nil {
		t.Fatal(err)
	}
	name := "pack-" + plumbing.Hash(idx.PackfileChecksum).String()
	if got, want := packFiles(t, r), []string{name + ".idx", name + ".pack"}; !slices.Equal(got, want) {
		t.Fatalf("objects/pack holds %q, want %q", got, want)
	}
	packPath := filepath.Join(r.CommonDir(), "objects", "pack", name+".pack")
	before, err := os.Stat(packPath)
	if err != nil {
		t.Fatal(err)
	}
	if before.Mode().Perm() != packFileMode {
		t.Errorf("the pack's mode is %v, want %v", before.Mode().Perm(), os.FileMode(packFileMode))
	}
	if err := objects.HasEncodedObject(tip); err != nil {
		t.Errorf("go-git does not see the stored commit: %v", err)
	}
	gitRun(t, r.Root(), "verify-pack", packPath)
	gitRun(t, r.Root(), "update-ref", "refs/heads/stored", tip.String())
	gitRun(t, r.Root(), "fsck", "--strict", "--no-dangling")

	if err := objects.StorePack(t.Context(), bytes.NewReader(pack), idx); err != nil {
		t.Fatalf("storing the pack again: %v", err)
	}
	after, err := os.Stat(packPath)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Errorf("storing the pack again replaced the pack file")
	}
	if got := packFiles(t, r); len(got) != 2 {
		t.Errorf("objects/pack holds %q after the second store", got)
	}
}

// failingReader yields part of a pack and then fails.
type failingReader struct {
	r     io.Reader
	after int
	fail  func() error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, f.fail()
	}
	n, err := f.r.Read(p[:min(len(p), f.after)])
	f.after -= n
	return n, err
}

// A refused or interrupted StorePack leaves objects/pack as it was: no
// temporary file, no pack.
func TestStorePackRefusesAndCleansUp(t *testing.T) {
	pack, idx, _ := stockPack(t)
	corrupt := bytes.Clone(pack)
	corrupt[len(corrupt)/2] ^= 0xff
	readErr := errors.New("disk on fire")
	for _, tc := range []struct {
		name   string
		pack   func(cancel func()) io.Reader
		idx    *idxfile.MemoryIndex
		want   string
		wantIs error
	}{
		{name: "index of another pack",
			pack: func(func()) io.Reader { return bytes.NewReader(pack) },
			idx:  &idxfile.MemoryIndex{PackfileChecksum: sha1.Sum([]byte("another pack"))},
			want: "the index is of pack"},
		{name: "trailer does not match",
			pack: func(func()) io.Reader { return bytes.NewReader(corrupt) },
			idx:  idx,
			want: "its trailer is not the SHA-1"},
		{name: "too short",
			pack: func(func()) io.Reader { return bytes.NewReader(pack[:10]) },
			idx:  idx,
			want: "its trailer is not the SHA-1"},
		{name: "read error",
			pack: func(func()) io.Reader {
				return &failingReader{r: bytes.NewReader(pack), after: 100, fail: func() error { return readErr }}
			},
			idx:    idx,
			wantIs: readErr},
		{name: "context ends",
			pack: func(cancel func()) io.Reader {
				return &failingReader{r: bytes.NewReader(pack), after: 100, fail: func() error { cancel(); return nil }}
			},
			idx:    idx,
			wantIs: context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRepo(t)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			err := r.Objects().StorePack(ctx, tc.pack(cancel), tc.idx)
			switch {
			case err == nil:
				t.Fatal("StorePack succeeded")
			case tc.wantIs != nil && !errors.Is(err, tc.wantIs):
				t.Errorf("StorePack: %v, want an error wrapping %v", err, tc.wantIs)
			case tc.want != "" && !strings.Contains(err.Error(), tc.want):
				t.Errorf("StorePack: %v, want an error with %q", err, tc.want)
			}
			if got := packFiles(t, r); len(got) != 0 {
				t.Errorf("objects/pack holds %q after a failed StorePack", got)
			}
		})
	}
}

// trailerHash hashes all but the last 20 bytes, however they are split
// into writes.
func TestTrailerHash(t *testing.T) {
	data := make([]byte, 100)
	for i := range data {
		data[i] = byte(i)
	}
	want := sha1.Sum(data[:80])
	for _, chunks := range [][]int{{100}, {1, 99}, {19, 1, 80}, {20, 20, 60}, {79, 21}, {81, 19}, {99, 1}, {3, 3, 3, 91}} {
		th := &trailerHash{h: sha1.New()}
		off := 0
		for _, n := range chunks {
			th.Write(data[off : off+n])
			off += n
		}
		if got := th.h.Sum(nil); !bytes.Equal(got, want[:]) || th.n != 20 || !bytes.Equal(th.tail[:], data[80:]) {
			t.Errorf("writes of %v: hash %x tail %x (%d bytes), want %x and %x", chunks, got, th.tail[:th.n], th.n, want, data[80:])
		}
	}
}
