package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/remote"
	"github.com/zonectl/zonectl/internal/space"
)

// The Space's remote, for a Space shared by a team (docs/team.md): the
// remote a clone fetches from before it reads and pushes to at each
// transaction's commit point. --remote, then ZONECTL_REMOTE, then the
// space block's remote name it; --offline (or ZONECTL_OFFLINE=1) works on
// the clone alone, and zonectl sync pushes what that left later.

// remoteName says which remote the Space uses, "" for none.
func (g *globals) remoteName(sp *space.Space) (string, error) {
	if g.isOffline() {
		return "", nil
	}
	return g.configuredRemote(sp)
}

func (g *globals) isOffline() bool { return g.offline || os.Getenv("ZONECTL_OFFLINE") == "1" }

// configuredRemote is the Space's remote, offline or not.
func (g *globals) configuredRemote(sp *space.Space) (string, error) {
	if g.remote != "" {
		return g.remote, nil
	}
	if r := os.Getenv("ZONECTL_REMOTE"); r != "" {
		return r, nil
	}
	b, err := sp.Block()
	if err != nil {
		return "", nil // the command reports the broken configuration itself
	}
	return b.Remote, nil
}

// connect sets the Space's remote, if it has one, and what catches the
// clone up when a push finds the remote moved.
func (g *globals) connect(sp *space.Space) (bool, error) {
	name, err := g.remoteName(sp)
	if err != nil || name == "" {
		return false, err
	}
	if err := sp.Repo.SetRemote(name); err != nil {
		var none *gitstore.NoRemoteError
		if errors.As(err, &none) {
			return false, withHint(err, fmt.Sprintf("add it with `git remote add %s URL`, name another with --remote, or pass --offline to work on this clone alone", name))
		}
		return false, err
	}
	env := g.remoteEnv(sp)
	sp.Repo.OnRemoteMoved(func(ctx context.Context) error {
		res, err := remote.CatchUp(ctx, env)
		if err == nil {
			g.reportCatchUp(res)
		}
		return err
	})
	return true, nil
}

func (g *globals) remoteEnv(sp *space.Space) *remote.Env {
	return &remote.Env{
		Repo:   sp.Repo,
		Signer: func() (gitstore.Signer, error) { return sp.Signer() },
		Author: space.Who(sp.Repo.Git(), time.Now()),
	}
}

// catchUp fetches from the Space's remote and reconciles the clone with
// it, before a command reads the Space. A command that only reads goes on
// with what the clone has when the remote cannot be reached (lenient); one
// that writes stops, since its push would fail after the work.
func (g *globals) catchUp(sp *space.Space, lenient bool) error {
	ok, err := g.connect(sp)
	if err != nil || !ok {
		return err
	}
	if g.out.progressOn() {
		g.out.statusLine("fetching from " + sp.Repo.RemoteName() + " …")
		defer g.out.clearStatusLine()
	}
	res, err := remote.CatchUp(g.context(), g.remoteEnv(sp))
	if err != nil {
		if lenient {
			g.out.infof("zonectl: warning: %v; showing this clone's state (pass --offline to skip fetching)\n", err)
			return nil
		}
		return withHint(err, "check the remote with `git fetch "+sp.Repo.RemoteName()+"`, or pass --offline to work on this clone alone and run zonectl sync later")
	}
	g.reportCatchUp(res)
	return nil
}

// reportCatchUp tells the user what reconciling did that they should
// know: a join of the ledger, and conflicts.
func (g *globals) reportCatchUp(res *remote.Result) {
	if g.out.progressOn() {
		g.out.clearStatusLine()
	}
	if res.Joined {
		g.out.infof("zonectl: note: the ledger here and on %s had diverged; joined them with a signed merge commit\n", res.Remote)
	}
	for _, ref := range res.Replayed {
		g.out.infof("zonectl: note: %s here and on %s had each gained receipts; this clone's unpushed ones now follow %s's, renumbered\n", ref, res.Remote, res.Remote)
	}
	for _, ref := range res.Restore {
		g.out.infof("zonectl: warning: %s no longer has %s; this clone keeps it (history is never deleted), and the next command that writes, or zonectl sync, pushes it back\n", res.Remote, ref)
	}
	for _, what := range res.Settled {
		g.out.infof("zonectl: note: an interrupted transaction (%s) that was undone here reached %s after all; finished what it does outside Git\n", what, res.Remote)
	}
	for _, c := range res.Conflicts {
		g.out.infof("zonectl: warning: %s diverged from %s: %s; see zonectl status\n", c.Ref, res.Remote, c.Detail)
	}
}

// openShared opens the Space for a command that only reads it, caught up
// with its remote when it has one.
func (g *globals) openShared() (*space.Space, error) {
	sp, err := g.openSpace()
	if err != nil {
		return nil, err
	}
	return sp, g.catchUp(sp, true)
}

// redactURL hides the password or token a remote URL may carry
// (https://user:token@host/...), for printing.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
		return strings.Replace(u.String(), "xxxxx", "***", 1)
	}
	return raw
}

// remoteHint is the advice for an error from the Space's remote.
func remoteHint(err error) string {
	var (
		refused    *gitstore.PushRefusedError
		rejected   *gitstore.PushRejectedError
		diverged   *gitstore.DivergedError
		unresolved *gitstore.UnresolvedPushError
		ahead      *gitstore.MainAheadError
	)
	switch {
	case errors.As(err, &refused) && refused.Ref == gitstore.MainBranch:
		return "nothing was recorded. Where main is protected, propose the change instead: zonectl accept --propose"
	case errors.As(err, &refused):
		return fmt.Sprintf("nothing was recorded. Check that this clone may push to %s (a CI job's token needs write access to the repository), or pass --offline and push later with zonectl sync", refused.Remote)
	case errors.As(err, &rejected):
		return "nothing was recorded: others kept pushing. Run zonectl sync, then the command again"
	case errors.As(err, &ahead):
		return fmt.Sprintf("nothing was recorded. Push main's own commits (or open a pull request for them) first, or propose instead: zonectl accept --propose; see git log %s/main..main", ahead.Remote)
	case errors.As(err, &diverged) && diverged.Ref == gitstore.MainBranch:
		return fmt.Sprintf("nothing was recorded. Bring main up to date first: git pull --ff-only %s main", diverged.Remote)
	case errors.As(err, &diverged):
		return "nothing was recorded. Run zonectl sync, which joins a diverged ledger and reports what cannot be joined"
	case errors.As(err, &unresolved):
		return fmt.Sprintf("run any zonectl command once %s can be reached: it asks the remote, then finishes or undoes the interrupted transaction", unresolved.Remote)
	}
	return ""
}
