package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func TestPushStoresBlobAndIndexEntry(t *testing.T) {
	s := newStore(t)
	data := []byte("acme-web 1.4.0 tarball")
	var progress []int64
	o := opts("acme-web", "1.4.0")
	o.Progress = func(done int64) { progress = append(progress, done) }
	pkg, existed, err := s.Push(context.Background(), bytes.NewReader(data), o)
	if err != nil {
		t.Fatal(err)
	}
	want := Package{
		ID: "acme-web", Version: "1.4.0", SHA256: sum(data), Size: int64(len(data)),
		PushedAt: testNow, PushedBy: "Release Engineer <re@example.com>", FileName: "acme-web.1.4.0.tar.gz",
	}
	if existed || pkg != want {
		t.Fatalf("Push = %+v, %v; want %+v, false", pkg, existed, want)
	}
	if !slices.Equal(progress, []int64{int64(len(data))}) {
		t.Errorf("progress reported %v, want [%d]", progress, len(data))
	}

	blob := filepath.Join(s.Dir(), "blobs", "sha256", pkg.SHA256[:2], pkg.SHA256)
	checkFile(t, blob, 0o444, data)
	entry := filepath.Join(s.Dir(), "index", "acme-web", "1.4.0.json")
	info, err := os.Stat(entry)
	if err != nil || info.Mode().Perm() != 0o444 {
		t.Errorf("index entry: %v, mode %v; want 0444", err, info.Mode())
	}
	got, err := s.Get("acme-web", "1.4.0")
	if err != nil || got != want {
		t.Errorf("Get = %+v, %v; want %+v", got, err, want)
	}
	if !s.Has(pkg.SHA256) {
		t.Error("Has(sha256) = false after push")
	}
	r, err := s.Open(pkg.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	read, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(read, data) {
		t.Error("Open reads other bytes than were pushed")
	}
	if err := s.Verify(pkg); err != nil {
		t.Errorf("Verify: %v", err)
	}
	if left := tmpFiles(t, s); len(left) != 0 {
		t.Errorf("tmp/ holds %v after the push", left)
	}
	gi, err := os.ReadFile(filepath.Join(s.Dir(), ".gitignore"))
	if err != nil || string(gi) != storeGitignore {
		t.Errorf("store .gitignore = %q, %v", gi, err)
	}
}

func checkFile(t *testing.T, path string, perm fs.FileMode, data []byte) {
	t.Helper()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != perm {
		t.Errorf("%s has mode %v, want %v", path, info.Mode().Perm(), perm)
	}
	got, err := os.ReadFile(path)
	if err != nil || !bytes.Equal(got, data) {
		t.Errorf("%s holds %q, %v; want %q", path, got, err, data)
	}
}

func TestPushSameBytesAgainIsNoOp(t *testing.T) {
	s := newStore(t)
	data := []byte("same bytes")
	first, _ := push(t, s, "acme-web", "1.4.0", data)
	before := snapshot(t, s.Dir())

	o := opts("acme-web", "1.4.0")
	o.Now = testNow.AddDate(0, 0, 1)
	o.PushedBy = "someone else"
	again, existed, err := s.Push(context.Background(), bytes.NewReader(data), o)
	if err != nil {
		t.Fatal(err)
	}
	if !existed || again != first {
		t.Errorf("re-push = %+v, %v; want the first push %+v, true", again, existed, first)
	}
	if after := snapshot(t, s.Dir()); !maps.Equal(before, after) {
		t.Errorf("re-push changed the store:\nbefore %v\nafter  %v", before, after)
	}
}

// watchingReader fails the test if the store's tmp/ holds a file while it
// is being read.
type watchingReader struct {
	t *testing.T
	s *Store
	r io.Reader
}

func (w *watchingReader) Read(p []byte) (int, error) {
	if left := tmpFiles(w.t, w.s); len(left) != 0 {
		w.t.Errorf("a re-push of a stored version writes %v", left)
	}
	return w.r.Read(p)
}

func TestRePushOnlyHashes(t *testing.T) {
	s := newStore(t)
	push(t, s, "acme-web", "1.4.0", []byte("stored"))
	for _, data := range []string{"stored", "other bytes"} {
		s.Push(context.Background(), &watchingReader{t, s, strings.NewReader(data)}, opts("acme-web", "1.4.0"))
	}
}

func TestPushMatchesIDAndVersionLikeNuGet(t *testing.T) {
	s := newStore(t)
	data := []byte("rc bytes")
	first, _ := push(t, s, "Acme-Web", "1.0.0-RC.1+build.7", data)

	for _, v := range [][2]string{{"acme-web", "1.0.0-rc.1"}, {"ACME-WEB", "1.0.0-Rc.1+other"}} {
		got, existed := push(t, s, v[0], v[1], data)
		if !existed || got != first {
			t.Errorf("push %s %s = %+v, %v; want the stored %+v", v[0], v[1], got, existed, first)
		}
	}
	_, _, err := s.Push(context.Background(), strings.NewReader("other"), opts("acme-web", "1.0.0-rc.1+build.8"))
	var conflict *ConflictError
	if !errors.As(err, &conflict) || !strings.Contains(err.Error(), "(as Acme-Web 1.0.0-RC.1+build.7)") {
		t.Errorf("push of other bytes as a variant of a stored version: %v; want a conflict naming the stored spelling", err)
	}
	if list, _ := s.List(); len(list) != 1 {
		t.Errorf("List = %v, want one package", list)
	}
}

func TestPushConflictingBytesRefused(t *testing.T) {
	s := newStore(t)
	stored, _ := push(t, s, "acme-web", "1.4.0", []byte("the original"))
	before := snapshot(t, s.Dir())

	other := []byte("something else entirely")
	_, existed, err := s.Push(context.Background(), bytes.NewReader(other), opts("acme-web", "1.4.0"))
	var conflict *ConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("Push of other bytes = %v, want a *ConflictError", err)
	}
	if existed {
		t.Error("refused push reports existed")
	}
	for _, want := range []string{"acme-web 1.4.0 is already in the store with different bytes", stored.SHA256, sum(other)} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if after := snapshot(t, s.Dir()); !maps.Equal(before, after) {
		t.Errorf("refused push changed the store:\nbefore %v\nafter  %v", before, after)
	}
}

func TestPushSameBytesUnderTwoNamesSharesTheBlob(t *testing.T) {
	s := newStore(t)
	data := []byte("shared")
	a, _ := push(t, s, "acme-web", "1.4.0", data)
	b, _ := push(t, s, "acme-web-copy", "2.0.0", data)
	if a.SHA256 != b.SHA256 {
		t.Fatal("same bytes, different hashes")
	}
	blobs, _ := filepath.Glob(filepath.Join(s.Dir(), "blobs", "sha256", "*", "*"))
	if len(blobs) != 1 {
		t.Errorf("store holds blobs %v, want one", blobs)
	}
}

func TestPushRestoresAMissingBlob(t *testing.T) {
	s := newStore(t)
	data := []byte("will be lost")
	pkg, _ := push(t, s, "acme-web", "1.4.0", data)
	if err := os.Remove(s.blobPath(pkg.SHA256)); err != nil {
		t.Fatal(err)
	}
	if _, existed := push(t, s, "acme-web", "1.4.0", data); !existed {
		t.Error("re-push after losing the blob did not find the index entry")
	}
	if err := s.Verify(pkg); err != nil {
		t.Errorf("Verify after re-push: %v", err)
	}
}

// TestConcurrentPushes pushes one ID and version from many goroutines,
// with two different contents: exactly one push stores it, the others with
// the same bytes find it, those with other bytes are refused.
func TestConcurrentPushes(t *testing.T) {
	s := newStore(t)
	contents := [][]byte{bytes.Repeat([]byte("A"), 3<<20+17), bytes.Repeat([]byte("B"), 3<<20+17)}
	const n = 16
	type result struct {
		pkg     Package
		existed bool
		err     error
	}
	results := make([]result, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			pkg, existed, err := s.Push(context.Background(), bytes.NewReader(contents[i%2]), opts("acme-web", "1.4.0"))
			results[i] = result{pkg, existed, err}
		})
	}
	close(start)
	wg.Wait()

	stored, err := s.Get("acme-web", "1.4.0")
	if err != nil {
		t.Fatal(err)
	}
	created := 0
	for i, r := range results {
		var conflict *ConflictError
		switch {
		case sum(contents[i%2]) != stored.SHA256:
			if !errors.As(r.err, &conflict) {
				t.Errorf("push %d of the losing bytes: %v, %v; want a conflict", i, r.existed, r.err)
			}
		case r.err != nil:
			t.Errorf("push %d of the stored bytes: %v", i, r.err)
		case !r.existed:
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d pushes created the entry, want exactly 1", created)
	}
	if err := s.Verify(stored); err != nil {
		t.Error(err)
	}
	if left := tmpFiles(t, s); len(left) != 0 {
		t.Errorf("tmp/ holds %v after the pushes", left)
	}
}

// cancellingReader cancels its context after after bytes, then keeps
// yielding.
type cancellingReader struct {
	r      io.Reader
	after  int64
	n      int64
	cancel context.CancelFunc
}

func (c *cancellingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n >= c.after {
		c.cancel()
	}
	return n, err
}

func TestPushCancelledLeavesNothing(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := &cancellingReader{r: newGenReader(1, 64<<20), after: 5 << 20, cancel: cancel}
	_, _, err := s.Push(ctx, r, opts("acme-web", "1.4.0"))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled push = %v, want context.Canceled", err)
	}
	if r.n >= 64<<20 {
		t.Error("the push read everything despite the cancellation")
	}
	if left := tmpFiles(t, s); len(left) != 0 {
		t.Errorf("tmp/ holds %v after a cancelled push", left)
	}
	if _, err := s.Get("acme-web", "1.4.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after a cancelled push = %v, want ErrNotFound", err)
	}
	if blobs, _ := filepath.Glob(filepath.Join(s.Dir(), "blobs", "sha256", "*", "*")); len(blobs) != 0 {
		t.Errorf("a cancelled push left blobs %v", blobs)
	}
}

type failingReader struct{ n int }

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n > 0 {
		f.n--
		return copy(p, "some bytes"), nil
	}
	return 0, errors.New("connection reset")
}

func TestPushReadErrorLeavesNothing(t *testing.T) {
	s := newStore(t)
	_, _, err := s.Push(context.Background(), &failingReader{n: 3}, opts("acme-web", "1.4.0"))
	if err == nil || !strings.Contains(err.Error(), "push acme-web 1.4.0: connection reset") {
		t.Fatalf("Push from a failing reader = %v", err)
	}
	if left := tmpFiles(t, s); len(left) != 0 {
		t.Errorf("tmp/ holds %v", left)
	}
}

func TestPushOptionsValidate(t *testing.T) {
	tests := []struct {
		id, version, want string
	}{
		{"", "1.0.0", "empty package ID"},
		{"-acme", "1.0.0", `invalid package ID "-acme"`},
		{".acme", "1.0.0", `invalid package ID ".acme"`},
		{"acme web", "1.0.0", `invalid package ID "acme web"`},
		{"acme/web", "1.0.0", `invalid package ID "acme/web"`},
		{"..", "1.0.0", `invalid package ID ".."`},
		{strings.Repeat("a", 101), "1.0.0", "at most 100"},
		{"acme", "1.0", "MAJOR.MINOR.PATCH"},
		{"acme", "v1.0.0", "without the leading v"},
		{"acme", "1.0.0-" + strings.Repeat("a", 130), "at most 128"},
		{"acme", "../1.0.0", "invalid version"},
	}
	for _, tt := range tests {
		err := opts(tt.id, tt.version).Validate()
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Validate(%q, %q) = %v, want %q", tt.id, tt.version, err, tt.want)
		}
	}
	for _, ok := range [][2]string{{"acme-web", "1.4.0"}, {"Acme.Web_2", "0.0.1-rc.1+sha.5114f85"}, {"7zip", "19.0.0"}} {
		if err := opts(ok[0], ok[1]).Validate(); err != nil {
			t.Errorf("Validate(%q, %q) = %v", ok[0], ok[1], err)
		}
	}
	o := opts("acme", "1.0.0")
	o.FileName = "dist/acme.tgz"
	if err := o.Validate(); err == nil {
		t.Error("a file name with a directory is accepted")
	}
	o = PushOptions{ID: "acme", Version: "1.0.0"}
	if err := o.Validate(); err == nil {
		t.Error("options without a time are accepted")
	}
}

func TestPutBlob(t *testing.T) {
	ctx := context.Background()
	data := []byte("bytes that arrive by hash")
	good := sum(data)

	t.Run("right bytes", func(t *testing.T) {
		s := newStore(t)
		if err := s.PutBlob(ctx, bytes.NewReader(data), good, int64(len(data))); err != nil {
			t.Fatal(err)
		}
		if !s.Has(good) {
			t.Fatal("blob not there after PutBlob")
		}
		checkFile(t, s.blobPath(good), 0o444, data)
		// Already stored: the reader is not touched.
		if err := s.PutBlob(ctx, &failingReader{}, good, int64(len(data))); err != nil {
			t.Errorf("PutBlob of a stored blob: %v", err)
		}
	})

	bad := []struct {
		name, want string
		r          io.Reader
		size       int64
	}{
		{"other bytes", "sha256 " + sum([]byte("bytes that arrive by hasH")), strings.NewReader("bytes that arrive by hasH"), int64(len(data))},
		{"too short", fmt.Sprintf("%d bytes, want %d", len(data)-1, len(data)), bytes.NewReader(data[:len(data)-1]), int64(len(data))},
		{"too long", fmt.Sprintf("longer than the %d bytes expected", len(data)-1), bytes.NewReader(data), int64(len(data) - 1)},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			err := s.PutBlob(ctx, tt.r, good, tt.size)
			var integrity *IntegrityError
			if !errors.As(err, &integrity) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("PutBlob = %v, want an *IntegrityError saying %q", err, tt.want)
			}
			if s.Has(good) {
				t.Error("refused bytes are visible by hash")
			}
			if _, err := s.Open(good); !errors.Is(err, ErrNotFound) {
				t.Errorf("Open of refused blob = %v, want ErrNotFound", err)
			}
			if left := tmpFiles(t, s); len(left) != 0 {
				t.Errorf("tmp/ holds %v", left)
			}
		})
	}

	s := newStore(t)
	if err := s.PutBlob(ctx, bytes.NewReader(data), strings.ToUpper(good), int64(len(data))); err == nil {
		t.Error("PutBlob accepts an uppercase hash")
	}
}

// PutFile moves a file from the store's own directory into place rather
// than copying it, and leaves a file that is not what it should be where
// it was.
func TestPutFile(t *testing.T) {
	ctx := context.Background()
	data := []byte("bytes extracted from a bundle")
	good := sum(data)
	s := newStore(t)
	if err := s.prepare(); err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		path := filepath.Join(s.Dir(), name)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}

	path := write("extracted", data)
	before, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.PutFile(ctx, path, good, int64(len(data))); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file is still at %s after PutFile: %v", path, err)
	}
	checkFile(t, s.blobPath(good), 0o444, data)
	after, err := os.Stat(s.blobPath(good))
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) {
		t.Error("PutFile copied the file instead of moving it")
	}

	other := []byte("bytes extracted from a bundlE")
	for name, tt := range map[string]struct {
		data []byte
		size int64
	}{"other bytes": {other, int64(len(other))}, "other size": {data, int64(len(data)) + 1}} {
		path := write("bad", tt.data)
		err := s.PutFile(ctx, path, sum(other[:5]), tt.size)
		var integrity *IntegrityError
		if !errors.As(err, &integrity) {
			t.Errorf("%s: PutFile = %v, want an *IntegrityError", name, err)
		}
		if _, err := os.Stat(path); err != nil {
			t.Errorf("%s: the refused file is gone: %v", name, err)
		}
		if s.Has(sum(other[:5])) {
			t.Errorf("%s: refused bytes are visible by hash", name)
		}
	}
}

// Name gives a blob that arrived by hash an ID and version without
// reading or writing its bytes.
func TestName(t *testing.T) {
	ctx := context.Background()
	s := newStore(t)
	data := []byte("a package imported by hash")
	good := sum(data)
	if _, _, err := s.Name(good, int64(len(data)), opts("acme", "1.0.0")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Name of a blob not stored = %v, want ErrNotFound", err)
	}
	if err := s.PutBlob(ctx, bytes.NewReader(data), good, int64(len(data))); err != nil {
		t.Fatal(err)
	}
	pkg, existed, err := s.Name(good, int64(len(data)), opts("acme", "1.0.0"))
	if err != nil || existed || pkg.SHA256 != good {
		t.Fatalf("Name = %+v, %v, %v", pkg, existed, err)
	}
	got, err := s.Get("acme", "1.0.0")
	if err != nil || got.SHA256 != good || got.Size != int64(len(data)) {
		t.Fatalf("Get after Name = %+v, %v", got, err)
	}
	if _, existed, err := s.Name(good, int64(len(data)), opts("acme", "1.0.0")); err != nil || !existed {
		t.Errorf("Name again = %v, %v; want existed", existed, err)
	}
	other := []byte("other bytes")
	if err := s.PutBlob(ctx, bytes.NewReader(other), sum(other), int64(len(other))); err != nil {
		t.Fatal(err)
	}
	var conflict *ConflictError
	if _, _, err := s.Name(sum(other), int64(len(other)), opts("acme", "1.0.0")); !errors.As(err, &conflict) {
		t.Errorf("Name of other bytes under a taken version = %v, want a *ConflictError", err)
	}
	if left := tmpFiles(t, s); len(left) != 0 {
		t.Errorf("Name wrote to tmp/: %v", left)
	}
}

func TestVersionsAndLatest(t *testing.T) {
	s := newStore(t)
	steps := []struct{ push, latest string }{
		{"1.0.0", "1.0.0"},
		{"1.2.0-rc.1", "1.2.0-rc.1"}, // a pre-release above the last release is the latest
		{"1.10.0-alpha", "1.10.0-alpha"},
		{"1.9.0", "1.10.0-alpha"}, // numeric, not lexical: 1.10 > 1.9
		{"1.10.0-beta.2", "1.10.0-beta.2"},
		{"1.10.0-beta.11", "1.10.0-beta.11"}, // numeric identifiers compare as numbers
		{"1.10.0", "1.10.0"},                 // the release beats its pre-releases
		{"1.10.0-rc.1", "1.10.0"},
	}
	for _, st := range steps {
		push(t, s, "acme-web", st.push, []byte(st.push))
		got, err := s.Latest("acme-web")
		if err != nil || got.Version != st.latest {
			t.Errorf("after pushing %s: Latest = %s, %v; want %s", st.push, got.Version, err, st.latest)
		}
	}
	vs, err := s.Versions("ACME-WEB")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1.10.0", "1.10.0-rc.1", "1.10.0-beta.11", "1.10.0-beta.2", "1.10.0-alpha", "1.9.0", "1.2.0-rc.1", "1.0.0"}
	if got := versions(vs); !slices.Equal(got, want) {
		t.Errorf("Versions = %v, want %v", got, want)
	}

	if vs, err := s.Versions("unknown"); err != nil || len(vs) != 0 {
		t.Errorf("Versions(unknown) = %v, %v; want none", vs, err)
	}
	_, err = s.Latest("unknown")
	if !errors.Is(err, ErrNotFound) || !errors.Is(err, fs.ErrNotExist) || err.Error() != "package unknown is not in the package store" {
		t.Errorf("Latest(unknown) = %v", err)
	}
}

func versions(pkgs []Package) []string {
	var vs []string
	for _, p := range pkgs {
		vs = append(vs, p.Version)
	}
	return vs
}

func TestListOrder(t *testing.T) {
	s := newStore(t)
	if list, err := s.List(); err != nil || list == nil || len(list) != 0 {
		t.Fatalf("List of a store never written = %#v, %v; want an empty list", list, err)
	}
	if _, err := os.Stat(s.Dir()); !os.IsNotExist(err) {
		t.Errorf("listing created the store: %v", err)
	}
	for _, p := range [][2]string{{"zeta", "1.0.0"}, {"acme-web", "1.9.0"}, {"Beta", "2.0.0-rc.1"}, {"acme-web", "1.10.0"}, {"beta", "2.0.0"}, {"acme-web", "1.10.0-rc.1"}} {
		push(t, s, p[0], p[1], []byte(p[0]+p[1]))
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range list {
		got = append(got, p.String())
	}
	want := []string{"acme-web 1.10.0", "acme-web 1.10.0-rc.1", "acme-web 1.9.0", "beta 2.0.0", "Beta 2.0.0-rc.1", "zeta 1.0.0"}
	if !slices.Equal(got, want) {
		t.Errorf("List = %v, want %v", got, want)
	}
}

func TestGetNotFound(t *testing.T) {
	s := newStore(t)
	push(t, s, "acme-web", "1.4.0", []byte("x"))
	_, err := s.Get("acme-web", "1.5.0")
	if !errors.Is(err, ErrNotFound) || err.Error() != "package acme-web 1.5.0 is not in the package store" {
		t.Errorf("Get of a missing version = %v", err)
	}
	if _, err := s.Get("../../etc", "1.0.0"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("Get of an invalid ID = %v, want a validation error", err)
	}
	if _, err := s.Open(strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
		t.Errorf("Open of a missing blob = %v", err)
	}
}

func TestVerifyFindsTampering(t *testing.T) {
	s := newStore(t)
	pkg, _ := push(t, s, "acme-web", "1.4.0", []byte("original bytes"))
	path := s.blobPath(pkg.SHA256)
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte("tampered bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := s.Verify(pkg)
	var integrity *IntegrityError
	if !errors.As(err, &integrity) || integrity.SHA256 != sum([]byte("tampered bytes")) || !strings.Contains(err.Error(), "acme-web 1.4.0: sha256 ") {
		t.Errorf("Verify of a tampered blob = %v", err)
	}
	os.Remove(path)
	if err := s.Verify(pkg); !errors.Is(err, ErrNotFound) {
		t.Errorf("Verify of a missing blob = %v", err)
	}
}

func TestCorruptIndexEntryIsReported(t *testing.T) {
	s := newStore(t)
	push(t, s, "acme-web", "1.4.0", []byte("x"))
	misplaced := filepath.Join(s.Dir(), "index", "acme-web", "1.5.0.json")
	data, _ := os.ReadFile(filepath.Join(s.Dir(), "index", "acme-web", "1.4.0.json"))
	if err := os.WriteFile(misplaced, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.List(); err == nil || !strings.Contains(err.Error(), "index entry index/acme-web/1.5.0.json: it names acme-web 1.4.0") {
		t.Errorf("List with a misplaced entry = %v", err)
	}
	os.WriteFile(misplaced, []byte("{"), 0o644)
	if _, err := s.Get("acme-web", "1.5.0"); err == nil || !strings.Contains(err.Error(), "index entry index/acme-web/1.5.0.json") {
		t.Errorf("Get of a corrupt entry = %v", err)
	}
}

func TestDefaultDir(t *testing.T) {
	t.Setenv(EnvDir, "")
	if got, want := DefaultDir("/srv/devtest"), filepath.Join("/srv/devtest", ".zonectl", "store"); got != want {
		t.Errorf("DefaultDir = %q, want %q", got, want)
	}
	t.Setenv(EnvDir, "/var/lib/zonectl/store")
	if got := DefaultDir("/srv/devtest"); got != "/var/lib/zonectl/store" {
		t.Errorf("DefaultDir with %s set = %q", EnvDir, got)
	}
}

func TestOpenRefusesAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	os.WriteFile(f, nil, 0o644)
	if _, err := Open(f); err == nil || !strings.Contains(err.Error(), "is not a directory") {
		t.Errorf("Open(file) = %v", err)
	}
}
