package deploy

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/inbox"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/mask"
	"github.com/zonectl/zonectl/internal/octostache"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

// Outcome is one deployment: for one tenant (or none) to one environment.
type Outcome struct {
	ID          string              `json:"id,omitempty"`
	Environment string              `json:"environment"`
	Tenant      string              `json:"tenant,omitempty"`
	State       string              `json:"state"` // Success, Failed, Waiting; "Planned" for a dry run
	Steps       []ledger.StepResult `json:"steps"`
	Waiting     string              `json:"waiting_for,omitempty"` // the manual intervention it waits for
	Ledger      string              `json:"ledger_commit,omitempty"`
	// Unpushed is set when the Space's remote stayed taken by others'
	// pushes for longer than gitstore.RecordPatience: the deployment is
	// recorded in this clone, and pushed by the next command that writes.
	Unpushed  bool  `json:"unpushed,omitempty"`
	Automatic bool  `json:"automatic,omitempty"`
	Plan      *Plan `json:"plan,omitempty"`
}

// Plan is what a dry run shows: the steps with whether each would run and
// why not, and every resolved variable with its source, secrets masked.
type Plan struct {
	Steps     []PlannedStep     `json:"steps"`
	Variables []variables.Value `json:"variables"`
}

// PlannedStep is one step of a plan.
type PlannedStep struct {
	Name   string `json:"name"`
	Action string `json:"action"`
	Run    bool   `json:"run"`
	Reason string `json:"reason,omitempty"`
}

// run performs (or, with DryRun, plans) one deployment.
func run(ctx context.Context, env *Env, t *target, tenant *config.Tenant, opts Options, h Deployments) (*Outcome, error) {
	rel := t.rel
	vctx := variables.Context{Environment: t.env, Channel: rel.Release.Channel}
	b := variables.Builtins{
		Space: env.SpaceName, Project: rel.Release.Project, Release: rel.Release.Version,
		ReleaseNotes: rel.Release.Notes, Channel: rel.Release.Channel, Environment: t.env,
		CreatedBy: env.Author.Name,
	}
	if tenant != nil {
		vctx.Tenant, b.Tenant = tenant.Name, tenant.Name
		vctx.TenantTags = config.Names(tenant.Tags)
		b.TenantTags = vctx.TenantTags
	}
	// An imported release takes the template values this Space supplies
	// in its binding file, as they are on main now.
	var extra []snapshot.Variable
	if rel.Release.ImportedFrom != nil {
		extra = inbox.Extra(inbox.FromBinding(t.cfg.Import(rel.Release.Project)), rel.Variables.Templates)
	}
	all := append(append([]snapshot.Variable(nil), rel.Variables.Variables...), extra...)
	if err := variables.CheckTemplates(rel.Variables.Templates, all, vctx); err != nil {
		return nil, &RefusedError{Err: err}
	}
	decrypt := env.Decrypt
	if opts.DryRun {
		decrypt = nil // a plan shows no secret, so it needs no private key
	}
	resume := h.waiting(t.env, tenantName(tenant))
	id := newID(env.now())
	if resume != nil && config.HasName(opts.Approve, resume.Steps[len(resume.Steps)-1].Name) {
		id = resume.ID
	} else {
		resume = nil
	}
	b.DeploymentID = id
	vars, err := variables.Resolve(rel.Variables.Variables, rel.Variables.Templates, b, vctx, variables.Options{Decrypt: decrypt, Extra: extra})
	if err != nil {
		return nil, err
	}
	o := &Outcome{ID: id, Environment: t.env, Tenant: tenantName(tenant)}
	if opts.DryRun {
		o.ID, o.State, o.Plan = "", "Planned", plan(t, tenant, opts, vars)
		return o, nil
	}

	// Every spelling a template can make of a secret is masked too
	// (#{Secret | ToUpper}, one line of a key file), not only the value.
	masker := mask.New()
	for _, secret := range vars.Secrets() {
		masker.Add(octostache.Forms(secret)...)
	}
	var log bytes.Buffer
	out := masker.Writer(io.MultiWriter(env.Output, &log))
	r := &runner{env: env, t: t, tenant: tenant, opts: opts, vars: vars, out: out, masker: masker}
	if resume != nil {
		r.deployed = append(r.deployed, resume.Packages...)
	}
	work, err := newWorkDir(env.WorkDir, id)
	if err != nil {
		return nil, err
	}
	defer work.Remove()
	r.dir = work.Path()
	started := env.now()
	fmt.Fprintf(out, "Deploying %s %s to %s%s (%s)\n", rel.Release.Project, rel.Release.Version, t.env, forTenant(tenant), id)
	o.State, o.Steps, o.Waiting = r.steps(ctx, resume)
	fmt.Fprintf(out, "Deployment %s: %s\n", id, o.State)
	out.Close()

	rec := &ledger.DeploymentRecord{
		ID: id, Environment: t.env, Tenant: tenantName(tenant), State: o.State,
		Started: started, Finished: env.now(), Packages: r.deployed, Steps: o.Steps,
		Approved: opts.Approve, Skipped: opts.Skip,
	}
	if resume != nil {
		rec.Started = resume.Started
	}
	return o, recordOutcome(ctx, env, rel, o, rec, masker.Bytes(log.Bytes()))
}

// recordOutcome records a deployment that ran, with its masked log, and
// fills in where the Outcome is recorded.
func recordOutcome(ctx context.Context, env *Env, rel *release.Loaded, o *Outcome, rec *ledger.DeploymentRecord, logData []byte) error {
	sum := sha256.Sum256(logData)
	rec.LogSHA256 = hex.EncodeToString(sum[:])
	// A deployment stopped by a signal (Ctrl-C, SIGTERM, SIGHUP) is
	// recorded all the same, as failed with the reason: the steps that
	// ran did run. The record gets a moment of its own to be written.
	if ctx.Err() != nil {
		rec.State, o.State = ledger.StateFailed, ledger.StateFailed
		rec.Error = "interrupted: " + context.Cause(ctx).Error()
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
	}
	commit, unpushed, err := record(ctx, env, rel, rec, logData)
	o.Unpushed = unpushed != nil && err == nil
	if o.Unpushed {
		fmt.Fprintf(env.Output, "zonectl: warning: deployment %s is recorded in this clone only, and the next command that writes (or zonectl sync) pushes it: %v\n", rec.ID, unpushed)
	}
	if err != nil {
		return fmt.Errorf("deployment %s finished %s but could not be recorded: %w", rec.ID, o.State, err)
	}
	o.Ledger = commit.String()
	return nil
}

// record signs a deployment into the ledger and, for a release from
// another Space, into the receipts that travel back to it: one
// transaction, so that a deployment is never recorded without its receipt.
func record(ctx context.Context, env *Env, rel *release.Loaded, rec *ledger.DeploymentRecord, logData []byte) (plumbing.Hash, error, error) {
	var commit plumbing.Hash
	what := fmt.Sprintf("deploy %s %s to %s", rel.Release.Project, rel.Release.Version, rec.Environment)
	// The steps ran: the record must not be lost to a busy remote.
	unpushed, err := env.Repo.Record(ctx, what, func(tx *gitstore.Tx) error {
		who := fmt.Sprintf("%s <%s>", env.Author.Name, env.Author.Email)
		var err error
		commit, err = ledger.Append(tx, env.Signer, env.Author, ledger.Event{
			Type: ledger.Deployment, Time: rec.Finished, Who: who,
			Project: rel.Release.Project, Version: rel.Release.Version, Release: rel.Commit.String(), Deployment: rec,
		}, []gitstore.File{{Path: "log.txt", Data: logData}})
		if err != nil {
			return err
		}
		if from := rel.Release.ImportedFrom; from != nil {
			_, err = receipt.Append(tx, env.Signer, env.Author, env.SpaceName, rel.Release.Project, rel.Release.Version,
				receipt.Origin{Source: from.Space, Revision: from.Revision, Promotion: from.Commit}, rec, who)
		}
		return err
	})
	return commit, unpushed, err
}

func forTenant(t *config.Tenant) string {
	if t == nil {
		return ""
	}
	return " for " + t.Name
}

// plan decides every step as a deployment would, running none.
func plan(t *target, tenant *config.Tenant, opts Options, vars *variables.Set) *Plan {
	p := &Plan{Variables: vars.All()}
	// Show each value as a step would receive it: substituted.
	for i, v := range p.Variables {
		if v.Sensitive || !strings.Contains(v.Value, "#{") {
			continue
		}
		if out, err := octostache.Evaluate(v.Value, vars); err == nil {
			p.Variables[i].Value = out
		}
	}
	for i := range t.rel.Process.Steps {
		st := &t.rel.Process.Steps[i]
		d := decide(st, t.env, tenant, opts, false, vars.ForStep(st.Name, nil))
		ps := PlannedStep{Name: st.Name, Action: st.Action(), Run: d.run, Reason: d.reason}
		if d.run && st.ManualIntervention != nil && !config.HasName(opts.Approve, st.Name) {
			ps.Reason = "waits for approval (--approve " + st.Name + ")"
		}
		p.Steps = append(p.Steps, ps)
	}
	return p
}

// newID names a deployment uniquely without a counter that two
// processes could race for.
func newID(now time.Time) string {
	var b [3]byte
	rand.Read(b[:])
	return "D-" + now.Format("20060102T150405Z") + "-" + hex.EncodeToString(b[:])
}

// stepLabel is how a step is introduced in the log.
func stepLabel(i int, name string) string {
	return fmt.Sprintf("Step %d: %s", i+1, name)
}
