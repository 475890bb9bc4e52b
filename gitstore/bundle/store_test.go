package bundle

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/format/idxfile"

	"github.com/zonectl/zonectl/gitstore"
)

// packDirOf returns objects/pack of the repository at dir.
func packDirOf(dir string) string { return filepath.Join(dir, ".git", "objects", "pack") }

// dirNames lists a directory.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// tempFiles returns the temporary files (tmp_pack_*, tmp_idx_*) in dir.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	var tmp []string
	for _, n := range dirNames(t, dir) {
		if strings.HasPrefix(n, "tmp_") {
			tmp = append(tmp, n)
		}
	}
	return tmp
}

// packTrailer returns the trailer of the pack a bundle file ends with: the
// name of the pack file, when Unbundle needs not complete the pack.
func packTrailer(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[len(b)-packTrailerSize:])
}

// TestUnbundleIntoARepository unbundles stock git's bundles into
// repositories on disk, through gitstore's ObjectStore, and checks the
// pack files with stock git.
func TestUnbundleIntoARepository(t *testing.T) {
	r := newStockRepo(t)
	full := filepath.Join(t.TempDir(), "full.bundle")
	gitRun(t, r.dir, "bundle", "create", full, "--all")
	t.Run("stores the pack as git does", func(t *testing.T) { testStoresThePackAsGitDoes(t, full) })
	t.Run("replaces a truncated index", func(t *testing.T) { testReplacesATruncatedIndex(t, r, full) })
	t.Run("refuses a store that does not sync", func(t *testing.T) { testRefusesAStoreThatDoesNotSync(t, full) })
	t.Run("interrupted leaves nothing", func(t *testing.T) { testInterruptedLeavesNothing(t, full) })
	t.Run("survives a crash", func(t *testing.T) { testSurvivesACrash(t, r) })
}

// Unbundling a stock bundle into a repository leaves what git fetch
// leaves: the pack, named by its checksum, beside the index git
// index-pack writes for it, byte for byte, and nothing temporary.
// Unbundling it again keeps those files.
func testStoresThePackAsGitDoes(t *testing.T, path string) {
	into := initRepo(t)
	h := unbundleFile(t, path, into)

	dir := packDirOf(into)
	name := "pack-" + packTrailer(t, path)
	if got, want := dirNames(t, dir), []string{name + ".idx", name + ".pack"}; !slices.Equal(got, want) {
		t.Fatalf("objects/pack holds %q, want %q", got, want)
	}
	packPath := filepath.Join(dir, name+".pack")
	gitIdx := filepath.Join(t.TempDir(), "git.idx")
	gitRun(t, into, "index-pack", "-o", gitIdx, packPath)
	ours, err := os.ReadFile(filepath.Join(dir, name+".idx"))
	if err != nil {
		t.Fatal(err)
	}
	if theirs, err := os.ReadFile(gitIdx); err != nil || !bytes.Equal(ours, theirs) {
		t.Errorf("our index (%d bytes) differs from git index-pack's (%d bytes, %v)", len(ours), len(theirs), err)
	}
	gitRun(t, into, "verify-pack", packPath)
	checkRefsAndFsck(t, into, h)

	before, err := os.Stat(packPath)
	if err != nil {
		t.Fatal(err)
	}
	unbundleFile(t, path, into)
	after, err := os.Stat(packPath)
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(before, after) || len(dirNames(t, dir)) != 2 {
		t.Errorf("unbundling again replaced the pack or left files: %q", dirNames(t, dir))
	}
}

// go-git's own pack writer writes the .idx in place before it renames the
// .pack, and if it is killed meanwhile it leaves an empty .idx, which it
// keeps on its next run, under the pack it then renames into place: every
// later lookup fails. Unbundle replaces such an index.
func testReplacesATruncatedIndex(t *testing.T, r *stockRepo, path string) {
	into := initRepo(t)
	idxPath := filepath.Join(packDirOf(into), "pack-"+packTrailer(t, path)+".idx")
	if err := os.WriteFile(idxPath, nil, 0o444); err != nil {
		t.Fatal(err)
	}
	h := unbundleFile(t, path, into)
	if err := openObjects(t, into).HasEncodedObject(r.tip); err != nil {
		t.Errorf("go-git does not read the unbundled objects: %v", err)
	}
	checkRefsAndFsck(t, into, h)
}

// Unbundle refuses a go-git store on disk, whose pack writer does not
// sync, before it reads the bundle.
func testRefusesAStoreThatDoesNotSync(t *testing.T, path string) {
	into := initRepo(t)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	_, err = Unbundle(context.Background(), f, openStore(t, into), UnbundleOptions{})
	if err == nil || !strings.Contains(err.Error(), "PackStorer") {
		t.Errorf("Unbundle into go-git's store: %v, want a refusal naming PackStorer", err)
	}
	if got := dirNames(t, packDirOf(into)); len(got) != 0 {
		t.Errorf("objects/pack holds %q", got)
	}
}

// interruptedStore is a repository's object store whose StorePack sees
// the pack end with fail after its first bytes.
type interruptedStore struct {
	*gitstore.ObjectStore
	fail func() error
}

func (s interruptedStore) StorePack(ctx context.Context, pack io.Reader, idx *idxfile.MemoryIndex) error {
	return s.ObjectStore.StorePack(ctx, &failAfter{r: pack, n: 1000, fail: s.fail}, idx)
}

type failAfter struct {
	r    io.Reader
	n    int
	fail func() error
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, f.fail()
	}
	n, err := f.r.Read(p[:min(len(p), f.n)])
	f.n -= n
	return n, err
}

// An unbundle that fails or is cancelled while it writes the pack leaves
// no temporary file and no pack behind.
func testInterruptedLeavesNothing(t *testing.T, path string) {
	diskErr := errors.New("disk on fire")
	for _, tc := range []struct {
		name string
		fail func(cancel func()) func() error
		want error
	}{
		{"read error", func(func()) func() error { return func() error { return diskErr } }, diskErr},
		{"cancelled", func(cancel func()) func() error { return func() error { cancel(); return nil } }, context.Canceled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			into := initRepo(t)
			objectsBefore := countObjects(t, into)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			st := interruptedStore{openObjects(t, into), tc.fail(cancel)}
			if _, err := Unbundle(ctx, f, st, UnbundleOptions{}); !errors.Is(err, tc.want) {
				t.Fatalf("Unbundle: %v, want %v", err, tc.want)
			}
			if got := dirNames(t, packDirOf(into)); len(got) != 0 {
				t.Errorf("objects/pack holds %q after the failed unbundle", got)
			}
			if got := countObjects(t, into); got != objectsBefore {
				t.Errorf("objects after the failed unbundle:\n%s\nwant:\n%s", got, objectsBefore)
			}
			gitRun(t, into, "fsck", "--strict")
		})
	}
}

// TestHelperUnbundleProcess is not a test: TestUnbundleIntoARepository
// runs the test binary through it as an unbundling process to kill.
func TestHelperUnbundleProcess(t *testing.T) {
	dir, path := os.Getenv("BUNDLE_HELPER_REPO"), os.Getenv("BUNDLE_HELPER_BUNDLE")
	if dir == "" {
		t.Skip("helper process for TestUnbundleIntoARepository")
	}
	unbundleFile(t, path, dir)
}

// A process killed at any step of storing the pack leaves a repository
// that git fsck accepts and go-git reads, in which the bundle's objects
// are either absent or whole, and in which unbundling again completes.
// strace kills the process as it enters each system call that is a step
// of the protocol, before the call runs.
func testSurvivesACrash(t *testing.T, r *stockRepo) {
	strace, err := exec.LookPath("strace")
	if err != nil {
		t.Fatalf("this test kills a process with strace, which is not installed (%v); install it with: apt-get install strace", err)
	}
	path := filepath.Join(t.TempDir(), "thin.bundle")
	gitRun(t, r.dir, "bundle", "create", path, "base..main")
	atBase := func() string {
		dir := r.cloneAtBase(t)
		gitRun(t, dir, "repack", "-adq") // the base's objects in a pack, which go-git must go on reading
		return dir
	}
	// The completed thin pack is the same in every clone at the base: a
	// first run names it.
	ref := atBase()
	old := dirNames(t, packDirOf(ref))
	unbundleFile(t, path, ref)
	var name string
	for _, n := range dirNames(t, packDirOf(ref)) {
		if !slices.Contains(old, n) && strings.HasSuffix(n, ".pack") {
			name = strings.TrimSuffix(n, ".pack")
		}
	}
	if name == "" {
		t.Fatalf("unbundling stored no pack: objects/pack holds %q", dirNames(t, packDirOf(ref)))
	}

	const renames = "rename,renameat,renameat2"
	for _, tc := range []struct {
		step     string
		syscalls string
		when     string // strace's when=, "" for every call
		path     func(packDir string) string
		// what the crash leaves in objects/pack
		tmpPack, tmpIdx, idx, pack bool
	}{
		{"syncing the temporary pack", "fsync", "1", nil, true, false, false, false},
		{"renaming the index", renames, "", func(d string) string { return filepath.Join(d, name+".idx") }, true, true, false, false},
		{"renaming the pack", renames, "", func(d string) string { return filepath.Join(d, name+".pack") }, true, false, true, false},
		{"syncing objects/pack", "fsync", "", func(d string) string { return d }, false, false, true, true},
	} {
		t.Run(tc.step, func(t *testing.T) {
			into := atBase()
			dir := packDirOf(into)
			inject := tc.syscalls + ":error=EIO:signal=KILL"
			if tc.when != "" {
				inject += ":when=" + tc.when
			}
			args := []string{"-f", "-qq", "-o", os.DevNull, "-e", "trace=" + tc.syscalls, "-e", "inject=" + inject}
			if tc.path != nil {
				args = append(args, "-P", tc.path(dir))
			}
			args = append(args, os.Args[0], "-test.run=^TestHelperUnbundleProcess$", "-test.count=1")
			cmd := exec.Command(strace, args...)
			cmd.Env = append(os.Environ(), "BUNDLE_HELPER_REPO="+into, "BUNDLE_HELPER_BUNDLE="+path)
			out, err := cmd.CombinedOutput()
			if !killed(err) {
				t.Fatalf("the unbundling process was not killed while %s: %v\n%s", tc.step, err, out)
			}

			var tmpPack, tmpIdx bool
			for _, n := range tempFiles(t, dir) {
				tmpPack = tmpPack || strings.HasPrefix(n, "tmp_pack_")
				tmpIdx = tmpIdx || strings.HasPrefix(n, "tmp_idx_")
			}
			_, idxErr := os.Stat(filepath.Join(dir, name+".idx"))
			_, packErr := os.Stat(filepath.Join(dir, name+".pack"))
			if tmpPack != tc.tmpPack || tmpIdx != tc.tmpIdx || (idxErr == nil) != tc.idx || (packErr == nil) != tc.pack {
				t.Fatalf("objects/pack holds %q, want a temporary pack %v, a temporary index %v, %s.idx %v, %s.pack %v",
					dirNames(t, dir), tc.tmpPack, tc.tmpIdx, name, tc.idx, name, tc.pack)
			}

			gitRun(t, into, "fsck", "--strict", "--no-dangling")
			objects := openObjects(t, into)
			if _, err := objects.EncodedObject(plumbing.CommitObject, r.base); err != nil {
				t.Fatalf("go-git no longer reads the repository's own objects: %v", err)
			}
			_, _, gitErr := gitTry(t, into, "cat-file", "-e", r.tip.String())
			if goErr := objects.HasEncodedObject(r.tip); (gitErr == nil) != tc.pack || (goErr == nil) != tc.pack {
				t.Errorf("the bundle's tip is readable by git: %v, by go-git: %v; want %v", gitErr == nil, goErr == nil, tc.pack)
			}

			leftover := tempFiles(t, dir)
			h := unbundleFile(t, path, into)
			if got := tempFiles(t, dir); !slices.Equal(got, leftover) {
				t.Errorf("temporary files after unbundling again: %q, want only the crashed run's %q", got, leftover)
			}
			checkRefsAndFsck(t, into, h)
		})
	}
}

// killed reports whether err says that a process (strace, which dies of
// its tracee's signal) was killed by SIGKILL.
func killed(err error) bool {
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		return false
	}
	ws, ok := ee.Sys().(syscall.WaitStatus)
	return ok && (ws.Signaled() && ws.Signal() == syscall.SIGKILL || ws.Exited() && ws.ExitStatus() == 128+int(syscall.SIGKILL))
}
