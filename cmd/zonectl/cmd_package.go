package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/feeds"
	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/registry"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/store"
)

func newPackageCommand(g *globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "package",
		Short: "Push packages to the Space's package store and list them",
		Long: `The package store holds the bytes of the packages that releases deploy,
outside Git: a content-addressed directory, .zonectl/store in the Space's work
tree unless $ZONECTL_STORE names another. A package ID and version, once
pushed, always mean the same bytes.`,
		Args: args(cobra.NoArgs),
	}
	cmd.AddCommand(newPackagePushCommand(g), newPackageListCommand(g), newPackagePullCommand(g))
	return cmd
}

type packagePushOptions struct {
	id      string
	version string
}

func newPackagePushCommand(g *globals) *cobra.Command {
	var opts packagePushOptions
	cmd := &cobra.Command{
		Use:   "push FILE --id ID --version VERSION",
		Short: "Store a package file under an ID and a version",
		Long: `Store FILE in the package store as package ID at VERSION, a Semantic Version
(1.4.0, 2.0.0-rc.1). The file is hashed with SHA-256 as it is copied in and
never read into memory whole. Pushing the same bytes again is a no-op;
pushing other bytes as an ID and version the store holds is refused (exit
status 1): push them as a new version. IDs and versions are matched
case-insensitively, and without build metadata.`,
		Args: args(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runPackagePush(cmd.Context(), g, opts, a[0])
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.id, "id", "", "the package `ID`, e.g. acme-web")
	f.StringVar(&opts.version, "version", "", "the package's `VERSION`, a Semantic Version such as 1.4.0")
	_ = cmd.MarkFlagRequired("id")
	_ = cmd.MarkFlagRequired("version")
	return cmd
}

func runPackagePush(ctx context.Context, g *globals, opts packagePushOptions, file string) error {
	path, err := g.resolve(file)
	if err != nil {
		return err
	}
	now := time.Now()
	po := store.PushOptions{ID: opts.id, Version: opts.version, FileName: filepath.Base(path), Now: now}
	if err := po.Validate(); err != nil {
		return usagef(err)
	}
	srcs, sp, err := openPackageSources(g)
	if err != nil {
		return err
	}
	po.PushedBy = pushedBy(sp, now)

	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if !info.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file; push a package file", file)
	}

	p := newProgress(g.out, fmt.Sprintf("Pushing %s %s", opts.id, opts.version), info.Size())
	po.Progress = p.Set
	pkg, existed, err := srcs.Push(ctx, f, po)
	p.Done()
	var conflict *store.ConflictError
	var regConflict *registry.ConflictError
	if errors.As(err, &conflict) || errors.As(err, &regConflict) {
		return withHint(err, fmt.Sprintf("a version, once pushed, always means the same bytes: push these as a new version (`zonectl package list %s` shows those stored)", opts.id))
	}
	if err != nil {
		return err
	}

	o := g.out
	if o.json() {
		return o.printJSON(struct {
			ID      string `json:"id"`
			Version string `json:"version"`
			SHA256  string `json:"sha256"`
			Size    int64  `json:"size"`
			Existed bool   `json:"existed"`
		}{pkg.ID, pkg.Version, pkg.SHA256, pkg.Size, existed})
	}
	if existed {
		o.printf("%s is already in the store with the same bytes\n", pkg)
		return nil
	}
	o.printf("Pushed %s (sha256 %s, %s)\n", pkg, pkg.SHA256, humanBytes(pkg.Size))
	return nil
}

func newPackageListCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list [ID]",
		Short: "List the packages in the store, or the versions of one",
		Long: `List every package version in the package store, by ID and then by version,
highest first; given an ID, only that package's versions. --output json prints
an array of {"id", "version", "sha256", "size", "pushed_at", "pushed_by",
"file_name"}.`,
		Args: args(cobra.MaximumNArgs(1)),
		RunE: func(cmd *cobra.Command, a []string) error {
			return runPackageList(cmd.Context(), g, a)
		},
	}
}

func runPackageList(ctx context.Context, g *globals, a []string) error {
	if len(a) == 1 {
		if err := names.CheckPackageID(a[0]); err != nil {
			return usagef(err)
		}
	}
	srcs, _, err := openPackageSources(g)
	if err != nil {
		return err
	}
	var pkgs []store.Package
	if len(a) == 1 {
		pkgs, err = srcs.Versions(ctx, a[0])
	} else {
		pkgs, err = srcs.List(ctx)
	}
	if err != nil {
		return err
	}
	o := g.out
	if o.json() {
		return o.printJSON(pkgs)
	}
	if len(pkgs) == 0 {
		if len(a) == 1 {
			o.infof("No version of %s is in the package store at %s.\n", a[0], storeWhere(srcs))
		} else {
			o.infof("The package store at %s is empty; add a package with zonectl package push FILE --id ID --version VERSION.\n", storeWhere(srcs))
		}
		return nil
	}
	rows := [][]string{{"ID", "VERSION", "SIZE", "SHA-256", "PUSHED"}}
	for _, p := range pkgs {
		rows = append(rows, []string{p.ID, p.Version, humanBytes(p.Size), p.SHA256[:12], p.PushedAt.Local().Format("2006-01-02 15:04")})
	}
	return o.printTable(rows)
}

func newPackagePullCommand(g *globals) *cobra.Command {
	var feed string
	cmd := &cobra.Command{
		Use:   "pull ID [VERSION]",
		Short: "Fetch a package from its registry into this clone's store",
		Long: `Fetch package ID at VERSION (the highest Semantic Version there is when none
is given) from the Space's store on a registry, or from the feed --feed names,
into this clone's content-addressed store, verified by its digest: the bytes
are there before a deployment or a promotion needs them. Pulling a package
the clone has is a no-op.`,
		Args: args(cobra.RangeArgs(1, 2)),
		RunE: func(cmd *cobra.Command, a []string) error {
			version := ""
			if len(a) == 2 {
				version = a[1]
			}
			return runPackagePull(cmd.Context(), g, feed, a[0], version)
		},
	}
	cmd.Flags().StringVar(&feed, "feed", "", "pull from the feed `NAME` instead of the Space's store")
	return cmd
}

func runPackagePull(ctx context.Context, g *globals, feed, id, version string) error {
	if err := names.CheckPackageID(id); err != nil {
		return usagef(err)
	}
	if version != "" {
		if _, err := names.CheckPackageVersion(version); err != nil {
			return usagef(err)
		}
	}
	srcs, _, err := openPackageSources(g)
	if err != nil {
		return err
	}
	ref, err := srcs.Pull(ctx, feed, id, version)
	if err != nil {
		return err
	}
	if g.out.json() {
		return g.out.printJSON(ref)
	}
	g.out.printf("Pulled %s %s (sha256 %s, %s) into %s\n", ref.ID, ref.Version, ref.SHA256, humanBytes(ref.Size), srcs.Cache.Dir())
	return nil
}

// openPackageSources opens the package store: $ZONECTL_STORE, else the
// Space's (the store block's registry, or .zonectl/store) in the Space
// holding the working directory. With $ZONECTL_STORE set no Space is
// needed, and the Space returned may be nil; the cache of a store on a
// registry is then in the user's cache directory.
func openPackageSources(g *globals) (*feeds.Sources, *space.Space, error) {
	sp, spaceErr := g.openSpace()
	env := getenv(store.EnvDir)
	if env == "" && spaceErr != nil {
		return nil, nil, withHint(spaceErr, "run zonectl inside a Space, pass -C DIR, or set ZONECTL_STORE to the package store's directory or oci:// url")
	}
	dir := store.DefaultDir("")
	var cfg *config.Space
	if sp != nil {
		dir = store.DefaultDir(sp.Repo.MainRoot())
		if c, diags := sp.LoadRoot(); !diags.HasErrors() {
			cfg = c
		}
	} else if feeds.IsURL(env) {
		cache, err := os.UserCacheDir()
		if err != nil {
			return nil, nil, fmt.Errorf("no cache directory for the store on %s: %w", env, err)
		}
		dir = filepath.Join(cache, "zonectl", "store")
	}
	st, err := g.openStore(dir)
	if err != nil {
		return nil, nil, err
	}
	srcs, err := g.packageSources(st, cfg)
	return srcs, sp, err
}

// storeWhere names the store for people: its registry, or its directory.
func storeWhere(srcs *feeds.Sources) string {
	if srcs.Remote != nil {
		return srcs.Remote.Location().String()
	}
	return srcs.Cache.Dir()
}

// pushedBy is who the store records as pushing: Git's identity, as for
// commits, with the Space's repository configuration when there is one.
func pushedBy(sp *space.Space, now time.Time) string {
	sig := space.Who(nil, now)
	if sp != nil {
		sig = space.Who(sp.Repo.Git(), now)
	}
	return fmt.Sprintf("%s <%s>", sig.Name, sig.Email)
}
