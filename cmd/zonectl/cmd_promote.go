package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/promote"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/zbundle"
)

type promoteOptions struct {
	target  string
	out     string
	push    bool
	expires time.Duration
	full    bool
}

func newPromoteCommand(g *globals) *cobra.Command {
	var opts promoteOptions
	cmd := &cobra.Command{
		Use:   "promote PROJECT VERSION --to SPACE (--out FILE | --push)",
		Short: "Send a release to another Space as a signed bundle",
		Long: `Promote a release to the peer SPACE. Allowed once the release's lifecycle has
reached a phase holding one of SPACE's remote environments. The release is
sliced for SPACE (steps and values for its environments only, sensitive values
re-encrypted to its key), committed on refs/zonectl/promotions/SPACE/PROJECT,
and written to FILE as a .zbundle: an uncompressed tar of manifest.json, its
OpenPGP signature, the Git bundle and the packages, which stock tar, gpg,
sha256sum and git can check. With --push, the bundle goes to the peer's url
(file://, ssh://, http(s)://) with Git, for the peer to import with
zonectl import --incoming.

A bundle builds on what SPACE has: the promotions and packages its receipts
name, once it has sent receipts back, else the previous promotion sent to it
and what that carried. Its Git bundle is thin against those, and those
packages are not sent again. --full makes one that stands alone, for a target that never
imported the earlier ones.`,
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeProjects(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			if opts.out == "" && !opts.push {
				return usagef(errors.New("say where the bundle goes: --out FILE, or --push to the peer's url"))
			}
			s, err := g.session()
			if err != nil {
				return err
			}
			signer, err := s.signer()
			if err != nil {
				return err
			}
			priv, err := s.sp.PrivateKey()
			if err != nil {
				return err
			}
			now := time.Now()
			env := &promote.Env{Repo: s.sp.Repo, Signer: signer, Name: s.name, Key: priv, Author: space.Who(s.sp.Repo.Git(), now), Now: now}
			p, err := promote.Prepare(env, promote.Options{Project: a[0], Version: a[1], Target: opts.target})
			if err != nil {
				var refused *promote.RefusedError
				if errors.As(err, &refused) {
					return fmt.Errorf("cannot promote %s %s to %s: %w", a[0], a[1], opts.target, refused.Err)
				}
				return g.releaseError(err)
			}
			var url string
			if opts.push {
				cfg, _ := s.sp.Load()
				if peer := cfg.Peer(p.Target); peer != nil {
					url = peer.URL
				}
				if url == "" {
					return usagef(fmt.Errorf("peer %q has no url to push to: add url = \"...\" to its peer block, or carry a bundle written with --out", p.Target))
				}
			}
			out := opts.out
			if out == "" {
				if err := os.MkdirAll(s.store.Dir(), 0o755); err != nil {
					return err
				}
				tmp, err := os.MkdirTemp(s.store.Dir(), ".push-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(tmp)
				out = filepath.Join(tmp, "release.zbundle")
			} else if out, err = g.resolve(out); err != nil {
				return err
			}
			if err := p.Record(cmd.Context(), env, ""); err != nil {
				return err
			}
			prog := newProgress(g.out, "writing "+filepath.Base(out), 0)
			m, err := promote.Build(cmd.Context(), env, p, s.store, promote.BuildOptions{
				Out: out, Lifetime: opts.expires, Full: opts.full,
				Progress: func(done, total int64) { prog.SetTotal(total); prog.Set(done) },
			})
			prog.Done()
			if err != nil {
				return fmt.Errorf("promotion %d of %s %s to %s is recorded, but the bundle could not be written: %w", p.Sequence, a[0], a[1], p.Target, err)
			}
			if opts.push {
				if err := promote.Push(cmd.Context(), env, p, out, url); err != nil {
					return fmt.Errorf("the bundle of promotion %d is written but the push failed (promote again, or carry it with --out): %w", p.Sequence, err)
				}
			}
			if g.out.json() {
				return g.out.printJSON(map[string]any{"bundle": opts.out, "pushed_to": url, "manifest": m, "promotion_commit": p.Commit.String()})
			}
			g.out.printf("Promoted %s %s to %s (revision %d, sequence %d)\n", m.Project, m.Version, m.Target.Space, m.Revision, m.Sequence)
			if opts.out != "" {
				g.out.printf("  bundle     %s\n", out)
			}
			if opts.push {
				g.out.printf("  pushed to  %s (the peer imports it with: zonectl import --incoming)\n", url)
			}
			g.out.printf("  snapshot   %s on %s\n", p.Commit.String()[:12], p.Ref)
			g.out.printf("  for        %s (key %s)\n", joinNames(p.TargetEnvironments), m.Target.Fingerprint)
			for _, pk := range m.Packages {
				carried := "sent"
				switch {
				case pk.Data.Kind == zbundle.DataNone:
					carried = "sent before, not included"
				case pk.Data.Kind == zbundle.DataContentDelta:
					carried = fmt.Sprintf("sent as a %s content delta against %s (rebuilt with %s)", humanBytes(pk.Data.DeltaSize), pk.Data.Basis.Version, pk.Data.Rebuild.Describe())
				case pk.Data.Kind == zbundle.DataZstd:
					carried = fmt.Sprintf("sent compressed with zstd, %s", humanBytes(pk.Data.CompressedSize))
				case pk.Data.Basis != nil:
					carried = fmt.Sprintf("sent as a %s delta against %s", humanBytes(pk.Data.DeltaSize), pk.Data.Basis.Version)
				}
				g.out.printf("  package    %s %s  sha256 %s  %s, %s\n", pk.ID, pk.Version, pk.SHA256[:12], humanBytes(pk.Size), carried)
			}
			if len(m.Git.Prerequisites) > 0 {
				g.out.printf("  builds on  %s (what %s has, by its receipts or by what was sent before)\n", m.Git.Prerequisites[0][:12], m.Target.Space)
			}
			g.out.printf("  expires    %s\n", m.Expires.Format(time.RFC3339))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.target, "to", "", "the peer `SPACE` to promote to")
	f.StringVar(&opts.out, "out", "", "write the bundle to `FILE`")
	f.BoolVar(&opts.push, "push", false, "push the bundle to the peer's url")
	f.DurationVar(&opts.expires, "expires", 0, "how long the bundle may be imported (default 720h, 30 days)")
	f.BoolVar(&opts.full, "full", false, "send everything, even what earlier bundles to SPACE carried")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("to", completeSpaces(g))
	return cmd
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
