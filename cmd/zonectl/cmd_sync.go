package main

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/remote"
)

// syncReport is what zonectl sync did.
type syncReport struct {
	*remote.Result
	Pushed []string `json:"pushed"`
}

func newSyncCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "sync",
		Short: "Fetch from the Space's remote, reconcile, and push what this clone has that the remote lacks",
		Long: `Bring this clone and the Space's remote (space "x" { remote = "origin" }, or
--remote) in step: fetch refs/zonectl/* and main, take what others pushed,
join a ledger that diverged with a signed merge commit, and push what this
clone recorded offline. Every command that writes already pushes as it
commits; sync is for a clone that worked with --offline, or to check.

A ref that diverged and cannot be joined (a release version made in two
clones with different content) is reported and left as it is; sync then
exits 1. main is never moved: it is yours to pull.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if g.offline {
				return usagef(errors.New("sync talks to the remote: drop --offline"))
			}
			sp, err := g.openSpace()
			if err != nil {
				return err
			}
			ok, err := g.connect(sp)
			if err != nil {
				return err
			}
			if !ok {
				return withHint(errors.New("the Space has no remote to sync with"), `name one in space.hcl (space "x" { remote = "origin" }), or pass --remote NAME`)
			}
			res, err := remote.CatchUp(cmd.Context(), g.remoteEnv(sp))
			if err != nil {
				return err
			}
			rep := syncReport{Result: res}
			if rep.Pushed, err = remote.Push(cmd.Context(), sp.Repo); err != nil {
				return err
			}
			if g.out.json() {
				if err := g.out.printJSON(rep); err != nil {
					return err
				}
			} else {
				g.printSync(rep)
			}
			if len(res.Conflicts) > 0 {
				return &failure{summary: fmt.Sprintf("%s diverged from %s and cannot be joined; see above", plural(len(res.Conflicts), "ref"), res.Remote)}
			}
			return nil
		},
	}
}

func (g *globals) printSync(rep syncReport) {
	r := rep.Result
	if len(r.Updated)+len(r.Removed) > 0 {
		g.out.printf("Took from %s: %s\n", r.Remote, strings.Join(append(append([]string{}, r.Updated...), r.Removed...), ", "))
	}
	if r.Joined {
		g.out.printf("Joined the ledger's history on %s with this clone's (a signed merge commit)\n", r.Remote)
	}
	for _, ref := range r.Replayed {
		g.out.printf("Replayed this clone's unpushed receipts on %s after %s's\n", ref, r.Remote)
	}
	if len(rep.Pushed) > 0 {
		g.out.printf("Pushed to %s: %s\n", r.Remote, strings.Join(rep.Pushed, ", "))
	}
	for _, c := range r.Conflicts {
		g.out.printf("Diverged: %s: %s\n", c.Ref, c.Detail)
	}
	if len(r.Updated)+len(r.Removed)+len(rep.Pushed)+len(r.Conflicts) == 0 && !r.Joined {
		g.out.printf("In step with %s: nothing to take or push\n", r.Remote)
	}
}
