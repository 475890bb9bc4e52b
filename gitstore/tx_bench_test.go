package gitstore

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// BenchmarkTxCommit measures one transaction that moves four refs (what
// accept moves: main aside, a release, the ledger, the receipts), objects
// written beforehand, against the same four updates as one stock
// `git update-ref --stdin` transaction on the same repository. The
// reference is git's own: it takes the same lock files, but writes no
// journal and syncs nothing unless core.fsync says so.
func BenchmarkTxCommit(b *testing.B) {
	r := newRepo(b)
	targets := make([]plumbing.Hash, 2)
	for i := range targets {
		targets[i] = commitOn(b, r, fmt.Sprintf("refs/zonectl/seed/%d", i), fmt.Sprintf("seed %d", i))
	}
	refs := []string{"refs/zonectl/releases/web/1.0.0", "refs/zonectl/ledger", "refs/zonectl/receipts/devtest", "refs/zonectl/inbox/devtest/web/1.0.0"}

	b.Run("zonectl-tx", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			tx, err := r.Begin(b.Context(), "bench")
			if err != nil {
				b.Fatal(err)
			}
			for _, ref := range refs {
				old, _, _ := tx.Ref(ref)
				if err := tx.Update(ref, targets[i%2], old); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			tx.Rollback()
		}
	})
	for _, v := range []struct {
		name string
		args []string
	}{
		{"git-update-ref-stdin", []string{"update-ref", "--stdin"}},
		// Git syncing its refs too, as zonectl always does.
		{"git-update-ref-stdin-fsync", []string{"-c", "core.fsync=reference", "update-ref", "--stdin"}},
	} {
		b.Run(v.name, func(b *testing.B) { benchGitUpdateRef(b, r, v.args, refs, targets) })
	}
}

func benchGitUpdateRef(b *testing.B, r *Repo, args, refs []string, targets []plumbing.Hash) {
	git, err := exec.LookPath("git")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		var in strings.Builder
		in.WriteString("start\n")
		for _, ref := range refs {
			fmt.Fprintf(&in, "update %s %s\n", ref, targets[(i+1)%2])
		}
		in.WriteString("commit\n")
		cmd := exec.Command(git, args...)
		cmd.Dir = r.Root()
		cmd.Stdin = strings.NewReader(in.String())
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("git update-ref: %v\n%s", err, out)
		}
	}
}
