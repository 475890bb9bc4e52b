package release

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/hashicorp/hcl/v2"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/feeds"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/semver"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

// Env is what release operations work with: the Space's repository, its
// signer and its package store.
type Env struct {
	Repo   *gitstore.Repo
	Signer gitstore.Signer
	Store  *store.Store
	// Pin, if set, resolves a package to what the release records (with
	// feeds and a store on a registry, see internal/feeds); else the
	// version is looked up in Store.
	Pin func(ctx context.Context, cfg *config.Space, pk *config.Package, version string) (snapshot.PackageRef, error)
}

// CreateOptions says what release to create.
type CreateOptions struct {
	Project  string
	Version  string
	Ref      string            // what to snapshot; "main" when empty
	Packages map[string]string // package id → version, overriding the latest in the store
	Notes    string
	Now      time.Time
	Author   object.Signature
	// Resume says the caller holds the release's claim (see Claim): a
	// release of this version that an interrupted run created from the
	// same commit and packages, and that was never deployed, is then taken
	// as created (Loaded.Resumed) rather than refused, so that the rerun
	// goes on to its automatic deployments.
	Resume bool
}

// Claim takes the claim a release create holds from before it creates
// the release until its automatic deployments end, waiting while another
// run of the same version holds it: runs of one version take turns, so
// the one that finds the release made and the claim free knows the run
// that made it is gone.
func Claim(ctx context.Context, repo *gitstore.Repo, project, version string) (release func(), err error) {
	return repo.Claim(ctx, "release-create/"+strings.ToLower(project)+"/"+version)
}

// Validate checks the options before anything is read.
func (o CreateOptions) Validate() error {
	if o.Project == "" {
		return errors.New("no project given")
	}
	if _, err := semver.Parse(o.Version); err != nil {
		return fmt.Errorf("release version %q: %w", o.Version, err)
	}
	if o.Author.Name == "" {
		return errors.New("no author given")
	}
	return nil
}

// InvalidConfigError is returned when the configuration to snapshot does
// not validate; it carries the diagnostics for the caller to show.
type InvalidConfigError struct {
	Ref   string
	Diags hcl.Diagnostics
	Files map[string]*hcl.File
}

func (e *InvalidConfigError) Error() string {
	return fmt.Sprintf("the configuration at %s is not valid (%d problems); run zonectl validate on it", e.Ref, len(e.Diags.Errs()))
}

// Create snapshots a project as a new release: the project's process and
// variables as the configuration at opts.Ref has them, the lifecycle, and
// every package the project deploys pinned to a version in the store by
// hash and size. The release is a signed commit on its own ref, and the
// ledger records it. A version is never created twice.
func Create(ctx context.Context, env Env, opts CreateOptions) (*Loaded, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	if opts.Ref == "" {
		opts.Ref = "main"
	}
	src, err := resolve(env.Repo, opts.Ref)
	if err != nil {
		return nil, err
	}
	cfg, err := LoadProjectConfig(env.Repo, opts.Ref, src, opts.Project)
	if err != nil {
		return nil, err
	}
	p := cfg.Project(opts.Project)
	if p == nil {
		return nil, unknownProject(cfg, opts.Project, opts.Ref)
	}
	pkgs, err := pinPackages(ctx, env, cfg, p, opts.Packages)
	if err != nil {
		return nil, err
	}
	proc, vars := snapshot.FromConfig(p)
	rel := Release{
		Schema:          Schema,
		Project:         p.Name,
		Version:         opts.Version,
		Lifecycle:       p.Lifecycle.Name,
		Notes:           opts.Notes,
		Created:         opts.Now.UTC().Truncate(time.Second),
		CreatedBy:       fmt.Sprintf("%s <%s>", opts.Author.Name, opts.Author.Email),
		SourceRef:       opts.Ref,
		SourceCommit:    src.String(),
		Packages:        pkgs,
		VariablesCommit: src.String(),
	}
	ref, err := Ref(p.Name, opts.Version)
	if err != nil {
		return nil, err
	}
	tree, err := writeTree(env.Repo, rel, proc, vars)
	if err != nil {
		return nil, err
	}

	// The version check, the release and its ledger event are one
	// transaction: two runners creating the same version at once cannot
	// both pass the check (with a remote, the push that creates the ref
	// first wins, and the other finds the version taken when it tries
	// again), and a crash never leaves a release the ledger does not know.
	var out *Loaded
	err = env.Repo.Transact(ctx, fmt.Sprintf("release create %s %s", p.Name, opts.Version), func(tx *gitstore.Tx) error {
		taken, err := takenVersion(env.Repo, p.Name, opts.Version)
		if err != nil {
			return err
		}
		if taken != "" {
			out, err = existing(env.Repo, p.Name, taken, rel, opts.Resume)
			return err
		}
		h, err := tx.WriteCommit(gitstore.CommitOptions{
			Ref:     ref,
			Tree:    tree,
			Message: fmt.Sprintf("Release %s %s\n\nSnapshot of %s at %s.\n", p.Name, opts.Version, opts.Ref, src),
			Author:  opts.Author,
			Signer:  env.Signer,
		})
		if err != nil {
			return err
		}
		if _, err := ledger.Append(tx, env.Signer, opts.Author, ledger.Event{
			Type: ledger.ReleaseCreated, Time: rel.Created, Who: rel.CreatedBy,
			Project: p.Name, Version: opts.Version, Release: h.String(),
		}, nil); err != nil {
			return err
		}
		out = &Loaded{Release: rel, Process: *proc, Variables: *vars, Commit: h, Ref: ref}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExistsError refuses a release version the project has already used for
// other content.
type ExistsError struct {
	Project, Version string
	Existing         Release
}

func (e *ExistsError) Error() string {
	x := e.Existing
	return fmt.Sprintf("project %q already has release %s, created by %s at %s from %s %s; a release version is never created twice (re-snapshot its variables with `zonectl release snapshot %s %s`)",
		e.Project, x.Version, x.CreatedBy, x.Created.UTC().Format("2006-01-02 15:04:05 UTC"), x.SourceRef, shortHash(x.SourceCommit), e.Project, x.Version)
}

func shortHash(h string) string { return h[:min(len(h), 12)] }

// existing returns the release version taken already if it is the one
// rel would be: made from the same commit with the same packages, so that
// a CI job run again finds its release made and does nothing. It is
// marked Existing, Undeployed when it was never deployed, and Resumed when
// that means a run was interrupted before its automatic deployments. Any other release
// of that version is an *ExistsError; so is every one, unless same is
// asked for.
func existing(repo *gitstore.Repo, project, version string, rel Release, same bool) (*Loaded, error) {
	cur, err := Load(repo, project, version)
	if err != nil {
		return nil, err
	}
	c := cur.Release
	if !same || c.SourceCommit != rel.SourceCommit || c.Lifecycle != rel.Lifecycle || !slices.Equal(c.Packages, rel.Packages) {
		return nil, &ExistsError{Project: project, Version: version, Existing: c}
	}
	cur.Existing = true
	rs, err := ledger.ReleaseAt(repo, c.Project, c.Version)
	if err != nil {
		return nil, err
	}
	cur.Undeployed = len(rs.Deployed) == 0
	// Only in a Space kept in one clone does "never deployed" mean that
	// the run that made it was interrupted (release create holds its
	// claim until its automatic deployments end). Shared by a team, the
	// run that made it may be deploying it in another clone right now.
	cur.Resumed = cur.Undeployed && repo.RemoteName() == ""
	return cur, nil
}

// LoadConfig decodes the Space configuration of a commit and refuses an
// invalid one. A commit's configuration never changes, so it is decoded
// once per process however many steps of a command read it (release
// create, then its automatic deployments, each read main's); callers do
// not change what it returns.
func LoadConfig(repo *gitstore.Repo, name string, commit plumbing.Hash) (*config.Space, error) {
	key := repo.CommonDir() + "\x00" + commit.String()
	if v, ok := loadedConfigs.Load(key); ok {
		return v.(*config.Space), nil
	}
	fsys, err := repo.TreeFS(commit)
	if err != nil {
		return nil, err
	}
	cfg, diags := config.Load(fsys)
	if diags.HasErrors() {
		return nil, &InvalidConfigError{Ref: name, Diags: diags, Files: cfg.Files}
	}
	loadedConfigs.Store(key, cfg)
	return cfg, nil
}

// loadedConfigs are the configurations LoadConfig and LoadProjectConfig
// decoded, by repository, commit and (for one project) project.
var loadedConfigs sync.Map

// LoadProjectConfig is LoadConfig for a command on one project: the
// Space's root files, its import bindings and that project's directory
// (config.LoadProject), not every project's; the whole configuration when
// the project's directory is not found by its name.
func LoadProjectConfig(repo *gitstore.Repo, name string, commit plumbing.Hash, project string) (*config.Space, error) {
	key := repo.CommonDir() + "\x00" + commit.String() + "\x00" + strings.ToLower(project)
	if v, ok := loadedConfigs.Load(key); ok {
		return v.(*config.Space), nil
	}
	fsys, err := repo.TreeFS(commit)
	if err != nil {
		return nil, err
	}
	cfg, diags, ok := config.LoadProject(fsys, project)
	if !ok {
		return LoadConfig(repo, name, commit)
	}
	if diags.HasErrors() {
		return nil, &InvalidConfigError{Ref: name, Diags: diags, Files: cfg.Files}
	}
	loadedConfigs.Store(key, cfg)
	return cfg, nil
}

// resolve turns a branch, tag, ref or commit into a commit.
func resolve(repo *gitstore.Repo, rev string) (plumbing.Hash, error) {
	if rev == "main" {
		return repo.Main()
	}
	h, err := repo.Git().ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("cannot resolve %q to a commit: %w", rev, err)
	}
	return *h, nil
}

func unknownProject(cfg *config.Space, name, ref string) error {
	var names []string
	for _, p := range cfg.Projects {
		names = append(names, fmt.Sprintf("%q", p.Name))
	}
	if len(names) == 0 {
		return fmt.Errorf("project %q does not exist at %s: the Space has no projects (they live in projects/<slug>/)", name, ref)
	}
	return fmt.Errorf("project %q does not exist at %s; the projects are %s", name, ref, strings.Join(names, ", "))
}

// pinPackages resolves every package the project deploys to a version in
// the store: the one asked for, else the highest, as Octopus picks the
// latest.
func pinPackages(ctx context.Context, env Env, cfg *config.Space, p *config.Project, want map[string]string) ([]snapshot.PackageRef, error) {
	asked := map[string]string{}
	for id, v := range want {
		if p.Package(id) == nil {
			return nil, fmt.Errorf("project %q does not deploy a package %q (it deploys %s)", p.Name, id, packageList(p))
		}
		asked[strings.ToLower(id)] = v
	}
	pin := env.Pin
	if pin == nil {
		pin = func(_ context.Context, _ *config.Space, pk *config.Package, v string) (snapshot.PackageRef, error) {
			return feeds.PinLocal(env.Store, pk, v)
		}
	}
	out := []snapshot.PackageRef{}
	for _, pk := range p.Packages {
		ref, err := pin(ctx, cfg, pk, asked[strings.ToLower(pk.ID)])
		if err != nil {
			if pk.Feed != "" {
				return nil, fmt.Errorf("package %q of project %q: %w", pk.ID, p.Name, err)
			}
			return nil, fmt.Errorf("package %q of project %q: %w (push it with `zonectl package push FILE --id %s --version V`)", pk.ID, p.Name, err, pk.ID)
		}
		out = append(out, ref)
	}
	return out, nil
}

func packageList(p *config.Project) string {
	var ids []string
	for _, pk := range p.Packages {
		ids = append(ids, fmt.Sprintf("%q", pk.ID))
	}
	if len(ids) == 0 {
		return "none"
	}
	return strings.Join(ids, ", ")
}

// checkNewVersion refuses a version that the project has already used,
// including one that differs only in build metadata, which SemVer ranks
// equal.
// takenVersion returns the project's release version that version would
// repeat, ignoring build metadata as SemVer ranks versions, or "".
func takenVersion(repo *gitstore.Repo, project, version string) (string, error) {
	existing, err := Versions(repo, project)
	if err != nil {
		return "", err
	}
	v, _ := semver.Parse(version)
	for _, e := range existing {
		ev, err := semver.Parse(e)
		if err == nil && semver.Compare(v, ev) == 0 {
			return e, nil
		}
	}
	return "", nil
}

func writeTree(repo *gitstore.Repo, rel Release, proc *snapshot.Process, vars *snapshot.Variables) (plumbing.Hash, error) {
	fs, err := Files(rel, proc, vars)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return repo.WriteTree(fs)
}

func foldEq(a, b string) bool { return strings.EqualFold(a, b) }

// sortVersions orders versions newest first by SemVer.
func sortVersions(vs []string) {
	sort.SliceStable(vs, func(i, j int) bool { return semver.Newer(vs[i], vs[j]) })
}
