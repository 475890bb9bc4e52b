package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/inbox"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/snapshot"
)

func newReviewCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "review PROJECT VERSION",
		Short: "Show what an imported release changes, and what it still needs",
		Long: `Compare a release waiting in the inbox with the last release of its project
accepted here (the same version for a re-promotion, else the highest), step by
step, variable by variable, with non-printing and look-alike characters made
visible; then list the template values this Space must still supply for the
environments and tenants of its lifecycle before it can accept.`,
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeInbox(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			sp, err := g.openShared()
			if err != nil {
				return err
			}
			// With the private key, secrets are compared by what they hold;
			// without it, every re-encrypted secret shows as changed.
			var decrypt func(string) (string, error)
			if priv, err := sp.PrivateKey(); err == nil {
				decrypt = func(c string) (string, error) {
					b, err := keys.Decrypt(c, priv)
					return string(b), err
				}
			} else if !g.out.json() {
				g.out.infof("(no private key: sensitive values are compared as encrypted, so each shows as changed)\n")
			}
			r, err := inbox.ReviewRelease(sp.Repo, a[0], a[1], decrypt)
			if err != nil {
				return g.releaseError(err)
			}
			e := r.Entry
			if g.out.json() {
				out := map[string]any{
					"project": e.Release.Project, "version": e.Release.Version, "source": e.Source,
					"commit": e.Commit.String(), "lifecycle": r.Lifecycle, "diff": r.Diff, "missing": r.Missing,
					"environments": r.Environments,
				}
				if e.Release.Promoted != nil {
					out["revision"] = e.Release.Promoted.Revision
				}
				if r.Previous != nil {
					out["compared_with"] = r.Previous.Release.Version
				}
				return g.out.printJSON(out)
			}
			v := snapshot.Visible
			rev := 0
			if e.Release.Promoted != nil {
				rev = e.Release.Promoted.Revision
			}
			g.out.printf("%s %s from %s (revision %d, commit %s)\n", v(e.Release.Project), v(e.Release.Version), v(e.Source), rev, e.Commit.String()[:12])
			if r.Previous == nil {
				g.out.printf("The first release of %s here: everything is new.\n\n", v(e.Release.Project))
			} else {
				g.out.printf("Compared with %s, accepted here.\n\n", v(r.Previous.Release.Version))
			}
			if r.Diff.Empty() {
				g.out.printf("No differences.\n")
			} else if err := r.Diff.Text(g.out.stdout); err != nil {
				return err
			}
			switch {
			case len(r.Environments) == 0 && len(e.Variables.Templates) > 0:
				g.out.printf("\nNo template value was checked: %s no environments in this Space yet. Declare them (environments.hcl) and review again before accepting.\n", noEnvironmentsWho(r.Lifecycle))
				return nil
			case len(r.Missing) == 0:
				g.out.printf("\nEvery template value this Space needs is given (for %s).\n", strings.Join(r.Environments, ", "))
				return nil
			}
			g.out.printf("\nTemplate values still missing%s:\n", lifecycleWords(r.Lifecycle))
			for _, m := range r.Missing {
				kind := ""
				if m.Sensitive {
					kind = " (sensitive)"
				}
				g.out.printf("  %s%s", v(m.String()), kind)
				if m.Help != "" {
					g.out.printf("  %s", v(m.Help))
				}
				g.out.printf("\n")
			}
			g.out.infof("Give them on accept: zonectl accept %s %s --set '%s=VALUE' (or --values FILE, or answer the prompts)\n", e.Release.Project, e.Release.Version, r.Missing[0])
			return nil
		},
	}
}

func lifecycleWords(lc string) string {
	if lc == "" {
		return " (for every environment of this Space, until accept chooses a lifecycle)"
	}
	return fmt.Sprintf(" (lifecycle %s)", lc)
}

// noEnvironmentsWho says what has no environments: the chosen lifecycle
// or, before one is chosen, the Space.
func noEnvironmentsWho(lc string) string {
	if lc == "" {
		return "there are"
	}
	return fmt.Sprintf("lifecycle %s names", lc)
}
