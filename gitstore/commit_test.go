package gitstore

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

func TestCommitChainsOnTheRef(t *testing.T) {
	r := newRepo(t)
	const ledger = "refs/zonectl/ledger"
	c1 := commitOn(t, r, ledger, "release web 1.0.0")
	c2 := commitOn(t, r, ledger, "deploy web 1.0.0 to dev")
	wantRef(t, r, ledger, c2)

	commit, err := r.Git().CommitObject(c2)
	if err != nil {
		t.Fatal(err)
	}
	if len(commit.ParentHashes) != 1 || commit.ParentHashes[0] != c1 {
		t.Errorf("parents = %v, want [%s]", commit.ParentHashes, c1)
	}
	if commit.Message != "deploy web 1.0.0 to dev\n" {
		t.Errorf("message = %q, want a final newline added", commit.Message)
	}
	if commit.Committer.Name != author().Name || !commit.Committer.When.Equal(author().When) {
		t.Errorf("committer = %v, want the author %v", commit.Committer, author())
	}
	first, _ := r.Git().CommitObject(c1)
	if len(first.ParentHashes) != 0 {
		t.Errorf("first commit on a new ref has parents %v", first.ParentHashes)
	}
}

func TestCommitMerge(t *testing.T) {
	r := newRepo(t)
	const ledger = "refs/zonectl/ledger"
	tip := commitOn(t, r, ledger, "ledger")
	receipt := commitOn(t, r, "refs/zonectl/receipts/prod", "receipt")
	h, err := r.Commit(t.Context(), CommitOptions{
		Ref:          ledger,
		Tree:         writeTestTree(t, r, "f.txt", "merged"),
		ExtraParents: []plumbing.Hash{receipt},
		Message:      "merge receipts from prod",
		Author:       author(),
		Signer:       pgpSigner{spaceKey(t)},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Fields(gitRun(t, r.Root(), "rev-list", "--parents", "-n1", h.String()))
	if want := []string{h.String(), tip.String(), receipt.String()}; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("git rev-list --parents = %v, want %v", got, want)
	}
}

func TestCommitOptionsValidate(t *testing.T) {
	good := func() CommitOptions {
		return CommitOptions{Ref: "refs/zonectl/ledger", Tree: plumbing.NewHash("4b825dc642cb6eb9a060e54bf8d69288fbee4904"),
			Message: "m", Author: author(), Signer: pgpSigner{}}
	}
	cases := []struct {
		name   string
		modify func(*CommitOptions)
		want   string
	}{
		{"bad ref", func(o *CommitOptions) { o.Ref = "ledger" }, "bad ref name"},
		{"no tree", func(o *CommitOptions) { o.Tree = plumbing.ZeroHash }, "no tree"},
		{"no message", func(o *CommitOptions) { o.Message = " \n" }, "empty message"},
		{"no author", func(o *CommitOptions) { o.Author.Name = "" }, "no author name"},
		{"author with <", func(o *CommitOptions) { o.Author.Name = "Eve <eve@x>" }, "contains"},
		{"email with newline", func(o *CommitOptions) { o.Author.Email = "a@b\ncommitter x" }, "contains"},
		{"no signer", func(o *CommitOptions) { o.Signer = nil }, "no signer"},
	}
	o := good()
	if err := o.Validate(); err != nil {
		t.Fatalf("valid options: %v", err)
	}
	for _, c := range cases {
		o := good()
		c.modify(&o)
		if err := o.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Validate() = %v, want %q", c.name, err, c.want)
		}
	}
}

type badSigner struct{ sig []byte }

func (s badSigner) Sign([]byte) ([]byte, error) { return s.sig, nil }

type failingSigner struct{}

func (failingSigner) Sign([]byte) ([]byte, error) { return nil, errors.New("key is locked") }

func TestCommitRefusalsLeaveTheRef(t *testing.T) {
	r := newRepo(t)
	const ledger = "refs/zonectl/ledger"
	tip := commitOn(t, r, ledger, "tip")
	tree := writeTestTree(t, r, "f", "x")
	opts := func(s Signer) CommitOptions {
		return CommitOptions{Ref: ledger, Tree: tree, Message: "m", Author: author(), Signer: s}
	}
	for name, o := range map[string]CommitOptions{
		"signer fails":     opts(failingSigner{}),
		"binary signature": opts(badSigner{[]byte{0x88, 0x5e, 0x04, 0x00}}),
		"CR in signature":  opts(badSigner{[]byte("-----BEGIN PGP SIGNATURE-----\r\n")}),
		"missing tree": func() CommitOptions {
			o := opts(pgpSigner{spaceKey(t)})
			o.Tree = plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")
			return o
		}(),
		"missing parent": func() CommitOptions {
			o := opts(pgpSigner{spaceKey(t)})
			o.ExtraParents = []plumbing.Hash{plumbing.NewHash("0123456789abcdef0123456789abcdef01234567")}
			return o
		}(),
		"tip as extra parent": func() CommitOptions {
			o := opts(pgpSigner{spaceKey(t)})
			o.ExtraParents = []plumbing.Hash{tip}
			return o
		}(),
	} {
		if h, err := r.Commit(t.Context(), o); err == nil || !strings.Contains(err.Error(), ledger) {
			t.Errorf("%s: Commit = %s, %v; want an error naming %s", name, h, err, ledger)
		}
		wantRef(t, r, ledger, tip)
	}
}

// commitMany commits m times on ref through its own Repo opened at dir.
func commitMany(ctx context.Context, dir, ref, who string, m int, signer Signer) error {
	r, err := Open(dir)
	if err != nil {
		return err
	}
	for j := range m {
		tree, err := r.WriteTree([]File{{Path: who + "/" + strconv.Itoa(j), Data: []byte(who)}})
		if err != nil {
			return err
		}
		_, err = r.Commit(ctx, CommitOptions{
			Ref: ref, Tree: tree, Message: fmt.Sprintf("%s %d", who, j),
			Author: author(), Signer: signer,
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// firstParentMessages walks ref's first parents with stock git.
func firstParentMessages(t *testing.T, r *Repo, ref string) []string {
	t.Helper()
	out := gitRun(t, r.Root(), "log", "--first-parent", "--format=%s", ref)
	return strings.Fields(strings.ReplaceAll(strings.TrimSpace(out), " ", "_"))
}

func wantAllCommits(t *testing.T, r *Repo, ref string, who []string, m int) {
	t.Helper()
	msgs := firstParentMessages(t, r, ref)
	if len(msgs) != len(who)*m {
		t.Errorf("%s has %d commits in its first-parent history, want %d", ref, len(msgs), len(who)*m)
	}
	seen := map[string]bool{}
	for _, msg := range msgs {
		seen[msg] = true
	}
	for _, w := range who {
		for j := range m {
			if msg := fmt.Sprintf("%s_%d", w, j); !seen[msg] {
				t.Errorf("commit %q was lost", msg)
			}
		}
	}
}

func TestConcurrentCommitsLoseNothing(t *testing.T) {
	const n, m = 8, 10
	r := newRepo(t)
	const ledger = "refs/zonectl/ledger"
	signer := pgpSigner{spaceKey(t)}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	var who []string
	for i := range n {
		w := "g" + strconv.Itoa(i)
		who = append(who, w)
		wg.Go(func() { errs <- commitMany(t.Context(), r.Root(), ledger, w, m, signer) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	wantAllCommits(t, r, ledger, who, m)
	gitRun(t, r.Root(), "fsck", "--strict", "--no-dangling")
}

// TestHelperCommitProcess is not a test: TestConcurrentProcessesLoseNothing
// runs the test binary as separate zonectl-like processes through it.
func TestHelperCommitProcess(t *testing.T) {
	dir := os.Getenv("GITSTORE_HELPER_DIR")
	if dir == "" {
		t.Skip("helper process for TestConcurrentProcessesLoseNothing")
	}
	m, _ := strconv.Atoi(os.Getenv("GITSTORE_HELPER_M"))
	err := commitMany(t.Context(), dir, os.Getenv("GITSTORE_HELPER_REF"), os.Getenv("GITSTORE_HELPER_WHO"), m, pgpSigner{spaceKey(t)})
	if err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentProcessesLoseNothing(t *testing.T) {
	const n, m = 4, 8
	r := newRepo(t)
	const ref = "refs/zonectl/releases/web/1.0.0"
	var wg sync.WaitGroup
	errs := make(chan error, n)
	var who []string
	for i := range n {
		w := "p" + strconv.Itoa(i)
		who = append(who, w)
		cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperCommitProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "GITSTORE_HELPER_DIR="+r.Root(), "GITSTORE_HELPER_REF="+ref,
			"GITSTORE_HELPER_WHO="+w, "GITSTORE_HELPER_M="+strconv.Itoa(m))
		wg.Go(func() {
			if out, err := cmd.CombinedOutput(); err != nil {
				errs <- fmt.Errorf("process %s: %v\n%s", w, err, out)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	wantAllCommits(t, r, ref, who, m)
}

func TestResetIndexMakesStatusClean(t *testing.T) {
	r := newRepo(t)
	files := []File{
		{Path: "space.hcl", Data: []byte("space \"dev\" {}\n")},
		{Path: "projects/web/process.hcl", Data: []byte("step \"deploy\" {}\n")},
		{Path: "projects/web/deploy.sh", Data: []byte("#!/bin/sh\n"), Executable: true},
		{Path: "keys/space.asc", Data: armoredPublicKey(t, spaceKey(t))},
	}
	for _, f := range files {
		p := filepath.Join(r.Root(), filepath.FromSlash(f.Path))
		if err := os.MkdirAll(filepath.Dir(p), 0o777); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if f.Executable {
			mode = 0o755
		}
		if err := os.WriteFile(p, f.Data, mode); err != nil {
			t.Fatal(err)
		}
	}
	if out := gitRun(t, r.Root(), "status", "--porcelain"); out == "" {
		t.Fatal("git status is clean before the first commit")
	}
	tree, err := r.WriteTree(files)
	if err != nil {
		t.Fatal(err)
	}
	h, err := r.Commit(t.Context(), CommitOptions{Ref: MainBranch, Tree: tree, Message: "init", Author: author(), Signer: pgpSigner{spaceKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	// A commit on another ref: resetting to it must not move main.
	other := commitOn(t, r, "refs/zonectl/ledger", "ledger")
	if err := r.ResetIndex(other); err != nil {
		t.Fatal(err)
	}
	wantRef(t, r, MainBranch, h)

	if err := r.ResetIndex(h); err != nil {
		t.Fatal(err)
	}
	if out := gitRun(t, r.Root(), "status", "--porcelain"); out != "" {
		t.Errorf("git status --porcelain after ResetIndex:\n%s", out)
	}
	if out := gitRun(t, r.Root(), "diff", "--cached", "--name-only", "HEAD"); out != "" {
		t.Errorf("index differs from HEAD:\n%s", out)
	}
	if got := strings.TrimSpace(gitRun(t, r.Root(), "write-tree")); got != tree.String() {
		t.Errorf("git write-tree = %s, want %s", got, tree)
	}
	// The work tree is untouched, and an edited file shows as modified.
	if err := os.WriteFile(filepath.Join(r.Root(), "space.hcl"), []byte("edited\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := gitRun(t, r.Root(), "status", "--porcelain"); out != " M space.hcl\n" {
		t.Errorf("git status after an edit = %q", out)
	}
	// Resetting while a file differs still records the commit's blob.
	if err := r.ResetIndex(h); err != nil {
		t.Fatal(err)
	}
	if out := gitRun(t, r.Root(), "status", "--porcelain"); out != " M space.hcl\n" {
		t.Errorf("git status after ResetIndex over an edit = %q", out)
	}
}

func TestResetIndexRespectsIndexLock(t *testing.T) {
	r := newRepo(t)
	shortLockWait(t)
	h := commitOn(t, r, MainBranch, "one")
	lock := filepath.Join(r.GitDir(), "index.lock")
	if err := os.WriteFile(lock, nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := r.ResetIndex(h); !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), lock) {
		t.Errorf("ResetIndex with index.lock present = %v", err)
	}
}
