package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/parts"
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
	split   string
}

func newPromoteCommand(g *globals) *cobra.Command {
	var opts promoteOptions
	cmd := &cobra.Command{
		Use:   "promote PROJECT VERSION --to SPACE (--out FILE [--split SIZE] | --push)",
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

--split SIZE cuts the bundle into parts of SIZE bytes for removable media:
FILE.part001, FILE.part002, ... and FILE.index with its signature
FILE.index.asc, instead of FILE. SIZE is a number of bytes with an optional
unit: K, M, G (or KiB, MiB, GiB) are powers of 1024, KB, MB, GB powers of
1000; at least 1 MiB. The parts end to end are the bundle (cat FILE.part* >
FILE), and zonectl import takes the index and the parts in any order, from
any number of media. For FAT32 media, whose files stop short of 4 GiB, use
4000MB or less.

A bundle builds on what SPACE has: the promotions and packages its receipts
name, once it has sent receipts back, else the previous promotion sent to it
and what that carried. Its Git bundle is thin against those, and those
packages are not sent again. A package SPACE lacks travels as the smallest
of: a binary delta against the newest version of it SPACE has (of the
uncompressed content, for a .tar.gz zonectl can compress back byte for
byte), the package compressed with zstd (when it is not compressed
already), or the package as it is. --full makes a bundle that stands alone,
for a target that never imported the earlier ones.`,
		Args:              args(cobra.ExactArgs(2)),
		ValidArgsFunction: completeProjects(g),
		RunE: func(cmd *cobra.Command, a []string) error {
			split, err := opts.partSize()
			if err != nil {
				return err
			}
			if split >= fat32Limit {
				g.out.infof("note: parts of %s do not fit on FAT32 media, whose largest file is 4 GiB - 1 byte; use --split 4000MB for those\n", humanBytes(split))
			}
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
			// The bundle is built in a scratch directory of the store and
			// moved to --out by the transaction that records the promotion:
			// a crash leaves no bundle there that the Space never recorded.
			work, err := s.store.TempDir("promote")
			if err != nil {
				return err
			}
			defer work.Remove()
			out := filepath.Join(work.Path(), "release.zbundle")
			if opts.out != "" {
				dest, err := g.resolve(opts.out)
				if err != nil {
					return err
				}
				// Refuse a file that is there before anything is built.
				if err := (promote.BuildOptions{Out: dest, Split: split}).Validate(); err != nil {
					return err
				}
				out = filepath.Join(work.Path(), filepath.Base(dest))
			}
			prog := newProgress(g.out, "writing "+filepath.Base(out), 0)
			build := promote.BuildOptions{
				Out: out, Lifetime: opts.expires, Full: opts.full, Split: split,
				Progress: prog.steps(),
			}
			// The promotion is claimed (its commit written, unreachable),
			// its bundle written, read back and sent, and only then
			// recorded: a crash or a failure on the way records nothing.
			if err := p.Claim(cmd.Context(), env); err != nil {
				return err
			}
			m, err := promote.Build(cmd.Context(), env, p, s.store, build)
			prog.Done()
			if err != nil {
				return fmt.Errorf("the bundle could not be written, and nothing was recorded: %w", err)
			}
			sum, err := promote.CheckWritten(out, split > 0, m)
			if err != nil {
				return fmt.Errorf("the bundle as written does not read back, and nothing was recorded: %w", err)
			}
			if opts.push {
				prog := newProgress(g.out, "pushing "+filepath.Base(out), 0)
				err := promote.Push(cmd.Context(), env, p, out, url, prog.steps())
				prog.Done()
				if err != nil {
					return fmt.Errorf("the push failed, and nothing was recorded (promote again, or carry a bundle written with --out): %w", err)
				}
			}
			var moves []promote.Move
			if opts.out != "" {
				dest, _ := g.resolve(opts.out)
				if moves, err = bundleFiles(out, filepath.Dir(dest), split > 0); err != nil {
					return err
				}
				out = dest
			}
			if err := p.Record(cmd.Context(), env, sum, moves...); err != nil {
				return err
			}
			var index *parts.Index
			if split > 0 {
				if index, err = readIndex(parts.IndexName(out)); err != nil {
					return err
				}
			}
			if g.out.json() {
				doc := map[string]any{"bundle": opts.out, "pushed_to": url, "manifest": m, "promotion_commit": p.Commit.String()}
				if index != nil {
					doc["bundle"] = nil
					doc["index"] = parts.IndexName(opts.out)
					doc["parts"] = index.Parts
				}
				return g.out.printJSON(doc)
			}
			g.out.printf("Promoted %s %s to %s (revision %d, sequence %d)\n", m.Project, m.Version, m.Target.Space, m.Revision, m.Sequence)
			switch {
			case index != nil:
				g.out.printf("  bundle     %s in %d parts of at most %s (%s in all, sha256 %s)\n", out, len(index.Parts), humanBytes(index.PartSize), humanBytes(index.Bundle.Size), index.Bundle.SHA256[:12])
				for _, pt := range index.Parts {
					g.out.printf("  part %-5d %s  %s  sha256 %s\n", pt.Number, filepath.Join(filepath.Dir(out), pt.Name), humanBytes(pt.Size), pt.SHA256[:12])
				}
				g.out.printf("  index      %s, signed in %s: copy both onto every medium\n", parts.IndexName(out), parts.SignatureName(parts.IndexName(out)))
			case opts.out != "":
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
	f.StringVar(&opts.split, "split", "", "write the bundle as parts of `SIZE` bytes (700M, 4000MB, 4GiB) and a signed index, for removable media")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("to", completeSpaces(g))
	return cmd
}

// fat32Limit is one byte more than the largest file FAT32 holds, the
// file system most USB sticks come with.
const fat32Limit = 4 << 30

// partSize reads --split: 0 when not given.
func (o promoteOptions) partSize() (int64, error) {
	if o.split == "" {
		return 0, nil
	}
	switch {
	case o.push:
		return 0, usagef(errors.New("--split is for a bundle carried on removable media; --push sends one bundle over the network: use one or the other"))
	case o.out == "":
		return 0, usagef(errors.New("--split needs --out FILE: the parts are written as FILE.part001, FILE.part002, ... with FILE.index"))
	}
	size, err := parts.ParseSize(o.split)
	if err != nil {
		return 0, usagef(fmt.Errorf("--split: %w", err))
	}
	if size < parts.MinSize {
		return 0, usagef(fmt.Errorf("--split %s is %s; a part must be at least 1 MiB (%d bytes)", o.split, humanBytes(size), parts.MinSize))
	}
	return size, nil
}

// readIndex reads a split bundle's index, unverified: for showing what
// was just written.
// bundleFiles lists the files of the bundle built at built (the file, or
// its parts, index and signature) and where each goes in dir.
func bundleFiles(built, dir string, split bool) ([]promote.Move, error) {
	names := []string{filepath.Base(built)}
	if split {
		x, err := readIndex(parts.IndexName(built))
		if err != nil {
			return nil, err
		}
		names = names[:0]
		for _, p := range x.Parts {
			names = append(names, p.Name)
		}
		idx := filepath.Base(parts.IndexName(built))
		names = append(names, idx, filepath.Base(parts.SignatureName(idx)))
	}
	var moves []promote.Move
	for _, n := range names {
		moves = append(moves, promote.Move{From: filepath.Join(filepath.Dir(built), n), To: filepath.Join(dir, n)})
	}
	return moves, nil
}

func readIndex(path string) (*parts.Index, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return parts.ParseIndex(filepath.Base(path), data)
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
