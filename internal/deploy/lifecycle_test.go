package deploy_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/lifecycle"
)

const webProject = `project "web" {
  lifecycle = "Default"
}

step "Hello" {
  run_script {
    body = "echo hello from #{Octopus.Environment.Name}"
  }
}
`

func TestLifecycleRefusalWritesNothing(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/web/project.hcl": webProject})
	f.release(t, "web", "1.0.0")
	tip := f.ledgerTip(t)

	res, err := f.deploy(to("web", "1.0.0", "Test"))
	var refused *deploy.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("deploy to Test before Development: %v (%+v); want a *RefusedError", err, res)
	}
	var why *lifecycle.RefusalError
	if !errors.As(err, &why) || why.Phase != "Development" {
		t.Errorf("refusal %v does not carry the lifecycle's reason naming phase Development", err)
	}
	if want := `environment "Test" is in phase "Test", which needs phase "Development" complete first`; !strings.Contains(err.Error(), want) {
		t.Errorf("refusal %q does not say %q", err, want)
	}
	if f.ledgerTip(t) != tip {
		t.Error("a refused deployment wrote to the ledger")
	}
	if !dirEmpty(t, f.env.WorkDir) {
		t.Error("a refused deployment made a working directory")
	}
	if strings.Contains(f.out.String(), "hello") {
		t.Errorf("a refused deployment ran a step:\n%s", f.out)
	}
}

func TestRemoteEnvironmentRefusedWithPromoteHint(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/web/project.hcl": webProject})
	f.release(t, "web", "1.0.0")
	tip := f.ledgerTip(t)
	_, err := f.deploy(to("web", "1.0.0", "production"))
	var refused *deploy.RefusedError
	if !errors.As(err, &refused) {
		t.Fatalf("deploy to a remote environment: %v; want a *RefusedError", err)
	}
	for _, want := range []string{`Production is a remote environment, owned by Space "prod"`, "zonectl promote web 1.0.0 --to prod"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("refusal %q does not say %q", err, want)
		}
	}
	if f.ledgerTip(t) != tip {
		t.Error("a refused deployment wrote to the ledger")
	}

	_, err = f.deploy(to("web", "1.0.0", "Nowhere"))
	if !errors.As(err, &refused) || !strings.Contains(err.Error(), `environment "Nowhere" does not exist in this Space; its environments are "Development", "Test", "Staging"`) {
		t.Errorf("deploy to an unknown environment: %v", err)
	}
	_, err = f.deploy(to("web", "9.9.9", "Development"))
	if err == nil || !strings.Contains(err.Error(), `project "web" has no release 9.9.9`) {
		t.Errorf("deploy of a release that does not exist: %v", err)
	}
	if _, err := f.deploy(deploy.Options{Project: "web", Version: "1.0.0"}); err == nil || !strings.Contains(err.Error(), "--to ENV") {
		t.Errorf("deploy without an environment: %v", err)
	}
}

// A release goes to its automatic environments on creation, and on to the
// next automatic phase after a deployment completes the phase before it.
func TestAutomaticDeployments(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/web/project.hcl": webProject})
	rel := f.release(t, "web", "1.0.0")

	f.out.Reset()
	outs, err := deploy.Automatic(context.Background(), f.env, "web", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	if len(outs) != 1 || outs[0].Environment != "Development" || outs[0].State != ledger.StateSuccess || !outs[0].Automatic {
		t.Fatalf("Automatic on creation: %+v; want one successful automatic deployment to Development", outs)
	}
	if !strings.Contains(f.out.String(), "hello from Development") {
		t.Errorf("output:\n%s", f.out)
	}
	deps := f.deployments(t)
	if len(deps) != 1 {
		t.Fatalf("ledger holds %d deployments, want 1", len(deps))
	}
	ev := deps[0].Event
	if ev.Project != "web" || ev.Version != "1.0.0" || ev.Release != rel.Commit.String() || ev.Deployment.Environment != "Development" || ev.Deployment.ID != outs[0].ID || deps[0].Commit != outs[0].Ledger {
		t.Errorf("ledger event %+v (%+v) does not match the outcome %+v", ev, ev.Deployment, outs[0])
	}

	// Nothing more is automatic until Test is done.
	outs, err = deploy.Automatic(context.Background(), f.env, "web", "1.0.0")
	if err != nil || len(outs) != 0 {
		t.Errorf("Automatic again: %+v, %v; want nothing", outs, err)
	}

	// Deploying to Test completes its phase: Staging follows automatically.
	res := f.mustDeploy(t, to("web", "1.0.0", "test"))
	if len(res.Outcomes) != 1 || res.Outcomes[0].Environment != "Test" || res.Outcomes[0].State != ledger.StateSuccess {
		t.Fatalf("outcomes %+v", res.Outcomes)
	}
	if len(res.Automatic) != 1 || res.Automatic[0].Environment != "Staging" || !res.Automatic[0].Automatic || res.Automatic[0].State != ledger.StateSuccess {
		t.Fatalf("automatic after Test: %+v; want Staging", res.Automatic)
	}
	var envs []string
	for _, d := range f.deployments(t) {
		envs = append(envs, d.Event.Deployment.Environment+":"+d.Event.Deployment.State)
	}
	if got := strings.Join(envs, " "); got != "Development:Success Test:Success Staging:Success" {
		t.Errorf("ledger deployments %s", got)
	}

	// Redeploying where the release already is is always allowed.
	f.mustDeploy(t, to("web", "1.0.0", "Development"))
}

// Every ledger commit of a deployment is signed with the Space's key and
// records the deployment as docs/releases.md describes.
func TestDeploymentRecord(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/web/project.hcl": strings.Replace(webProject, `"Default"`, `"Anywhere"`, 1)})
	rel := f.release(t, "web", "1.0.0")
	res := f.mustDeploy(t, to("web", "1.0.0", "Test"))
	o := res.Outcomes[0]
	if !strings.HasPrefix(o.ID, "D-") || o.Ledger == "" || res.Failed() {
		t.Fatalf("outcome %+v", o)
	}
	deps := f.deployments(t)
	last := deps[len(deps)-1]
	if last.Commit != o.Ledger {
		t.Fatalf("last ledger commit %s, outcome says %s", last.Commit, o.Ledger)
	}
	if err := f.sp.Repo.VerifyCommit(plumbing.NewHash(last.Commit), f.verifier()); err != nil {
		t.Errorf("deployment ledger commit does not verify: %v", err)
	}
	ev := last.Event
	d := ev.Deployment
	if ev.Who != "Release Engineer <re@example.com>" || ev.Release != rel.Commit.String() || d.Environment != "Test" || d.Tenant != "" || d.State != "Success" || d.ID != o.ID {
		t.Errorf("event %+v %+v", ev, d)
	}
	if d.Started.IsZero() || d.Finished.Before(d.Started) || d.Finished.Location().String() != "UTC" {
		t.Errorf("started %v finished %v", d.Started, d.Finished)
	}
	if stepStates(d.Steps) != "Hello=Success" {
		t.Errorf("steps %s", stepStates(d.Steps))
	}
	logText := f.log(t, last.Commit)
	if d.LogSHA256 != sha256Hex([]byte(logText)) {
		t.Errorf("log_sha256 %s is not the SHA-256 of log.txt", d.LogSHA256)
	}
	for _, want := range []string{"Deploying web 1.0.0 to Test (" + o.ID + ")", "Step 1: Hello", "hello from Test", "Deployment " + o.ID + ": Success"} {
		if !strings.Contains(logText, want) {
			t.Errorf("log.txt lacks %q:\n%s", want, logText)
		}
	}
	if logText != f.out.String() {
		t.Errorf("log.txt differs from what was streamed:\n%s\n---\n%s", logText, f.out)
	}
	msg, err := f.sp.Repo.Git().CommitObject(plumbing.NewHash(last.Commit))
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(msg.Message) != "Deploy web 1.0.0 to Test: Success" {
		t.Errorf("ledger commit message %q", msg.Message)
	}
}
