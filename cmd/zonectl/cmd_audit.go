package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/audit"
	"github.com/zonectl/zonectl/internal/snapshot"
)

func newAuditCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "audit",
		Short: "Re-verify every signature and hash in the Space's history and report",
		Long: `Re-verify every signature on the commits zonectl wrote (releases,
promotions, inbox, receipts, the ledger and the history merged into it,
zonectl's commits on main), every package in the store and every package a
release or deployment pins, and every deployment log; then list each
release that reached an environment: who deployed it, who approved it,
with which packages, and from which signed promotion if it was imported.

Exits 3 when any check fails. --output json gives the whole report.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.readSession()
			if err != nil {
				return err
			}
			cfg, diags := s.sp.Load()
			if cfg.Space == nil {
				return fmt.Errorf("cannot read the Space: %s", diags.Error())
			}
			pub, _, err := s.sp.PublicKey()
			if err != nil {
				return err
			}
			srcs, err := s.sources()
			if err != nil {
				return err
			}
			rep, err := audit.RunWith(cmd.Context(), s.sp.Repo, cfg, pub, s.store, audit.Options{Fetch: srcs.Ensure})
			if err != nil {
				return err
			}
			if g.out.json() {
				if err := g.out.printJSON(rep); err != nil {
					return err
				}
			} else {
				g.printAudit(rep)
			}
			if !rep.OK() {
				return &failure{summary: fmt.Sprintf("audit found %d failure(s)", rep.Summary.Failures), verification: true}
			}
			return nil
		},
	}
}

// printAudit writes the summary, then what failed, then the deployments.
// Strings from the history go through snapshot.Visible.
func (g *globals) printAudit(rep *audit.Report) {
	o := g.out
	v := snapshot.Visible
	sum := rep.Summary
	o.printf("%d signatures verified, %d hashes checked, %d failures\n", sum.Signatures, sum.Hashes, sum.Failures)
	if sum.Unsigned > 0 {
		o.printf("%d commit(s) on main unsigned (edited by people)\n", sum.Unsigned)
	}
	if fails := rep.Failures(); len(fails) > 0 {
		o.printf("\n%s\n", o.paint(o.stdout, styleRed, "Failures"))
		for _, c := range fails {
			where := c.Ref
			if c.Commit != "" {
				where += " " + c.Commit
			}
			if where = strings.TrimSpace(where); where != "" {
				where = " " + where
			}
			o.printf("  FAIL %s%s: %s\n", c.What, where, v(c.Detail))
		}
	}
	o.printf("\nDeployments\n")
	if len(rep.Deployments) == 0 {
		o.printf("  none\n")
		return
	}
	for _, d := range rep.Deployments {
		to := v(d.Environment)
		if d.Tenant != "" {
			to += " for " + v(d.Tenant)
		}
		o.printf("  %s %s to %s  %s  by %s at %s\n", v(d.Project), v(d.Version), to, d.ID, v(d.Who), d.When.UTC().Format("2006-01-02 15:04:05Z"))
		if len(d.Approved) > 0 {
			o.printf("    approved   %s by %s\n", v(strings.Join(d.Approved, ", ")), v(d.Who))
		}
		o.printf("    release    %s (ledger %s)\n", d.Release, d.LedgerEvent)
		for _, p := range d.Packages {
			o.printf("    package    %s %s  sha256 %s\n", v(p.ID), v(p.Version), p.SHA256)
		}
		if im := d.Imported; im != nil {
			o.printf("    imported   from %s, key %s, promotion commit %s, revision %d, sequence %d\n", v(im.Space), im.Fingerprint, im.PromotionCommit, im.Revision, im.Sequence)
		}
	}
}
