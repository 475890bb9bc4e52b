package gitstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// refNameCases are checked against stock git check-ref-format.
var refNameCases = []string{
	"refs/heads/main",
	"refs/zonectl/ledger",
	"refs/zonectl/releases/acme-web/1.4.0",
	"refs/zonectl/releases/acme_web/1.4.0-rc.1+build.5",
	"refs/zonectl/inbox/dev/web/1.0.0",
	"refs/heads/ünïcode",
	"refs/heads/a.b",
	"refs/heads/@",
	"refs/heads/a@b",
	"refs/heads/x.lockx",
	"refs",
	"refs/",
	"heads/main",
	"HEAD",
	"refs/heads/",
	"refs//heads",
	"refs/heads//main",
	"/refs/heads/main",
	"refs/heads/main/",
	"refs/heads/a..b",
	"refs/heads/.hidden",
	"refs/heads/a/.b",
	"refs/heads/main.lock",
	"refs/heads/main.lock/x",
	"refs/heads/main.",
	"refs/heads/a b",
	"refs/heads/a~1",
	"refs/heads/a^",
	"refs/heads/a:b",
	"refs/heads/a?",
	"refs/heads/a*",
	"refs/heads/a[b",
	"refs/heads/a\\b",
	"refs/heads/a@{1}",
	"refs/heads/tab\there",
	"refs/heads/nl\nhere",
	"refs/heads/del\x7f",
}

func TestValidateRefNameAgreesWithGit(t *testing.T) {
	dir := t.TempDir()
	for _, name := range refNameCases {
		_, _, gitErr := gitTry(t, dir, nil, "", "check-ref-format", name)
		gitOK := gitErr == nil && strings.HasPrefix(name, "refs/")
		err := ValidateRefName(name)
		if (err == nil) != gitOK {
			t.Errorf("ValidateRefName(%q) = %v; git check-ref-format accepts it: %v", name, err, gitOK)
		}
		if err != nil && !strings.Contains(err.Error(), "bad ref name") {
			t.Errorf("ValidateRefName(%q) = %q; want it to say \"bad ref name\"", name, err)
		}
	}
}

// stockRef reads a ref with stock git; "" when it does not exist.
func stockRef(t *testing.T, r *Repo, name string) string {
	t.Helper()
	out, _, err := gitTry(t, r.Root(), nil, "", "rev-parse", "-q", "--verify", name)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

func wantRef(t *testing.T, r *Repo, name string, want plumbing.Hash) {
	t.Helper()
	got, ok, err := r.Ref(name)
	if err != nil {
		t.Fatalf("Ref(%q): %v", name, err)
	}
	if ok != !want.IsZero() || got != want {
		t.Errorf("Ref(%q) = %s (exists %v), want %s", name, got, ok, want)
	}
	wantStock := ""
	if !want.IsZero() {
		wantStock = want.String()
	}
	if s := stockRef(t, r, name); s != wantStock {
		t.Errorf("git rev-parse %s = %q, want %q", name, s, wantStock)
	}
}

func wantConflict(t *testing.T, err error, name string, expected, actual plumbing.Hash) {
	t.Helper()
	var conflict *RefConflictError
	if !errors.As(err, &conflict) {
		t.Fatalf("got %v, want a *RefConflictError", err)
	}
	if *conflict != (RefConflictError{Ref: name, Expected: expected, Actual: actual}) {
		t.Errorf("conflict = %+v, want ref %q expected %s actual %s", *conflict, name, expected, actual)
	}
}

func TestUpdateRefCompareAndSwap(t *testing.T) {
	r := newRepo(t)
	const name = "refs/zonectl/releases/web/1.0.0"
	c1 := commitOn(t, r, "refs/zonectl/scratch/a", "one")
	c2 := commitOn(t, r, "refs/zonectl/scratch/b", "two")
	c3 := commitOn(t, r, "refs/zonectl/scratch/c", "three")

	if err := r.UpdateRef(name, c1, plumbing.ZeroHash); err != nil {
		t.Fatalf("create: %v", err)
	}
	wantRef(t, r, name, c1)
	data, err := os.ReadFile(filepath.Join(r.GitDir(), name))
	if err != nil || string(data) != c1.String()+"\n" {
		t.Errorf("loose ref file = %q, %v; want %q", data, err, c1.String()+"\n")
	}

	// Creating again: the ref exists.
	wantConflict(t, r.UpdateRef(name, c2, plumbing.ZeroHash), name, plumbing.ZeroHash, c1)
	wantRef(t, r, name, c1)

	// Moving from a value it does not hold.
	wantConflict(t, r.UpdateRef(name, c3, c2), name, c2, c1)
	wantRef(t, r, name, c1)

	if err := r.UpdateRef(name, c2, c1); err != nil {
		t.Fatalf("update: %v", err)
	}
	wantRef(t, r, name, c2)

	// A missing ref never matches a non-zero expectation.
	wantConflict(t, r.UpdateRef("refs/zonectl/none", c1, c2), "refs/zonectl/none", c2, plumbing.ZeroHash)
	wantRef(t, r, "refs/zonectl/none", plumbing.ZeroHash)

	// No lock file is left behind.
	if _, err := os.Stat(filepath.Join(r.GitDir(), name+".lock")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("lock file left behind: %v", err)
	}
}

func TestUpdateRefRefusesExistingLockFile(t *testing.T) {
	r := newRepo(t)
	shortLockWait(t)
	const name = "refs/zonectl/ledger"
	c1 := commitOn(t, r, name, "one")
	c2 := commitOn(t, r, "refs/zonectl/other", "two")
	lockPath := filepath.Join(r.GitDir(), name+".lock")
	if err := os.WriteFile(lockPath, []byte("held by someone else\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	err := r.UpdateRef(name, c2, c1)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("UpdateRef with %s present: %v, want ErrLocked", lockPath, err)
	}
	if !strings.Contains(err.Error(), lockPath) || !strings.Contains(err.Error(), name) {
		t.Errorf("error %q does not name the ref and the lock file", err)
	}
	if data, err := os.ReadFile(lockPath); err != nil || string(data) != "held by someone else\n" {
		t.Errorf("lock file after refusal = %q, %v; want it untouched", data, err)
	}
	wantRef(t, r, name, c1)

	// It is the lock file stock git uses: git refuses the same way.
	if _, errOut, err := gitTry(t, r.Root(), nil, "", "update-ref", name, c2.String(), c1.String()); err == nil || !strings.Contains(errOut, name+".lock") {
		t.Errorf("git update-ref with %s present: %v\n%s", lockPath, err, errOut)
	}
	wantRef(t, r, name, c1)

	os.Remove(lockPath)
	if err := r.UpdateRef(name, c2, c1); err != nil {
		t.Fatal(err)
	}
	wantRef(t, r, name, c2)
}

func TestUpdateRefPackedRef(t *testing.T) {
	r := newRepo(t)
	const name = "refs/zonectl/releases/web/2.0.0"
	c1 := commitOn(t, r, "refs/zonectl/scratch/a", "one")
	c2 := commitOn(t, r, "refs/zonectl/scratch/b", "two")
	c3 := commitOn(t, r, "refs/zonectl/scratch/c", "three")
	gitRun(t, r.Root(), "update-ref", name, c1.String())
	gitRun(t, r.Root(), "pack-refs", "--all")
	if _, err := os.Stat(filepath.Join(r.GitDir(), name)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("git pack-refs left the loose ref: %v", err)
	}
	wantRef(t, r, name, c1)

	wantConflict(t, r.UpdateRef(name, c3, c2), name, c2, c1)
	wantConflict(t, r.UpdateRef(name, c3, plumbing.ZeroHash), name, plumbing.ZeroHash, c1)
	wantRef(t, r, name, c1)

	if err := r.UpdateRef(name, c2, c1); err != nil {
		t.Fatal(err)
	}
	wantRef(t, r, name, c2)
	gitRun(t, r.Root(), "pack-refs", "--all")
	wantRef(t, r, name, c2)
	gitRun(t, r.Root(), "fsck", "--strict", "--no-dangling")
}

func TestUpdateRefRefusals(t *testing.T) {
	r := newRepo(t)
	c1 := commitOn(t, r, "refs/zonectl/a", "one")
	for _, name := range []string{"HEAD", "main", "refs/heads/a..b", "refs/zonectl/x.lock", "refs//x", "refs/zonectl/bad name"} {
		if err := r.UpdateRef(name, c1, plumbing.ZeroHash); err == nil || !strings.Contains(err.Error(), "bad ref name") {
			t.Errorf("UpdateRef(%q) = %v, want a bad ref name error", name, err)
		}
	}
	missing := plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
	if err := r.UpdateRef("refs/zonectl/b", missing, plumbing.ZeroHash); err == nil || !strings.Contains(err.Error(), missing.String()) {
		t.Errorf("UpdateRef to a missing object = %v", err)
	}
	if err := r.UpdateRef("refs/zonectl/a", plumbing.ZeroHash, c1); err == nil {
		t.Error("UpdateRef to the zero hash succeeded")
	}
	wantRef(t, r, "refs/zonectl/a", c1)
	wantRef(t, r, "refs/zonectl/b", plumbing.ZeroHash)

	// refs/a and refs/a/b cannot both exist, loose or packed.
	if err := r.UpdateRef("refs/zonectl/a/b", c1, plumbing.ZeroHash); err == nil || !strings.Contains(err.Error(), `conflicts with existing ref "refs/zonectl/a"`) {
		t.Errorf("UpdateRef below an existing ref = %v", err)
	}
	if err := r.UpdateRef("refs/zonectl", c1, plumbing.ZeroHash); err == nil || !strings.Contains(err.Error(), "conflicts with existing ref") {
		t.Errorf("UpdateRef above an existing ref = %v", err)
	}
	gitRun(t, r.Root(), "pack-refs", "--all")
	if err := r.UpdateRef("refs/zonectl/a/b", c1, plumbing.ZeroHash); err == nil || !strings.Contains(err.Error(), `conflicts with existing ref "refs/zonectl/a"`) {
		t.Errorf("UpdateRef below an existing packed ref = %v", err)
	}
	wantRef(t, r, "refs/zonectl/a/b", plumbing.ZeroHash)
	wantRef(t, r, "refs/zonectl/a", c1)
}

func TestUpdateRefSymbolicRef(t *testing.T) {
	r := newRepo(t)
	c1 := commitOn(t, r, MainBranch, "one")
	c2 := commitOn(t, r, "refs/zonectl/other", "two")
	gitRun(t, r.Root(), "symbolic-ref", "refs/zonectl/alias", MainBranch)
	wantRef(t, r, "refs/zonectl/alias", c1)
	if err := r.UpdateRef("refs/zonectl/alias", c2, c1); err == nil || !strings.Contains(err.Error(), "symbolic ref") {
		t.Errorf("UpdateRef of a symbolic ref = %v", err)
	}
	wantRef(t, r, MainBranch, c1)
}

func TestDeleteRef(t *testing.T) {
	r := newRepo(t)
	const packed = "refs/zonectl/inbox/dev/web/1.0.0"
	const loose = "refs/zonectl/inbox/dev/web/1.0.1"
	c1 := commitOn(t, r, packed, "one")
	c2 := commitOn(t, r, "refs/zonectl/keep", "two")
	gitRun(t, r.Root(), "pack-refs", "--all")
	// Both packed and shadowed by a newer loose value.
	if err := r.UpdateRef(packed, c2, c1); err != nil {
		t.Fatal(err)
	}
	commitOn(t, r, loose, "three")
	c3, _, _ := r.Ref(loose)

	wantConflict(t, r.DeleteRef(packed, c1), packed, c1, c2)
	wantRef(t, r, packed, c2)
	if err := r.DeleteRef(packed, c2); err != nil {
		t.Fatal(err)
	}
	wantRef(t, r, packed, plumbing.ZeroHash)
	if data, _ := os.ReadFile(filepath.Join(r.GitDir(), "packed-refs")); strings.Contains(string(data), packed) {
		t.Errorf("packed-refs still lists %s:\n%s", packed, data)
	}
	if err := r.DeleteRef(loose, c3); err != nil {
		t.Fatal(err)
	}
	wantRef(t, r, loose, plumbing.ZeroHash)
	wantRef(t, r, "refs/zonectl/keep", c2)
	wantConflict(t, r.DeleteRef(loose, c3), loose, c3, plumbing.ZeroHash)

	// The name is free again, even as a directory.
	if err := r.UpdateRef("refs/zonectl/inbox/dev/web", c1, plumbing.ZeroHash); err != nil {
		t.Errorf("creating a ref where deleted refs left directories: %v", err)
	}
	gitRun(t, r.Root(), "fsck", "--strict", "--no-dangling")
}
