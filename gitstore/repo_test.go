package gitstore

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestInitPointsHEADAtUnbornMain(t *testing.T) {
	dir := t.TempDir()
	r, err := Init(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := realPath(t, r.Root()), realPath(t, dir); got != want {
		t.Errorf("Root() = %q, want %q", got, want)
	}
	if got, want := r.GitDir(), filepath.Join(r.Root(), ".git"); got != want {
		t.Errorf("GitDir() = %q, want %q", got, want)
	}
	if r.CommonDir() != r.GitDir() {
		t.Errorf("CommonDir() = %q, want GitDir() %q", r.CommonDir(), r.GitDir())
	}
	if r.Git() == nil {
		t.Fatal("Git() is nil")
	}
	if got := strings.TrimSpace(gitRun(t, dir, "symbolic-ref", "HEAD")); got != MainBranch {
		t.Errorf("git symbolic-ref HEAD = %q, want %q", got, MainBranch)
	}
	if _, _, err := gitTry(t, dir, nil, "", "rev-parse", "--verify", "-q", "HEAD"); err == nil {
		t.Error("HEAD resolves to a commit in a new Space; want it unborn")
	}
	if _, ok, err := r.Ref(MainBranch); err != nil || ok {
		t.Errorf("Ref(%q) = exists %v, %v; want absent", MainBranch, ok, err)
	}
	if out := gitRun(t, dir, "status", "--porcelain"); out != "" {
		t.Errorf("git status in a new Space:\n%s", out)
	}
}

func TestInitRefusesExistingRepository(t *testing.T) {
	dir := t.TempDir()
	gitRun(t, dir, "init", "-q")
	_, err := Init(dir)
	if err == nil || !strings.Contains(err.Error(), "already holds a Git repository") {
		t.Fatalf("Init over an existing repository: %v", err)
	}
}

func TestOpenFromSubdirectory(t *testing.T) {
	r := newRepo(t)
	sub := filepath.Join(r.Root(), "projects", "web")
	if err := os.MkdirAll(sub, 0o777); err != nil {
		t.Fatal(err)
	}
	o, err := Open(sub)
	if err != nil {
		t.Fatal(err)
	}
	if o.Root() != r.Root() || o.GitDir() != r.GitDir() {
		t.Errorf("Open(%q) = root %q gitdir %q, want %q %q", sub, o.Root(), o.GitDir(), r.Root(), r.GitDir())
	}
}

func TestOpenOutsideARepository(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	want := `not in a Space: no Git repository at or above "` + dir + `"`
	if err == nil || err.Error() != want {
		t.Fatalf("Open(%q) error = %v, want %q", dir, err, want)
	}
}

func TestOpenLinkedWorktreeSharesRefs(t *testing.T) {
	r := newRepo(t)
	first := commitOn(t, r, MainBranch, "first")
	wtDir := filepath.Join(t.TempDir(), "wt")
	gitRun(t, r.Root(), "worktree", "add", "-q", "--detach", wtDir, first.String())

	w, err := Open(filepath.Join(wtDir))
	if err != nil {
		t.Fatal(err)
	}
	if realPath(t, w.CommonDir()) != realPath(t, r.GitDir()) {
		t.Errorf("linked work tree CommonDir() = %q, want %q", w.CommonDir(), r.GitDir())
	}
	if w.GitDir() == w.CommonDir() {
		t.Errorf("linked work tree GitDir() = CommonDir() = %q", w.GitDir())
	}
	second := commitOn(t, w, MainBranch, "second from the linked work tree")
	if got, _, err := r.Ref(MainBranch); err != nil || got != second {
		t.Errorf("main work tree sees %s (%v), want %s", got, err, second)
	}
	if got := strings.TrimSpace(gitRun(t, r.Root(), "rev-parse", "main^")); got != first.String() {
		t.Errorf("main^ = %s, want %s", got, first)
	}
}
