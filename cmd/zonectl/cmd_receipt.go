package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/receipt"
)

func newReceiptCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "receipt",
		Short: "Send deployment receipts back to the Space a release came from",
		Args:  args(cobra.NoArgs),
	}
	cmd.AddCommand(newReceiptExportCommand(g), newReceiptImportCommand(g))
	return cmd
}

func newReceiptExportCommand(g *globals) *cobra.Command {
	var to, out string
	cmd := &cobra.Command{
		Use:   "export --to SPACE --out FILE",
		Short: "Write the receipts for SPACE's releases as a signed bundle",
		Long: `Write the chain of receipts for the releases this Space accepted from SPACE
(refs/zonectl/receipts/SPACE) as a signed receipt bundle: a tar of
manifest.json, its signature and a Git bundle of the chain, checkable with the
same stock tools as a release bundle. The chain carries nothing about other
projects or peers, and no logs.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			path, err := g.resolve(out)
			if err != nil {
				return err
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			cfg, _ := s.sp.Load()
			peer := cfg.Peer(to)
			if peer == nil {
				return usagef(fmt.Errorf("%q is not a peer of this Space", to))
			}
			list, err := keys.ReadPublic("public_key of peer "+peer.Name, []byte(peer.PublicKey))
			if err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			m, err := receipt.Export(cmd.Context(), s.sp.Repo, signer, s.name, receipt.ExportOptions{Peer: peer.Name, Fingerprint: keys.Fingerprint(list[0]), Out: path, Now: time.Now()})
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(map[string]any{"bundle": path, "manifest": m})
			}
			g.out.printf("Wrote %d receipt(s) for %s to %s\n", m.Last, peer.Name, path)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the peer `SPACE` the receipts are for")
	cmd.Flags().StringVar(&out, "out", "", "write the bundle to `FILE`")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.MarkFlagRequired("out")
	_ = cmd.RegisterFlagCompletionFunc("to", completeSpaces(g))
	return cmd
}

func newReceiptImportCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "import FILE",
		Short: "Verify a peer's receipts and merge them into the ledger",
		Long: `Verify a receipt bundle from a peer this Space accepts receipts from, and merge
the receipts new here into the ledger with a merge commit signed by this Space.
Refused, exit 3 with no ref written, when the bundle is not signed by that
peer, is for another Space, does not hash as pinned, or its chain has an
unsigned commit, a gap, a reorder, a rewrite of what was merged before, a
receipt for a release this Space never promoted to the peer, or package
hashes other than those sent. The same bundle again is a no-op.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			path, err := g.resolve(a[0])
			if err != nil {
				return err
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			cfg, _ := s.sp.Load()
			res, err := receipt.Import(cmd.Context(), &receipt.ImportEnv{
				Repo: s.sp.Repo, Signer: signer, Author: s.who(), Now: time.Now(), Config: cfg, Fingerprint: signer.Fingerprint(),
			}, path)
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(map[string]any{"peer": res.Peer, "new": res.New, "already_imported": res.Again})
			}
			if res.Again {
				g.out.printf("Nothing new from %s: these receipts are merged already.\n", res.Peer)
				return nil
			}
			g.out.printf("Merged %d receipt(s) from %s:\n", len(res.New), res.Peer)
			for _, e := range res.New {
				g.out.printf("  %d. %s %s to %s%s: %s (%s)\n", e.Position, e.Project, e.Version, e.Environment, tenantSuffix(e.Tenant), e.State, e.Finished.Format(time.RFC3339))
			}
			return nil
		},
	}
}
