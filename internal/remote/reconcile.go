// Package remote keeps a clone of a Space in step with the Space's remote,
// the central Git repository a team shares: it fetches, reconciles each
// shared ref with what the remote holds, and reports where the clone
// stands. Pushing is the commit point of every transaction (gitstore).
package remote

import (
	"context"
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/receipt"
)

// Env is a clone of a Space whose repository has its remote set.
type Env struct {
	Repo *gitstore.Repo
	// Signer signs the join of a ledger that diverged from the remote's;
	// it is asked for only then.
	Signer func() (gitstore.Signer, error)
	Author object.Signature
}

// Result is what reconciling did and found.
type Result struct {
	Remote string `json:"remote"`
	// Updated lists the refs that took the remote's value; Removed those
	// the remote deleted.
	Updated []string `json:"updated"`
	Removed []string `json:"removed"`
	// Joined is set when the ledger had diverged and a join now holds
	// both histories.
	Joined bool `json:"joined"`
	// Ahead lists refs the clone moved that the remote does not have yet.
	Ahead []string `json:"ahead"`
	// Replayed lists receipts chains whose receipts recorded only here
	// were put after the remote's (see replayReceipts).
	Replayed []string `json:"replayed,omitempty"`
	// Restore lists history the remote lost (deleted) that this clone
	// keeps, and the next command that writes, or sync, pushes back.
	Restore []string `json:"restore,omitempty"`
	// Conflicts lists refs that diverged and cannot be joined.
	Conflicts []Conflict `json:"conflicts"`
	// Settled lists interrupted transactions whose push landed after
	// recovery had undone them here, and whose actions outside Git were
	// carried out now.
	Settled []string `json:"settled,omitempty"`
}

// Conflict is a shared ref whose history here and on the remote diverged,
// where joining them would make the Space say two things at once.
type Conflict struct {
	Ref    string `json:"ref"`
	Local  string `json:"local"`
	Remote string `json:"remote"`
	Detail string `json:"detail"`
}

// CatchUp fetches from the remote and reconciles, then carries out what
// interrupted pushes that landed after all left to do
// (gitstore.Repo.SettleOrphans).
func CatchUp(ctx context.Context, env *Env) (*Result, error) {
	var res *Result
	err := env.Repo.WithFetchLock(ctx, func() error {
		if err := env.Repo.Fetch(ctx); err != nil {
			return err
		}
		var err error
		if res, err = Reconcile(ctx, env); err != nil {
			return err
		}
		res.Settled, err = env.Repo.SettleOrphans()
		return err
	})
	return res, err
}

// Reconcile brings each shared ref of the clone in step with the fetched
// view of the remote, in one transaction that pushes nothing. For each
// ref, with L the clone's value, R the remote's, and S the remote's when
// the clone last synced:
//
//   - the clone takes R where it has not moved the ref since (L is S, or
//     an ancestor of R), including a deletion;
//   - it keeps L where only it moved the ref (R is S, or an ancestor of
//     L): that is pushed by the next command that writes, or by sync;
//   - a ledger that diverged is joined by a signed merge commit;
//   - any other ref that diverged is a conflict, and stays as it is.
//
// The branch main is the user's: it is never moved here.
func Reconcile(ctx context.Context, env *Env) (*Result, error) {
	res := &Result{Remote: env.Repo.RemoteName()}
	err := env.Repo.Transact(ctx, "reconcile with "+res.Remote, func(tx *gitstore.Tx) error {
		*res = Result{Remote: res.Remote}
		tx.NoPush()
		refs, err := env.Repo.RemoteRefs()
		if err != nil {
			return err
		}
		head, err := env.Repo.HeadBranch()
		if err != nil {
			return err
		}
		for _, rr := range refs {
			if err := reconcileRef(tx, env, rr, head, res); err != nil {
				return fmt.Errorf("reconcile %s with %s: %w", rr.Ref, res.Remote, err)
			}
		}
		return nil
	})
	return res, err
}

func reconcileRef(tx *gitstore.Tx, env *Env, rr gitstore.RemoteRef, head string, res *Result) error {
	repo := env.Repo
	if err := setSynced(tx, res.Remote, rr); err != nil {
		return err
	}
	l, r, s := rr.Local, rr.Fetched, rr.Synced
	switch {
	case l == r:
		return nil
	case rr.Ref == gitstore.MainBranch, rr.Ref == head:
		// The user's branch, and a branch checked out here, whose work
		// tree would be left behind: theirs to pull.
		return nil
	case r.IsZero():
		return remoteDeleted(tx, rr, res)
	case l.IsZero():
		if s == r {
			res.Ahead = append(res.Ahead, rr.Ref) // deleted here, not pushed yet
			return nil
		}
		res.Updated = append(res.Updated, rr.Ref)
		return tx.Update(rr.Ref, r, l)
	}
	if ok, err := repo.IsAncestor(l, r); err != nil || ok {
		if err == nil {
			res.Updated = append(res.Updated, rr.Ref)
			err = tx.Update(rr.Ref, r, l)
		}
		return err
	}
	if ok, err := repo.IsAncestor(r, l); err != nil || ok {
		if err == nil {
			res.Ahead = append(res.Ahead, rr.Ref)
		}
		return err
	}
	if rr.Ref == ledger.Ref {
		return join(tx, env, r, res)
	}
	if strings.HasPrefix(rr.Ref, receiptsPrefix) {
		return replayReceipts(tx, env, rr, res)
	}
	res.Conflicts = append(res.Conflicts, Conflict{Ref: rr.Ref, Local: l.String(), Remote: r.String(), Detail: describeConflict(repo, rr)})
	return nil
}

// setSynced records the remote's value as the one last synced.
func setSynced(tx *gitstore.Tx, remote string, rr gitstore.RemoteRef) error {
	synced := gitstore.SyncedRef(remote, rr.Ref)
	switch {
	case rr.Synced == rr.Fetched:
		return nil
	case rr.Fetched.IsZero():
		return tx.Delete(synced, rr.Synced)
	}
	return tx.Update(synced, rr.Fetched, rr.Synced)
}

// remoteDeleted handles a ref the remote does not hold (any more).
func remoteDeleted(tx *gitstore.Tx, rr gitstore.RemoteRef, res *Result) error {
	switch {
	case rr.Synced.IsZero():
		res.Ahead = append(res.Ahead, rr.Ref) // made here, not pushed yet
		return nil
	case rr.Local == rr.Synced && deletable(rr.Ref):
		res.Removed = append(res.Removed, rr.Ref)
		return tx.Delete(rr.Ref, rr.Local)
	case rr.Local == rr.Synced:
		// History is never deleted: a remote that lost it (a push
		// --mirror from a plain clone) gets it back from here.
		res.Restore = append(res.Restore, rr.Ref)
		return nil
	}
	res.Conflicts = append(res.Conflicts, Conflict{Ref: rr.Ref, Local: rr.Local.String(),
		Detail: "the remote deleted it, and this clone has moved it since"})
	return nil
}

const receiptsPrefix = "refs/zonectl/receipts/"

// replayReceipts puts the receipts only this clone recorded (a deployment
// kept here while the remote was busy, or made offline) after the ones
// the remote holds: a receipts chain is one line, numbered, never joined.
func replayReceipts(tx *gitstore.Tx, env *Env, rr gitstore.RemoteRef, res *Result) error {
	signer, err := needSigner(env, res.Remote, "receipts for "+strings.TrimPrefix(rr.Ref, receiptsPrefix))
	if err != nil {
		return err
	}
	local, err := receipt.Since(env.Repo, rr.Local, func(h plumbing.Hash) (bool, error) { return env.Repo.IsAncestor(h, rr.Fetched) })
	if err != nil {
		return err
	}
	if err := tx.Update(rr.Ref, rr.Fetched, rr.Local); err != nil {
		return err
	}
	if err := receipt.Replay(tx, signer, env.Author, local); err != nil {
		return err
	}
	res.Replayed = append(res.Replayed, rr.Ref)
	res.Ahead = append(res.Ahead, rr.Ref)
	return nil
}

// needSigner is the Space's key, for what diverged and must be signed
// again to be joined.
func needSigner(env *Env, remote, what string) (gitstore.Signer, error) {
	if env.Signer == nil {
		return nil, fmt.Errorf("the %s here and on %s diverged, and bringing them together needs the Space's key: run zonectl sync where the key is", what, remote)
	}
	signer, err := env.Signer()
	if err != nil {
		return nil, fmt.Errorf("the %s here and on %s diverged, and bringing them together needs the Space's key: %w", what, remote, err)
	}
	return signer, nil
}

// join merges the remote's ledger into the clone's.
func join(tx *gitstore.Tx, env *Env, theirs plumbing.Hash, res *Result) error {
	signer, err := needSigner(env, res.Remote, "ledger")
	if err != nil {
		return err
	}
	if _, err := ledger.Join(tx, signer, env.Author, res.Remote, theirs); err != nil {
		return err
	}
	res.Joined = true
	res.Ahead = append(res.Ahead, ledger.Ref)
	return nil
}

// deletable reports whether a ref is one the Space deletes, so that a
// deletion on the remote is taken: what peers push for import, consumed by
// it, and the branches that propose bindings. Everything else under
// refs/zonectl/ is history, appended to and never deleted.
func deletable(ref string) bool {
	for _, p := range []string{"refs/zonectl/incoming/", "refs/zonectl/incoming-receipts/", gitstore.ProposalsPrefix} {
		if strings.HasPrefix(ref, p) {
			return true
		}
	}
	return false
}

// describeConflict says what each side holds, for a release in words.
func describeConflict(repo *gitstore.Repo, rr gitstore.RemoteRef) string {
	if strings.HasPrefix(rr.Ref, "refs/zonectl/releases/") {
		return fmt.Sprintf("the release was made twice: here %s; on the remote %s", madeBy(repo, rr.Local), madeBy(repo, rr.Fetched))
	}
	return "this clone and the remote each added commits the other does not have"
}

// madeBy says who made commit h, and when, in words.
func madeBy(repo *gitstore.Repo, h plumbing.Hash) string {
	c, err := repo.Git().CommitObject(h)
	if err != nil {
		return "by an unreadable commit " + h.String()
	}
	return fmt.Sprintf("by %s <%s> at %s (commit %s)", c.Author.Name, c.Author.Email, c.Author.When.UTC().Format("2006-01-02 15:04:05 UTC"), h.String()[:12])
}
