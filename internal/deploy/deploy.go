package deploy

import (
	"context"
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/lifecycle"
	"github.com/zonectl/zonectl/internal/release"
)

// Result is what a deploy command did: one outcome per tenant (one for an
// untenanted deployment), and the automatic deployments that followed.
type Result struct {
	Project   string    `json:"project"`
	Version   string    `json:"version"`
	Outcomes  []Outcome `json:"deployments"`
	Automatic []Outcome `json:"automatic,omitempty"`
}

// Failed reports whether any deployment failed.
func (r *Result) Failed() bool {
	for _, o := range append(append([]Outcome(nil), r.Outcomes...), r.Automatic...) {
		if o.State == "Failed" {
			return true
		}
	}
	return false
}

// target is everything one deploy command works on, loaded once.
type target struct {
	cfg     *config.Space
	rel     *release.Loaded
	project *config.Project // the project as main has it now, for tenants; nil for imported ones
	env     string          // the environment's declared name
	lc      *lifecycle.Lifecycle
	// published is where this Space published an imported release's
	// packages, which its deployments and receipts report.
	published []ledger.Published
}

// Deploy deploys a release to an environment, once per chosen tenant:
// the lifecycle must allow it, every required variable template must have
// a value, and then the steps run in order. Each result is signed into the
// ledger. With DryRun, nothing runs and nothing is written: the outcomes
// carry the plan. A deployment that completes a lifecycle phase triggers
// the automatic environments that become eligible.
func Deploy(ctx context.Context, env *Env, opts Options) (*Result, error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	t, err := load(env, opts.Project, opts.Version)
	if err != nil {
		return nil, err
	}
	if err := t.setEnvironment(opts.Environment); err != nil {
		return nil, err
	}
	tenants, err := t.tenants(opts.Tenant, opts.TenantTag)
	if err != nil {
		return nil, err
	}
	if err := checkStepFlags(&t.rel.Process, opts); err != nil {
		return nil, err
	}
	history, err := History(env.Repo, t.rel.Release.Project, t.rel.Release.Version)
	if err != nil {
		return nil, err
	}
	for _, tn := range tenants {
		if err := t.lc.Check(t.env, tenantName(tn), history.Results()); err != nil {
			return nil, &RefusedError{Err: err}
		}
	}
	if err := fetch(ctx, env, t, opts.DryRun); err != nil {
		return nil, err
	}
	res := &Result{Project: t.rel.Release.Project, Version: t.rel.Release.Version}
	for _, tn := range tenants {
		o, err := run(ctx, env, t, tn, opts, history)
		if err != nil {
			return res, err
		}
		res.Outcomes = append(res.Outcomes, *o)
	}
	if !opts.DryRun && !res.Failed() {
		auto, err := automatic(ctx, env, t)
		res.Automatic = auto
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

// Automatic deploys a release to every automatic environment its
// lifecycle makes eligible now, for the untenanted deployment and for each
// tenant connected to the project, as Octopus does on release creation.
func Automatic(ctx context.Context, env *Env, project, version string) ([]Outcome, error) {
	t, err := load(env, project, version)
	if err != nil {
		return nil, err
	}
	return automatic(ctx, env, t)
}

// fetch makes the release's packages present before a deployment that
// runs: one that cannot have its bytes fails before it is recorded. Once
// they are in the store, fetching again costs a look.
func fetch(ctx context.Context, env *Env, t *target, dryRun bool) error {
	if dryRun {
		return nil
	}
	if from := t.rel.Release.ImportedFrom; from != nil && t.published == nil {
		var err error
		if t.published, err = ledger.PublishedFor(env.Repo, t.rel.Release.Project, t.rel.Release.Version, from.Commit); err != nil {
			return err
		}
	}
	if env.Fetch == nil {
		return nil
	}
	if err := env.Fetch(ctx, t.rel.Release.Packages); err != nil {
		return fmt.Errorf("the release's packages could not be fetched, and nothing ran: %w", err)
	}
	return nil
}

func automatic(ctx context.Context, env *Env, t *target) ([]Outcome, error) {
	var out []Outcome
	// Each success may complete a phase and make more environments
	// eligible; the loop ends because every round deploys an environment
	// that had no success, and there are finitely many.
	for round := 0; round < 100; round++ {
		history, err := History(env.Repo, t.rel.Release.Project, t.rel.Release.Version)
		if err != nil {
			return out, err
		}
		progressed := false
		for _, tn := range t.automaticTenants() {
			for _, e := range t.lc.Automatic(tenantName(tn), history.Results()) {
				if tn != nil && !t.connected(tn, e) {
					continue
				}
				t.env = e
				if err := fetch(ctx, env, t, false); err != nil {
					return out, err
				}
				o, err := run(ctx, env, t, tn, Options{Project: t.rel.Release.Project, Version: t.rel.Release.Version, Environment: e}, history)
				if err != nil {
					return out, err
				}
				o.Automatic = true
				out = append(out, *o)
				if o.State != "Success" {
					return out, nil
				}
				progressed = true
			}
		}
		if !progressed {
			break
		}
	}
	return out, nil
}

func load(env *Env, project, version string) (*target, error) {
	main, err := env.Repo.Main()
	if err != nil {
		return nil, err
	}
	cfg, err := release.LoadProjectConfig(env.Repo, "main", main, project)
	if err != nil {
		return nil, err
	}
	rel, err := release.Load(env.Repo, project, version)
	if err != nil {
		return nil, err
	}
	lc := cfg.Lifecycle(rel.Release.Lifecycle)
	if lc == nil {
		return nil, refusef("release %s %s follows lifecycle %q, which main no longer declares", rel.Release.Project, rel.Release.Version, rel.Release.Lifecycle)
	}
	return &target{cfg: cfg, rel: rel, project: cfg.Project(rel.Release.Project), lc: lifecycle.New(lc, lifecycle.SpaceEnvironments(cfg))}, nil
}

// setEnvironment checks that name is an environment this Space deploys to.
func (t *target) setEnvironment(name string) error {
	if e := t.cfg.Environment(name); e != nil {
		t.env = e.Name
		return nil
	}
	if re := t.cfg.RemoteEnvironment(name); re != nil {
		return refusef("%s is a remote environment, owned by Space %q: this Space cannot deploy there. Promote the release with `zonectl promote %s %s --to %s`, and %s deploys it", re.Name, re.Space.Name, t.rel.Release.Project, t.rel.Release.Version, re.Space.Name, re.Space.Name)
	}
	var names []string
	for _, e := range t.cfg.Environments {
		names = append(names, fmt.Sprintf("%q", e.Name))
	}
	return refusef("environment %q does not exist in this Space; its environments are %s.%s", name, strings.Join(names, ", "), config.DidYouMean(name, t.cfg.EnvironmentNames()))
}

func tenantName(t *config.Tenant) string {
	if t == nil {
		return ""
	}
	return t.Name
}
