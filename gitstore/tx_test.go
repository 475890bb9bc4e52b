package gitstore

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// lockFilesUnder lists every *.lock file under dir.
func lockFilesUnder(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".lock") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// txCommits writes one commit on each ref in one transaction and stops it
// where stop says: "commit" commits it, "prepare" stops right after its
// lock files are taken (a crash before the commit point), "journal" right
// after the committed journal is written (a crash after it).
func txCommits(t *testing.T, r *Repo, stop string, refs ...string) map[string]plumbing.Hash {
	t.Helper()
	tx, err := r.Begin(t.Context(), "test transaction")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]plumbing.Hash{}
	for _, ref := range refs {
		h, err := tx.WriteCommit(CommitOptions{Ref: ref, Tree: writeTestTree(t, r, "f.txt", ref), Message: "on " + ref, Author: author(), Signer: pgpSigner{spaceKey(t)}})
		if err != nil {
			t.Fatal(err)
		}
		out[ref] = h
	}
	switch stop {
	case "commit":
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		return out
	case "prepare", "journal":
		tx.j.Updates = tx.updates()
		tx.j.PackedRefs = tx.j.deletes()
		if err := tx.prepare(); err != nil {
			t.Fatal(err)
		}
		if stop == "journal" {
			tx.j.State = stateCommitted
			if err := tx.r.writeJournal(&tx.j); err != nil {
				t.Fatal(err)
			}
		}
		// The process dies here: its flock goes with it, its files stay.
		tx.done = true
		tx.unlock()
		tx.unlock = nil
		return out
	}
	t.Fatalf("unknown stop %q", stop)
	return nil
}

func TestTxPublishesEveryRefAtOnce(t *testing.T) {
	r := newRepo(t)
	before := commitOn(t, r, "refs/zonectl/ledger", "first")
	got := txCommits(t, r, "commit", "refs/zonectl/ledger", "refs/zonectl/releases/web/1.0.0")
	wantRef(t, r, "refs/zonectl/ledger", got["refs/zonectl/ledger"])
	wantRef(t, r, "refs/zonectl/releases/web/1.0.0", got["refs/zonectl/releases/web/1.0.0"])
	if p := gitRun(t, r.Root(), "rev-parse", "refs/zonectl/ledger^"); strings.TrimSpace(p) != before.String() {
		t.Errorf("the ledger commit's parent is %s, want the tip it was written on, %s", p, before)
	}
	if locks := lockFilesUnder(t, r.GitDir()); len(locks) != 0 {
		t.Errorf("lock files left: %v", locks)
	}
	if _, err := os.Stat(r.journalPath()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("journal left: %v", err)
	}
	gitRun(t, r.Root(), "fsck", "--strict")
}

func TestTxRollbackPublishesNothing(t *testing.T) {
	r := newRepo(t)
	tx, err := r.Begin(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.WriteCommit(CommitOptions{Ref: "refs/zonectl/ledger", Tree: writeTestTree(t, r, "f", "x"), Message: "m", Author: author(), Signer: pgpSigner{spaceKey(t)}}); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := r.Ref("refs/zonectl/ledger"); ok {
		t.Error("a rolled-back transaction moved the ledger")
	}
	if err := tx.Commit(); !errors.Is(err, ErrTxDone) {
		t.Errorf("Commit after Rollback = %v, want ErrTxDone", err)
	}
}

func TestRecoverFinishesACommittedTransaction(t *testing.T) {
	r := newRepo(t)
	old := commitOn(t, r, "refs/zonectl/ledger", "first")
	got := txCommits(t, r, "journal", "refs/zonectl/ledger", "refs/zonectl/receipts/devtest")
	// Until recovery the refs are as before, with the lock files taken.
	wantRef(t, r, "refs/zonectl/ledger", old)
	if len(lockFilesUnder(t, r.GitDir())) != 2 {
		t.Fatalf("lock files after the simulated crash: %v", lockFilesUnder(t, r.GitDir()))
	}
	if pending, err := r.Pending(); err != nil || !strings.Contains(pending, "test transaction") {
		t.Errorf("Pending = %q, %v", pending, err)
	}
	rec, err := r.Recover(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rec == nil || !rec.Finished || rec.Refs != 2 || !strings.Contains(rec.String(), "finished an interrupted transaction (test transaction)") {
		t.Fatalf("Recover = %+v", rec)
	}
	for ref, h := range got {
		wantRef(t, r, ref, h)
	}
	if locks := lockFilesUnder(t, r.GitDir()); len(locks) != 0 {
		t.Errorf("lock files left: %v", locks)
	}
	gitRun(t, r.Root(), "fsck", "--strict")
	if rec, err := r.Recover(t.Context()); rec != nil || err != nil {
		t.Errorf("a second Recover = %v, %v; want nothing to do", rec, err)
	}
}

func TestRecoverUndoesAPreparedTransactionAndSparesOthersLocks(t *testing.T) {
	r := newRepo(t)
	old := commitOn(t, r, "refs/zonectl/ledger", "first")
	txCommits(t, r, "prepare", "refs/zonectl/ledger", "refs/zonectl/releases/web/1.0.0")
	// A git process took the release ref's lock after the crash: its
	// content is not the transaction's, so recovery must leave it.
	foreign := r.refPath("refs/zonectl/releases/web/1.0.0") + ".lock"
	if err := os.WriteFile(foreign, []byte("held by git\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	rec, err := r.Recover(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if rec == nil || rec.Finished || !strings.Contains(rec.String(), "undid") {
		t.Fatalf("Recover = %+v", rec)
	}
	wantRef(t, r, "refs/zonectl/ledger", old)
	if _, ok, _ := r.Ref("refs/zonectl/releases/web/1.0.0"); ok {
		t.Error("an undone transaction created a ref")
	}
	if locks := lockFilesUnder(t, r.GitDir()); len(locks) != 1 || locks[0] != foreign {
		t.Errorf("lock files after recovery = %v, want only %s", locks, foreign)
	}
}

func TestTxWaitsForGitsLockFile(t *testing.T) {
	r := newRepo(t)
	lock := r.refPath("refs/zonectl/ledger") + ".lock"
	os.MkdirAll(filepath.Dir(lock), 0o777)
	if err := os.WriteFile(lock, []byte("git pack-refs\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		os.Remove(lock)
	}()
	got := txCommits(t, r, "commit", "refs/zonectl/ledger")
	wantRef(t, r, "refs/zonectl/ledger", got["refs/zonectl/ledger"])
}

func TestTxRefusesARefGitMovedMeanwhile(t *testing.T) {
	r := newRepo(t)
	first := commitOn(t, r, "refs/zonectl/ledger", "first")
	other := commitOn(t, r, "refs/zonectl/other", "other")
	tx, err := r.Begin(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.WriteCommit(CommitOptions{Ref: "refs/zonectl/ledger", Tree: writeTestTree(t, r, "f", "x"), Message: "m", Author: author(), Signer: pgpSigner{spaceKey(t)}}); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := gitTry(t, r.Root(), nil, "", "update-ref", "refs/zonectl/ledger", other.String(), first.String()); err != nil {
		t.Fatalf("git update-ref: %v\n%s", err, errOut)
	}
	var conflict *RefConflictError
	if err := tx.Commit(); !errors.As(err, &conflict) || conflict.Actual != other {
		t.Fatalf("Commit after git moved the ref = %v, want a RefConflictError naming %s", err, other)
	}
	wantRef(t, r, "refs/zonectl/ledger", other)
	if locks := lockFilesUnder(t, r.GitDir()); len(locks) != 0 {
		t.Errorf("lock files left: %v", locks)
	}
}

func TestTxMovesTheCheckedOutBranchWithItsWorkTree(t *testing.T) {
	r := newRepo(t)
	first := commitOn(t, r, MainBranch, "one")
	if err := r.ResetIndex(first); err != nil {
		t.Fatal(err)
	}
	gitRun(t, r.Root(), "checkout", "-q", "--", ".")
	tx, err := r.Begin(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	branch, err := tx.LockWorkTree()
	if err != nil || branch != MainBranch {
		t.Fatalf("LockWorkTree = %q, %v", branch, err)
	}
	// git commit cannot start while the transaction holds the index.
	if _, errOut, err := gitTry(t, r.Root(), nil, "", "commit", "-q", "--allow-empty", "-m", "meanwhile"); err == nil || !strings.Contains(errOut, "index.lock") {
		t.Errorf("git commit while the index is locked: %v\n%s", err, errOut)
	}
	base, _, _ := tx.Ref(MainBranch)
	c, _ := r.Git().CommitObject(base)
	tree, err := r.UpdateTree(c.TreeHash, []File{{Path: "imports/devtest/web.hcl", Data: []byte("import \"web\" {}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	h, err := tx.WriteCommit(CommitOptions{Ref: MainBranch, Tree: tree, Message: "bind", Author: author(), Signer: pgpSigner{spaceKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	wantRef(t, r, MainBranch, h)
	if data, err := os.ReadFile(filepath.Join(r.Root(), "imports/devtest/web.hcl")); err != nil || string(data) != "import \"web\" {}\n" {
		t.Errorf("work tree file = %q, %v", data, err)
	}
	if st := gitRun(t, r.Root(), "status", "--porcelain"); st != "" {
		t.Errorf("git status after the transaction:\n%s", st)
	}
}

func TestTxReleasesTheIndexWhenTheCheckedOutBranchStays(t *testing.T) {
	r := newRepo(t)
	commitOn(t, r, MainBranch, "one")
	gitRun(t, r.Root(), "checkout", "-q", "-b", "other")
	tx, err := r.Begin(t.Context(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if branch, err := tx.LockWorkTree(); err != nil || branch != "refs/heads/other" {
		t.Fatalf("LockWorkTree = %q, %v", branch, err)
	}
	h, err := tx.WriteCommit(CommitOptions{Ref: MainBranch, Tree: writeTestTree(t, r, "f", "x"), Message: "m", Author: author(), Signer: pgpSigner{spaceKey(t)}})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	wantRef(t, r, MainBranch, h)
	if locks := lockFilesUnder(t, r.GitDir()); len(locks) != 0 {
		t.Errorf("lock files left: %v", locks)
	}
}

func TestRecoverLeavesARunningTransactionAlone(t *testing.T) {
	r := newRepo(t)
	commitOn(t, r, MainBranch, "one")
	tx, err := r.Begin(t.Context(), "running")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.LockWorkTree(); err != nil { // writes a prepared journal
		t.Fatal(err)
	}
	other, err := Open(r.Root())
	if err != nil {
		t.Fatal(err)
	}
	// Were it to wait for the lock, it would fail when ctx ends.
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	rec, err := other.Recover(ctx)
	if rec != nil || err != nil {
		t.Fatalf("Recover beside a running transaction = %v, %v; want nothing done, at once", rec, err)
	}
	if pending, _ := other.Pending(); pending == "" {
		t.Error("the running transaction's journal is gone")
	}
}
