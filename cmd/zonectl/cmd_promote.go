package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/importer"
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
		ValidArgsFunction: completeReleases(g),
		RunE:              func(cmd *cobra.Command, a []string) error { return g.runPromote(cmd, opts, a[0], a[1]) },
	}
	f := cmd.Flags()
	f.StringVar(&opts.target, "to", "", "the peer `SPACE` to promote to")
	f.StringVar(&opts.out, "out", "", "write the bundle to `FILE`")
	f.BoolVar(&opts.push, "push", false, "push the bundle to the peer's url")
	f.DurationVar(&opts.expires, "expires", 0, "how long the bundle may be imported (default 720h, 30 days)")
	f.BoolVar(&opts.full, "full", false, "send everything, even what earlier bundles to SPACE carried")
	f.StringVar(&opts.split, "split", "", "write the bundle as parts of `SIZE` bytes (700M, 4000MB, 4GiB) and a signed index, for removable media")
	_ = cmd.MarkFlagRequired("to")
	_ = cmd.RegisterFlagCompletionFunc("to", completePeers(g))
	return cmd
}

// promotion is one run of promote: what it sends, where, and what it
// wrote.
type promotion struct {
	p     *promote.Promotion
	env   *promote.Env
	url   string // the peer's, with --push
	given string // --out as given
	dest  string // --out, resolved; empty with --push alone
	built string // where the bundle is built, in the store's scratch
	split int64
	m     *zbundle.Manifest
}

func (g *globals) runPromote(cmd *cobra.Command, opts promoteOptions, project, version string) error {
	split, err := opts.partSize()
	if err != nil {
		return err
	}
	if split >= fat32Limit {
		g.out.infof("note: parts of %s do not fit on FAT32 media, whose largest file is 4 GiB - 1 byte; use --split 4000MB for those\n", humanBytes(split))
	}
	if opts.expires < 0 || opts.expires > importer.MaxLifetime {
		return usagef(fmt.Errorf("--expires %s: a bundle may be imported for at most %d days (%s); targets refuse a longer life", opts.expires, int(importer.MaxLifetime.Hours()/24), importer.MaxLifetime))
	}
	if opts.out == "" && !opts.push {
		return usagef(errors.New("say where the bundle goes: --out FILE, or --push to the peer's url"))
	}
	s, err := g.session()
	if err != nil {
		return err
	}
	if remote, _ := g.configuredRemote(s.sp); remote != "" && g.isOffline() {
		// Sequence numbers are claimed at the remote: one taken offline
		// could be another clone's too, and the target would refuse one.
		return withHint(errors.New("promote needs the Space's remote to claim its sequence number, and --offline (or ZONECTL_OFFLINE) keeps it away"), "run promote where "+remote+" can be reached")
	}
	pr, err := g.preparePromotion(s, opts, project, version)
	if err != nil {
		return err
	}
	pr.split = split
	// Promotions to one target take turns from claiming a sequence number
	// to recording it, so that two runners never build (and push) bundles
	// of the same number. Should the number still be taken meanwhile (by
	// a zonectl that does not take the claim), the bundle is built again
	// with the next.
	release, err := s.sp.Repo.Claim(cmd.Context(), "promote/"+strings.ToLower(pr.p.Target))
	if err != nil {
		return err
	}
	defer release()
	for attempt := 1; ; attempt++ {
		err := g.attemptPromotion(cmd, s, pr, opts)
		var conflict *promote.ConflictError
		if !errors.As(err, &conflict) || attempt == promoteAttempts {
			if err != nil {
				return err
			}
			return g.printPromotion(pr)
		}
		g.out.infof("zonectl: note: %v; building the bundle again with the next number\n", conflict)
		time.Sleep(time.Duration(rand.Int64N(int64(100 * time.Millisecond << min(attempt, 5)))))
	}
}

// promoteAttempts bounds how many times a promotion is built when other
// promotions to the same target (from other clones of a Space shared by a
// team) keep being recorded first.
const promoteAttempts = 12

// attemptPromotion builds and records the promotion once. The bundle is
// built in a scratch directory of the store and moved to --out by the
// transaction that records the promotion: a crash leaves no bundle there
// that the Space never recorded.
func (g *globals) attemptPromotion(cmd *cobra.Command, s *session, pr *promotion, opts promoteOptions) error {
	work, err := s.store.TempDir("promote")
	if err != nil {
		return err
	}
	defer work.Remove()
	pr.built = filepath.Join(work.Path(), "release.zbundle")
	if pr.dest != "" {
		pr.built = filepath.Join(work.Path(), filepath.Base(pr.dest))
	}
	return g.sendPromotion(cmd, s, pr, opts)
}

// preparePromotion checks that the release may go to the target and
// where it goes, before anything is built.
func (g *globals) preparePromotion(s *session, opts promoteOptions, project, version string) (*promotion, error) {
	signer, err := s.signer()
	if err != nil {
		return nil, err
	}
	priv, err := s.sp.PrivateKey()
	if err != nil {
		return nil, err
	}
	now := time.Now()
	env := &promote.Env{Repo: s.sp.Repo, Signer: signer, Name: s.name, Key: priv, Author: space.Who(s.sp.Repo.Git(), now), Now: now}
	p, err := promote.Prepare(env, promote.Options{Project: project, Version: version, Target: opts.target})
	if err != nil {
		var refused *promote.RefusedError
		if errors.As(err, &refused) {
			return nil, fmt.Errorf("cannot promote %s %s to %s: %w", project, version, opts.target, refused.Err)
		}
		return nil, g.releaseError(err)
	}
	pr := &promotion{p: p, env: env}
	if opts.push {
		cfg, _ := s.sp.Load()
		if peer := cfg.Peer(p.Target); peer != nil {
			pr.url = peer.URL
		}
		if pr.url == "" {
			return nil, usagef(fmt.Errorf("peer %q has no url to push to: add url = \"...\" to its peer block, or carry a bundle written with --out", p.Target))
		}
	}
	if opts.out != "" {
		pr.given = opts.out
		if pr.dest, err = g.resolve(opts.out); err != nil {
			return nil, err
		}
		split, _ := opts.partSize()
		// Refuse a file that is there before anything is built.
		if err := (promote.BuildOptions{Out: pr.dest, Split: split}).Validate(); err != nil {
			return nil, err
		}
	}
	return pr, nil
}

// sendPromotion claims the promotion (its commit written, unreachable),
// writes its bundle, reads it back, pushes it, and only then records it
// with the bundle's move to --out: a crash or a failure on the way
// records nothing.
func (g *globals) sendPromotion(cmd *cobra.Command, s *session, pr *promotion, opts promoteOptions) error {
	ctx := cmd.Context()
	if err := s.fetch(ctx, pr.p.Release.Release.Packages); err != nil {
		return fmt.Errorf("the release's packages could not be fetched, and nothing was recorded: %w", err)
	}
	if err := pr.p.Claim(ctx, pr.env); err != nil {
		return err
	}
	prog := newProgress(g.out, "writing "+filepath.Base(pr.built), 0)
	m, err := promote.Build(ctx, pr.env, pr.p, s.store, promote.BuildOptions{
		Out: pr.built, Lifetime: opts.expires, Full: opts.full, Split: pr.split, Progress: prog.steps(),
	})
	prog.Done()
	if err != nil {
		return fmt.Errorf("the bundle could not be written, and nothing was recorded: %w", err)
	}
	pr.m = m
	sum, err := promote.CheckWritten(pr.built, pr.split > 0, m)
	if err != nil {
		return fmt.Errorf("the bundle as written does not read back, and nothing was recorded: %w", err)
	}
	if pr.url != "" {
		prog := newProgress(g.out, "pushing "+filepath.Base(pr.built), 0)
		err := promote.Push(ctx, pr.env, pr.p, pr.built, pr.url, prog.steps())
		prog.Done()
		if err != nil {
			return fmt.Errorf("the push failed, and nothing was recorded (promote again, or carry a bundle written with --out): %w", err)
		}
	}
	var moves []promote.Move
	if pr.dest != "" {
		if moves, err = bundleFiles(pr.built, filepath.Dir(pr.dest), pr.split > 0); err != nil {
			return err
		}
	}
	return pr.p.Record(ctx, pr.env, sum, moves...)
}

// printPromotion says what was promoted, where it went and how each
// package travelled.
func (g *globals) printPromotion(pr *promotion) error {
	m, p, out := pr.m, pr.p, pr.dest
	var index *parts.Index
	if pr.split > 0 {
		var err error
		if index, err = readIndex(parts.IndexName(out)); err != nil {
			return err
		}
	}
	if g.out.json() {
		doc := map[string]any{"bundle": pr.given, "pushed_to": pr.url, "manifest": m, "promotion_commit": p.Commit.String()}
		if index != nil {
			doc["bundle"] = nil
			doc["index"] = parts.IndexName(pr.given)
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
	case out != "":
		g.out.printf("  bundle     %s\n", out)
	}
	if pr.url != "" {
		g.out.printf("  pushed to  %s (the peer imports it with: zonectl import --incoming)\n", pr.url)
	}
	g.out.printf("  snapshot   %s on %s\n", p.Commit.String()[:12], p.Ref)
	g.out.printf("  for        %s (key %s)\n", joinNames(p.TargetEnvironments), m.Target.Fingerprint)
	for _, pk := range m.Packages {
		g.out.printf("  package    %s %s  sha256 %s  %s, %s\n", pk.ID, pk.Version, pk.SHA256[:12], humanBytes(pk.Size), carried(pk))
	}
	if len(m.Git.Prerequisites) > 0 {
		g.out.printf("  builds on  %s (what %s has, by its receipts or by what was sent before)\n", m.Git.Prerequisites[0][:12], m.Target.Space)
	}
	g.out.printf("  expires    %s\n", m.Expires.Format(time.RFC3339))
	return nil
}

// carried says how a package travelled in the bundle.
func carried(pk zbundle.Package) string {
	switch {
	case pk.Data.Kind == zbundle.DataNone:
		return "sent before, not included"
	case pk.Data.Kind == zbundle.DataContentDelta:
		return fmt.Sprintf("sent as a %s content delta against %s (rebuilt with %s)", humanBytes(pk.Data.DeltaSize), pk.Data.Basis.Version, pk.Data.Rebuild.Describe())
	case pk.Data.Kind == zbundle.DataZstd:
		return fmt.Sprintf("sent compressed with zstd, %s", humanBytes(pk.Data.CompressedSize))
	case pk.Data.Basis != nil:
		return fmt.Sprintf("sent as a %s delta against %s", humanBytes(pk.Data.DeltaSize), pk.Data.Basis.Version)
	}
	return "sent"
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
