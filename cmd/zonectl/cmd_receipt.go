package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/filekind"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/receipt"
)

func newReceiptCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "receipt",
		Short: "Send deployment receipts back to the Space a release came from",
		Args:  args(cobra.NoArgs),
	}
	cmd.AddCommand(newReceiptExportCommand(g), newReceiptPushCommand(g), newReceiptImportCommand(g))
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
			m, err := receipt.Export(cmd.Context(), s.sp.Repo, signer, s.name, receipt.ExportOptions{Peer: peer.Name, Fingerprint: keys.Fingerprint(list[0]), Out: path, From: g.receiptsFrom(s, peer.Name), Now: time.Now()})
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

func newReceiptPushCommand(g *globals) *cobra.Command {
	var to string
	cmd := &cobra.Command{
		Use:   "push --to SPACE",
		Short: "Send the receipts for SPACE's releases to its url with Git",
		Long: `Write the receipt bundle for SPACE, as receipt export does, and push it with Git
to the url in SPACE's peer block, for SPACE to take with
zonectl receipt import --incoming.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			s, err := g.session()
			if err != nil {
				return err
			}
			cfg, _ := s.sp.Load()
			peer := cfg.Peer(to)
			if peer == nil {
				return usagef(fmt.Errorf("%q is not a peer of this Space", to))
			}
			if peer.URL == "" {
				return usagef(fmt.Errorf("peer %q has no url to push to: add url = \"...\" to its peer block, or use receipt export --out", peer.Name))
			}
			list, err := keys.ReadPublic("public_key of peer "+peer.Name, []byte(peer.PublicKey))
			if err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			m, err := receipt.Push(cmd.Context(), s.sp.Repo, signer, s.name, peer.URL, receipt.ExportOptions{Peer: peer.Name, Fingerprint: keys.Fingerprint(list[0]), From: g.receiptsFrom(s, peer.Name), Now: time.Now(), Author: s.who()})
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(map[string]any{"pushed_to": peer.URL, "manifest": m})
			}
			g.out.printf("Pushed %d receipt(s) for %s to %s\n", m.Last, peer.Name, peer.URL)
			return nil
		},
	}
	cmd.Flags().StringVar(&to, "to", "", "the peer `SPACE` the receipts are for")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("to", completeSpaces(g))
	return cmd
}

func newReceiptImportCommand(g *globals) *cobra.Command {
	var incoming bool
	cmd := &cobra.Command{
		Use:   "import FILE | import --incoming",
		Short: "Verify a peer's receipts and merge them into the ledger",
		Long: `Verify a receipt bundle from a peer this Space accepts receipts from, and merge
the receipts new here into the ledger with a merge commit signed by this Space.
Refused, exit 3 with no ref written, when the bundle is not signed by that
peer, is for another Space, does not hash as pinned, or its chain has an
unsigned commit, a gap, a reorder, a rewrite of what was merged before, a
receipt for a release this Space never promoted to the peer, or package
hashes other than those sent. The same bundle again is a no-op.
--incoming takes, the same way, the receipt bundles connected peers pushed.`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			if incoming == (len(a) == 1) {
				return usagef(fmt.Errorf("give a receipt bundle FILE, or --incoming for bundles pushed by connected peers"))
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
			env := &receipt.ImportEnv{Repo: s.sp.Repo, Signer: signer, Author: s.who(), Now: time.Now(), Config: cfg, Fingerprint: signer.Fingerprint()}
			if incoming {
				results, err := receipt.ImportIncoming(cmd.Context(), env)
				if err != nil {
					return err
				}
				refused := 0
				for _, r := range results {
					switch {
					case r.Err != nil:
						refused++
						g.out.printf("%s: refused: %s\n", r.Ref, r.Err)
					case r.Result.Again:
						g.out.printf("%s: nothing new from %s\n", r.Ref, r.Result.Peer)
					default:
						g.out.printf("%s: merged %d receipt(s) from %s\n", r.Ref, len(r.Result.New), r.Result.Peer)
					}
				}
				if len(results) == 0 {
					g.out.printf("No pushed receipts are waiting.\n")
				}
				if refused > 0 {
					return &failure{summary: "receipts refused", verification: true}
				}
				return nil
			}
			path, err := g.resolve(a[0])
			if err != nil {
				return err
			}
			if err := wrongKind(path, filekind.Receipts, "a receipts file"); err != nil {
				return err
			}
			res, err := receipt.Import(cmd.Context(), env, path)
			if err != nil {
				return err
			}
			if g.out.json() {
				return g.out.printJSON(map[string]any{"peer": res.Peer, "new": res.New, "already_imported": res.Again, "older": res.Older})
			}
			if res.Older {
				g.out.printf("Nothing new from %s: this file is older than the receipts merged already; all it holds was merged before.\n", res.Peer)
				return nil
			}
			if res.Again {
				g.out.printf("Nothing new from %s: these receipts are merged already.\n", res.Peer)
				return nil
			}
			g.out.printf("Merged %d receipt(s) from %s:\n", len(res.New), res.Peer)
			for _, e := range res.New {
				if e.Environment == "" {
					g.out.printf("  %d. %s %s %s (%s)\n", e.Position, vis(e.Project), vis(e.Version), vis(strings.ToLower(e.State)), e.Finished.Format(time.RFC3339))
					continue
				}
				g.out.printf("  %d. %s %s to %s%s: %s (%s)\n", e.Position, vis(e.Project), vis(e.Version), vis(e.Environment), vis(tenantSuffix(e.Tenant)), vis(e.State), e.Finished.Format(time.RFC3339))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&incoming, "incoming", false, "import the receipt bundles connected peers pushed")
	return cmd
}

// receiptsFrom is the ref whose receipts chain leaves for peer: in a Space
// with a remote, the chain as the remote holds it (receipts recorded only
// in this clone may yet be replayed after others', and must not leave
// first); else the clone's own.
func (g *globals) receiptsFrom(s *session, peer string) string {
	remote, _ := g.configuredRemote(s.sp)
	if remote == "" {
		return ""
	}
	return gitstore.SyncedRef(remote, receipt.Ref(peer))
}
