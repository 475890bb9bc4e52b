package inbox

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// Env is the target Space accepting a release.
type Env struct {
	Name   string // this Space's name, for the receipts it writes
	Repo   *gitstore.Repo
	Signer gitstore.Signer
	// PublicKey is this Space's key: sensitive values are encrypted to it.
	PublicKey *openpgp.Entity
	Author    object.Signature
	Now       time.Time
}

// AcceptOptions says what to accept and with which values.
type AcceptOptions struct {
	Project   string
	Version   string
	Lifecycle string  // this Space's lifecycle for the project; the binding's when empty
	Values    []Value // laid over the binding's values
	// Propose puts a binding that would change main on a branch of its
	// own (ProposalBranch) for a pull request, instead of committing it to
	// main; nothing is accepted until the binding is on main. A binding
	// on main already, with nothing to add, is accepted as it is.
	Propose bool
}

// ProposalPrefix is where proposed bindings go: one branch per release.
const ProposalPrefix = "refs/heads/zonectl/accept/"

// ProposalBranch is the branch that proposes the binding of a release.
func ProposalBranch(source, project, version string) (string, error) {
	ref, err := release.Ref(project, version)
	if err != nil {
		return "", err
	}
	return ProposalPrefix + strings.ToLower(source) + "/" + strings.TrimPrefix(ref, release.RefPrefix), nil
}

// MissingError lists the required template values nobody has given.
type MissingError struct{ Missing []Missing }

func (e *MissingError) Error() string {
	var names []string
	for _, m := range e.Missing {
		names = append(names, m.String())
	}
	return fmt.Sprintf("%d required template value(s) missing: %s", len(e.Missing), strings.Join(names, ", "))
}

// AcceptResult is what Accept wrote.
type AcceptResult struct {
	Release       *release.Loaded
	BindingFile   string
	BindingCommit plumbing.Hash
	Values        []Value
	// Settled is set when the binding on main was accepted as it is, and
	// main did not move.
	Settled bool
	// Proposed is the branch that proposes the binding, when Accept
	// proposed it rather than accepting; Release is nil then.
	Proposed string
	// WorkTree is true when the work tree (on main) was updated to the
	// new commit; false when HEAD is elsewhere and main moved alone.
	WorkTree bool
}

// Accept accepts a release from the inbox: with this Space's lifecycle
// and template values (sensitive ones encrypted to this Space's key), it
// commits the binding imports/<source>/<project>.hcl on main and the
// release, signed by this Space, under refs/zonectl/releases/. It refuses,
// writing nothing, while a required value is missing (an explicit null
// counts as given), when the work tree has uncommitted changes, and when
// this revision was accepted already.
//
// Everything is one transaction: the checks, the binding on main, the
// release, the ledger event and the receipt, and the work tree and index
// when main is checked out. It holds git's index.lock from before it reads
// main, so a git commit run meanwhile waits instead of committing from an
// index without the binding.
func Accept(ctx context.Context, env *Env, opts AcceptOptions) (*AcceptResult, error) {
	var res *AcceptResult
	err := env.Repo.Transact(ctx, fmt.Sprintf("accept %s %s", opts.Project, opts.Version), func(tx *gitstore.Tx) error {
		var err error
		res, err = accept(tx, env, opts)
		return err
	})
	return res, err
}

// accept is Accept within tx.
func accept(tx *gitstore.Tx, env *Env, opts AcceptOptions) (*AcceptResult, error) {
	branch := ""
	if !opts.Propose {
		// Accept may move main, and the work tree with it.
		var err error
		if branch, err = tx.LockWorkTree(); err != nil {
			return nil, err
		}
	}
	main, ok, err := tx.Ref(gitstore.MainBranch)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, gitstore.NoMainError(env.Repo)
	}
	a, err := decide(env, opts, main)
	if err != nil {
		return nil, err
	}
	if branch == gitstore.MainBranch {
		if err := checkClean(env.Repo); err != nil {
			return nil, err
		}
	}
	res, err := a.write(tx, env)
	if err != nil {
		return nil, err
	}
	res.WorkTree = branch == gitstore.MainBranch && !res.Settled
	return res, nil
}

// acceptance is what Accept decided before writing anything.
type acceptance struct {
	opts      AcceptOptions
	main      plumbing.Hash
	cfg       *config.Space
	entry     *Entry
	peer      *config.Peer
	project   string
	source    string // the peer's name as this Space spells it
	lifecycle string
	values    []Value
	revision  int
	file      string // the binding file
	settled   bool   // the binding on main is the one to accept with
	proposal  string // the branch written by writeBinding, when proposing
}

// writeBinding commits the binding on top of main: to main, or with
// Propose to the release's proposal branch.
func (a *acceptance) writeBinding(tx *gitstore.Tx, env *Env) (plumbing.Hash, error) {
	project, version, source := a.project, a.opts.Version, a.source
	mainCommit, err := env.Repo.Git().CommitObject(a.main)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	data := binding(source, project, a.lifecycle, a.values)
	tree, err := env.Repo.UpdateTree(mainCommit.TreeHash, []gitstore.File{{Path: a.file, Data: data}})
	if err != nil {
		return plumbing.ZeroHash, err
	}
	opts := gitstore.CommitOptions{
		Ref: gitstore.MainBranch, Tree: tree, Author: env.Author, Signer: env.Signer,
		Message: fmt.Sprintf("Accept %s %s from %s\n\nBind the project to lifecycle %s with %d template value(s).\n", project, version, source, a.lifecycle, len(a.values)),
	}
	if !a.opts.Propose {
		return tx.WriteCommit(opts)
	}
	if a.proposal, err = ProposalBranch(source, project, version); err != nil {
		return plumbing.ZeroHash, err
	}
	opts.Ref = a.proposal
	opts.Message = fmt.Sprintf("Propose to accept %s %s from %s\n\nBind the project to lifecycle %s with %d template value(s). Once this is on main,\n`zonectl accept %s %s` accepts the release.\n", project, version, source, a.lifecycle, len(a.values), project, version)
	// Proposed again, the branch moves on (a pull request open on it
	// follows), its tree main's as it is now plus the binding.
	old, _, err := tx.Ref(a.proposal)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	parent := a.main
	if !old.IsZero() {
		parent = old
	}
	h, err := env.Repo.WriteCommit(opts, parent)
	if err != nil {
		return plumbing.ZeroHash, err
	}
	return h, tx.Update(a.proposal, h, old)
}

// decide reads the inbox entry and main's configuration, and checks that
// the release may be accepted with these values and this lifecycle.
func decide(env *Env, opts AcceptOptions, main plumbing.Hash) (*acceptance, error) {
	cfg, err := release.LoadConfig(env.Repo, "main", main)
	if err != nil {
		return nil, err
	}
	entry, err := Find(env.Repo, opts.Project, opts.Version)
	if err != nil {
		return nil, err
	}
	a := &acceptance{opts: opts, main: main, cfg: cfg, entry: entry, project: entry.Release.Project}
	a.peer = cfg.Peer(entry.Source)
	if a.peer == nil || !a.peer.AcceptsKind(config.AcceptReleases) {
		return nil, fmt.Errorf("%s %s came from %q, which this Space no longer accepts releases from", a.project, opts.Version, entry.Source)
	}
	a.source = a.peer.Name
	if p := cfg.Project(a.project); p != nil {
		return nil, fmt.Errorf("this Space has a project %q of its own (%s); an imported project cannot share its name", p.Name, p.Dir)
	}
	im := cfg.Import(a.project)
	if im != nil && !strings.EqualFold(im.From.Name, a.source) {
		return nil, fmt.Errorf("project %q is imported from %q (%s), not from %q", a.project, im.From.Name, im.File, a.source)
	}
	if a.lifecycle, err = chooseLifecycle(cfg, a.project, opts.Lifecycle, im); err != nil {
		return nil, err
	}
	if err := checkValues(cfg, &entry.Variables, opts.Values); err != nil {
		return nil, err
	}
	if a.values, err = encryptSensitive(Merge(FromBinding(im), opts.Values), entry.Variables.Templates, env.PublicKey); err != nil {
		return nil, err
	}
	if missing := MissingValues(cfg, a.project, a.lifecycle, &entry.Variables, a.values); len(missing) > 0 {
		return nil, &MissingError{Missing: missing}
	}
	if entry.Release.Promoted != nil {
		a.revision = entry.Release.Promoted.Revision
	}
	if cur, err := release.Load(env.Repo, a.project, opts.Version); err == nil && cur.Release.ImportedFrom != nil && cur.Release.ImportedFrom.Commit == entry.Commit.String() {
		return nil, fmt.Errorf("%s %s (revision %d) from %s is accepted already (%s)", a.project, opts.Version, a.revision, a.source, cur.Commit)
	}
	a.file = BindingFile(strings.ToLower(a.source), strings.ToLower(a.project))
	if im != nil {
		a.file = im.File
	}
	// A binding on main that needs nothing added is accepted as it is:
	// main does not move (with a protected main, its pull request was the
	// review).
	a.settled = im != nil && len(opts.Values) == 0 && (opts.Lifecycle == "" || strings.EqualFold(opts.Lifecycle, im.Lifecycle.Name))
	return a, nil
}

// chooseLifecycle is the lifecycle asked for, else the binding's, else
// the Space's only one, by the name this Space declares it under.
func chooseLifecycle(cfg *config.Space, project, asked string, im *config.Import) (string, error) {
	lc := asked
	if lc == "" && im != nil {
		lc = im.Lifecycle.Name
	}
	if lc == "" && len(cfg.Lifecycles) == 1 {
		lc = cfg.Lifecycles[0].Name // the Space's only lifecycle: nothing to choose
	}
	if l := cfg.Lifecycle(lc); l != nil {
		return l.Name, nil
	}
	var names []string
	for _, l := range cfg.Lifecycles {
		names = append(names, fmt.Sprintf("%q", l.Name))
	}
	if len(names) == 0 {
		return "", fmt.Errorf("this Space declares no lifecycle for %s to follow here: declare its environments and a lifecycle (such as in environments.hcl), commit, and accept again", project)
	}
	if lc == "" {
		return "", fmt.Errorf("choose the lifecycle %s follows here with --lifecycle (this Space's lifecycles: %s)", project, strings.Join(names, ", "))
	}
	return "", fmt.Errorf("lifecycle %q does not exist in this Space (its lifecycles: %s)", lc, strings.Join(names, ", "))
}

// write puts the acceptance in tx: the binding on main, the release signed
// by this Space, the ledger event, and the receipt for the source.
func (a *acceptance) write(tx *gitstore.Tx, env *Env) (*AcceptResult, error) {
	project, version, source, entry := a.project, a.opts.Version, a.source, a.entry
	who := fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email)
	bindingCommit := a.main
	if !a.settled {
		var err error
		if bindingCommit, err = a.writeBinding(tx, env); err != nil {
			return nil, err
		}
		if a.opts.Propose {
			// Proposed, not accepted: the release waits for the binding
			// to be on main.
			return &AcceptResult{BindingFile: a.file, BindingCommit: bindingCommit, Values: a.values, Proposed: a.proposal}, nil
		}
	}
	rel := entry.Release
	rel.ImportedFrom = &release.Import{Space: source, Commit: entry.Commit.String(), Revision: a.revision, Lifecycle: rel.Lifecycle}
	if list, err := keys.ReadPublic("public_key of peer "+source, []byte(a.peer.PublicKey)); err == nil {
		rel.ImportedFrom.Fingerprint = keys.Fingerprint(list[0])
	}
	rel.Lifecycle, rel.Promoted, rel.VariablesCommit = a.lifecycle, nil, bindingCommit.String()
	files, err := release.Files(rel, &entry.Process, &entry.Variables)
	if err != nil {
		return nil, err
	}
	relTree, err := env.Repo.WriteTree(files)
	if err != nil {
		return nil, err
	}
	ref, err := release.Ref(project, version)
	if err != nil {
		return nil, err
	}
	relCommit, err := tx.WriteCommit(gitstore.CommitOptions{
		Ref: ref, Tree: relTree, Author: env.Author, Signer: env.Signer,
		Message: fmt.Sprintf("Accept release %s %s from %s (revision %d)\n\nImported from %s's signed promotion commit %s.\n", project, version, source, a.revision, source, entry.Commit),
	})
	if err != nil {
		return nil, err
	}
	if _, err := ledger.Append(tx, env.Signer, env.Author, ledger.Event{
		Type: ledger.Acceptance, Time: env.Now.UTC(), Who: who, Project: project, Version: version, Release: relCommit.String(),
		Acceptance: &ledger.AcceptanceRecord{Source: source, InboxCommit: entry.Commit.String(), Revision: a.revision, Lifecycle: a.lifecycle, BindingCommit: bindingCommit.String()},
	}, nil); err != nil {
		return nil, err
	}
	// The source learns of the acceptance through the receipts chain.
	if _, err := receipt.Append(tx, env.Signer, env.Author, a.cfg.Name(), project, version,
		receipt.Origin{Source: source, Revision: a.revision, Promotion: entry.Commit.String()},
		&ledger.DeploymentRecord{State: receipt.StateAccepted, Started: env.Now.UTC(), Finished: env.Now.UTC()}, who); err != nil {
		return nil, err
	}
	return &AcceptResult{BindingFile: a.file, BindingCommit: bindingCommit, Values: a.values, Settled: a.settled,
		Release: &release.Loaded{Release: rel, Process: entry.Process, Variables: entry.Variables, Commit: relCommit, Ref: ref}}, nil
}

// checkValues refuses values for templates the release does not have, for
// environments or tenants this Space does not have, or scoped otherwise
// than the template asks.
func checkValues(cfg *config.Space, vars *snapshot.Variables, values []Value) error {
	var names []string
	byName := map[string]snapshot.Template{}
	for _, t := range vars.Templates {
		byName[strings.ToLower(t.Name)] = t
		names = append(names, t.Name)
	}
	sort.Strings(names)
	for _, v := range values {
		t, ok := byName[strings.ToLower(v.Name)]
		if !ok {
			return fmt.Errorf("%s: the release has no variable template %q (its templates: %s).%s", v.at(), v.Name, strings.Join(names, ", "), config.DidYouMean(v.Name, names))
		}
		if v.Environment != "" && cfg.Environment(v.Environment) == nil {
			envs := cfg.EnvironmentNames()
			return fmt.Errorf("%s: %q is not an environment of this Space (its environments: %s).%s", v.at(), v.Environment, strings.Join(envs, ", "), config.DidYouMean(v.Environment, envs))
		}
		if v.Tenant != "" && cfg.Tenant(v.Tenant) == nil {
			return fmt.Errorf("%s: %q is not a tenant of this Space", v.at(), v.Tenant)
		}
		switch needEnv, needTenant := t.Per != config.PerTenant, t.Per == config.PerTenant || t.Per == config.PerTenantEnvironment; {
		case needEnv && v.Environment == "":
			return fmt.Errorf("%s: template %q takes a value per environment: write %s[ENV]", v.at(), t.Name, t.Name)
		case needTenant && v.Tenant == "":
			return fmt.Errorf("%s: template %q takes a value per tenant: write %s[ENV/TENANT]", v.at(), t.Name, t.Name)
		}
		if v.Value != nil && t.Type == config.TemplateSelect {
			valid := false
			for _, o := range t.Options {
				valid = valid || o.Value == *v.Value
			}
			if !valid {
				return fmt.Errorf("%s: %q is not one of the options of %q", v.at(), *v.Value, t.Name)
			}
		}
	}
	return nil
}

// encryptSensitive encrypts every sensitive template value not yet
// encrypted, to this Space's key.
func encryptSensitive(values []Value, templates []snapshot.Template, key *openpgp.Entity) ([]Value, error) {
	sensitive := map[string]bool{}
	for _, t := range templates {
		sensitive[strings.ToLower(t.Name)] = t.Type == config.TemplateSensitive
	}
	for i, v := range values {
		if v.Value == nil || !sensitive[strings.ToLower(v.Name)] || strings.HasPrefix(*v.Value, config.PGPMessagePrefix) {
			continue
		}
		if key == nil {
			return nil, errors.New("this Space's public key is needed to encrypt sensitive values")
		}
		c, err := keys.Encrypt([]byte(*v.Value), openpgp.EntityList{key})
		if err != nil {
			return nil, fmt.Errorf("encrypt %s: %w", v, err)
		}
		values[i].Value = &c
	}
	return values, nil
}

// checkClean refuses a work tree with changes: accept moves main, and a
// checkout with edits of its own would be left behind.
func checkClean(repo *gitstore.Repo) error {
	wt, err := repo.Git().Worktree()
	if err != nil {
		return err
	}
	st, err := wt.Status()
	if err != nil {
		return err
	}
	if !st.IsClean() {
		var files []string
		for f := range st {
			files = append(files, f)
		}
		sort.Strings(files)
		if len(files) > 5 {
			files = append(files[:5], "…")
		}
		return fmt.Errorf("the work tree has uncommitted changes (%s); commit or stash them first, since accept commits on main", strings.Join(files, ", "))
	}
	return nil
}
