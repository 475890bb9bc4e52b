package deploy_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/variables"
)

func TestDryRunPlansAndWritesNothing(t *testing.T) {
	f := newFixture(t, nil)
	marker := filepath.Join(t.TempDir(), "ran")
	f.commit(t, map[string]string{"projects/api/project.hcl": `project "api" {
  lifecycle = "Anywhere"
}

step "Build" {
  required = true
  run_script {
    body = "touch ` + marker + `"
  }
}

step "Notify failure" {
  condition = "failure"
  run_script {
    body = "echo failed"
  }
}

step "Only staging" {
  environments = ["Staging"]
  run_script {
    body = "echo staging"
  }
}

step "Not in test" {
  excluded_environments = ["Test"]
  run_script {
    body = "echo not test"
  }
}

step "Off" {
  disabled = true
  run_script {
    body = "echo off"
  }
}

step "Approve" {
  manual_intervention {
    instructions = "Check #{Octopus.Environment.Name}"
  }
}

step "Feature" {
  condition            = "variable"
  condition_expression = "#{EnableFeature}"
  run_script {
    body = "echo feature"
  }
}

step "Skippable" {
  run_script {
    body = "echo skippable"
  }
}

variable "Greeting" {
  value "hello" {}
  value "hello Test" {
    environment = ["Test"]
  }
}

variable "EnableFeature" {
  value "False" {}
}

variable "Url" {
  value "https://#{Host}/#{Greeting}" {}
}

variable "Host" {
  value "example.com" {}
}

variable "ApiKey" {
  sensitive = true
  value ` + f.encrypt(t, "hunter2-sekrit") + ` {
    environment = ["Test"]
  }
}
`})
	f.release(t, "api", "1.0.0")
	tip := f.ledgerTip(t)

	// A dry run needs neither the private key nor a signer.
	f.env.Decrypt, f.env.Signer = nil, nil
	opts := to("api", "1.0.0", "Test")
	opts.DryRun = true
	opts.Skip = []string{"Skippable"}
	res := f.mustDeploy(t, opts)

	if len(res.Outcomes) != 1 {
		t.Fatalf("outcomes %+v", res.Outcomes)
	}
	o := res.Outcomes[0]
	if o.State != "Planned" || o.ID != "" || o.Ledger != "" || o.Plan == nil || len(res.Automatic) != 0 {
		t.Fatalf("dry-run outcome %+v", o)
	}
	wantSteps := []deploy.PlannedStep{
		{Name: "Build", Action: "run_script", Run: true},
		{Name: "Notify failure", Action: "run_script", Reason: "runs only when an earlier step fails"},
		{Name: "Only staging", Action: "run_script", Reason: "runs only in Staging"},
		{Name: "Not in test", Action: "run_script", Reason: "excluded from Test"},
		{Name: "Off", Action: "run_script", Reason: "disabled"},
		{Name: "Approve", Action: "manual_intervention", Run: true, Reason: "waits for approval (--approve Approve)"},
		{Name: "Feature", Action: "run_script", Reason: "condition #{EnableFeature} is false"},
		{Name: "Skippable", Action: "run_script", Reason: "skipped with --skip"},
	}
	if !reflect.DeepEqual(o.Plan.Steps, wantSteps) {
		t.Errorf("plan steps\n%+v\nwant\n%+v", o.Plan.Steps, wantSteps)
	}

	vars := map[string]variables.Value{}
	for _, v := range o.Plan.Variables {
		vars[v.Name] = v
		if strings.Contains(v.Value, "hunter2") || strings.Contains(v.Source, "hunter2") || strings.Contains(v.Value, "PGP MESSAGE") {
			t.Errorf("plan variable %+v shows the secret or its ciphertext", v)
		}
	}
	for _, want := range []variables.Value{
		{Name: "Greeting", Value: "hello Test", Source: `value "hello Test" scoped to environment "Test"`},
		{Name: "EnableFeature", Value: "False", Source: `unscoped value "False"`},
		// Shown as a step receives it: substituted.
		{Name: "Url", Value: "https://example.com/hello Test", Source: `unscoped value "https://#{Host}/#{Greeting}"`},
		{Name: "ApiKey", Value: variables.Masked, Sensitive: true, Source: `sensitive value scoped to environment "Test"`},
		{Name: "Octopus.Environment.Name", Value: "Test", Source: "built-in"},
		{Name: "Octopus.Release.Number", Value: "1.0.0", Source: "built-in"},
		{Name: "Octopus.Project.Name", Value: "api", Source: "built-in"},
		{Name: "Octopus.Space.Name", Value: "devtest", Source: "built-in"},
	} {
		if got := vars[want.Name]; got != want {
			t.Errorf("plan variable %s = %+v, want %+v", want.Name, got, want)
		}
	}

	if f.ledgerTip(t) != tip {
		t.Error("a dry run wrote to the ledger")
	}
	if _, err := os.Stat(marker); err == nil {
		t.Error("a dry run ran a step")
	}
	if !dirEmpty(t, f.env.WorkDir) {
		t.Error("a dry run made a working directory")
	}
	if strings.Contains(f.out.String(), "Step 1") {
		t.Errorf("a dry run printed steps as run:\n%s", f.out)
	}
}

const failingProject = `project "api" {
  lifecycle = "Anywhere"
}

step "Build" {
  run_script {
    body = <<-EOT
      echo "building #{Octopus.Release.Number}"
      echo "to stderr" >&2
      exit 3
    EOT
  }
}

step "Next" {
  run_script {
    body = "echo next"
  }
}

step "Notify failure" {
  condition = "failure"
  run_script {
    syntax = "sh"
    body   = "echo notifying about the failure"
  }
}

step "Clean up" {
  condition = "always"
  run_script {
    body = "echo cleaning up"
  }
}

step "Flagged" {
  condition            = "variable"
  condition_expression = "#{if Flag}true#{/if}"
  run_script {
    body = "echo flagged"
  }
}

step "Unflagged" {
  condition            = "variable"
  condition_expression = "#{NoFlag}"
  run_script {
    body = "echo unflagged"
  }
}

variable "Flag" {
  value "True" {}
}

variable "NoFlag" {
  value "False" {}
}
`

func TestFailingScriptFailsTheDeployment(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/api/project.hcl": failingProject})
	f.release(t, "api", "1.0.0")
	res, err := f.deploy(to("api", "1.0.0", "Development"))
	if err != nil {
		t.Fatalf("a failed deployment is a result, not an error: %v", err)
	}
	o := res.Outcomes[0]
	if o.State != ledger.StateFailed || !res.Failed() {
		t.Fatalf("outcome %+v, want Failed", o)
	}
	want := []ledger.StepResult{
		{Name: "Build", State: "Failed", Reason: "the script exited with status 3"},
		{Name: "Next", State: "Skipped", Reason: "an earlier step failed"},
		{Name: "Notify failure", State: "Success"},
		{Name: "Clean up", State: "Success"},
		{Name: "Flagged", State: "Success"},
		{Name: "Unflagged", State: "Skipped", Reason: "condition #{NoFlag} is false"},
	}
	if !reflect.DeepEqual(o.Steps, want) {
		t.Errorf("steps\n%+v\nwant\n%+v", o.Steps, want)
	}
	if len(res.Automatic) != 0 {
		t.Errorf("automatic deployments after a failure: %+v", res.Automatic)
	}

	deps := f.deployments(t)
	if len(deps) != 1 {
		t.Fatalf("%d deployments in the ledger, want 1", len(deps))
	}
	d := deps[0].Event.Deployment
	if d.State != ledger.StateFailed || !reflect.DeepEqual(d.Steps, want) {
		t.Errorf("ledger record %+v", d)
	}
	logText := f.log(t, deps[0].Commit)
	for _, s := range []string{"building 1.0.0", "to stderr", "Step 1: Build failed: the script exited with status 3", "notifying about the failure", "cleaning up", "flagged", "Step 2: Next: skipped (an earlier step failed)", ": Failed"} {
		if !strings.Contains(logText, s) {
			t.Errorf("log.txt lacks %q:\n%s", s, logText)
		}
	}
	if strings.Contains(logText, "\nnext\n") || strings.Contains(logText, "unflagged") {
		t.Errorf("log.txt shows skipped steps running:\n%s", logText)
	}
	if d.LogSHA256 != sha256Hex([]byte(logText)) {
		t.Error("log_sha256 does not match log.txt")
	}

	// A failed deployment can be retried; the ledger keeps both.
	f.mustDeploy(t, to("api", "1.0.0", "Development"))
	if n := len(f.deployments(t)); n != 2 {
		t.Errorf("%d deployments after a retry, want 2", n)
	}
}

func TestConditionsOnSuccess(t *testing.T) {
	project := strings.Replace(failingProject, "exit 3", "exit 0", 1)
	f := newFixture(t, map[string]string{"projects/api/project.hcl": project})
	f.release(t, "api", "1.0.0")
	res := f.mustDeploy(t, to("api", "1.0.0", "Test"))
	want := "Build=Success Next=Success Notify failure=Skipped Clean up=Success Flagged=Success Unflagged=Skipped"
	if got := stepStates(res.Outcomes[0].Steps); got != want {
		t.Errorf("steps %s\nwant  %s", got, want)
	}
	if r := res.Outcomes[0].Steps[2].Reason; r != "runs only when an earlier step fails" {
		t.Errorf("reason %q", r)
	}
}

func TestSkip(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/api/project.hcl": `project "api" {
  lifecycle = "Anywhere"
}

step "Migrate" {
  required = true
  run_script {
    body = "echo migrate"
  }
}

step "Smoke test" {
  run_script {
    body = "echo smoke"
  }
}
`})
	f.release(t, "api", "1.0.0")
	tip := f.ledgerTip(t)
	for _, tt := range []struct {
		opts func(o *deploy.Options)
		want string
	}{
		{func(o *deploy.Options) { o.Skip = []string{"migrate"} }, `step "Migrate" is required and cannot be skipped`},
		{func(o *deploy.Options) { o.Skip = []string{"Nope"} }, `--skip "Nope" names no step of api (its steps are "Migrate", "Smoke test")`},
		{func(o *deploy.Options) { o.Approve = []string{"Migrate"} }, `step "Migrate" is not a manual intervention; there is nothing to approve`},
		{func(o *deploy.Options) { o.Approve = []string{"Nope"} }, `--approve "Nope" names no step of api`},
	} {
		opts := to("api", "1.0.0", "Test")
		tt.opts(&opts)
		_, err := f.deploy(opts)
		var refused *deploy.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("deploy with %+v: %v; want a refusal saying %q", opts, err, tt.want)
		}
	}
	if f.ledgerTip(t) != tip || !dirEmpty(t, f.env.WorkDir) {
		t.Error("a refused deployment wrote something")
	}

	opts := to("api", "1.0.0", "Test")
	opts.Skip = []string{"SMOKE TEST"}
	res := f.mustDeploy(t, opts)
	o := res.Outcomes[0]
	if stepStates(o.Steps) != "Migrate=Success Smoke test=Skipped" || o.Steps[1].Reason != "skipped with --skip" {
		t.Errorf("steps %+v", o.Steps)
	}
	deps := f.deployments(t)
	if d := deps[len(deps)-1].Event.Deployment; !reflect.DeepEqual(d.Skipped, []string{"SMOKE TEST"}) {
		t.Errorf("ledger skipped %v", d.Skipped)
	}
}

func TestManualInterventionWaitsAndResumes(t *testing.T) {
	f := newFixture(t, nil)
	counts := t.TempDir()
	before, after := filepath.Join(counts, "before"), filepath.Join(counts, "after")
	f.commit(t, map[string]string{"projects/api/project.hcl": `project "api" {
  lifecycle = "Anywhere"
}

step "Prepare" {
  run_script {
    body = "echo run >> ` + before + `; echo prepared"
  }
}

step "Approve" {
  manual_intervention {
    instructions = "Check the ticket for #{Octopus.Environment.Name}"
  }
}

step "Release" {
  run_script {
    body = "echo run >> ` + after + `; echo released $Octopus_Deployment_Id"
  }
}
`})
	f.release(t, "api", "1.0.0")

	res := f.mustDeploy(t, to("api", "1.0.0", "Test"))
	first := res.Outcomes[0]
	if first.State != ledger.StateWaiting || first.Waiting != "Approve" || res.Failed() {
		t.Fatalf("outcome %+v, want Waiting for Approve", first)
	}
	if stepStates(first.Steps) != "Prepare=Success Approve=Waiting" {
		t.Errorf("steps %s", stepStates(first.Steps))
	}
	out := f.out.String()
	for _, want := range []string{"Step 2: Approve: waiting for approval", "Check the ticket for Test", `zonectl deploy api 1.0.0 --to Test --approve "Approve"`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if lines(t, before) != 1 || lines(t, after) != 0 {
		t.Fatalf("before the approval: Prepare ran %d times, Release %d", lines(t, before), lines(t, after))
	}
	deps := f.deployments(t)
	if len(deps) != 1 || deps[0].Event.Deployment.State != ledger.StateWaiting || deps[0].Event.Deployment.ID != first.ID {
		t.Fatalf("ledger after waiting: %+v", deps)
	}

	opts := to("api", "1.0.0", "Test")
	opts.Approve = []string{"approve"}
	res = f.mustDeploy(t, opts)
	second := res.Outcomes[0]
	if second.ID != first.ID {
		t.Errorf("resumed deployment has ID %s, want %s", second.ID, first.ID)
	}
	if second.State != ledger.StateSuccess || stepStates(second.Steps) != "Prepare=Success Approve=Success Release=Success" {
		t.Errorf("resumed outcome %s: %s", second.State, stepStates(second.Steps))
	}
	if lines(t, before) != 1 || lines(t, after) != 1 {
		t.Errorf("after the approval: Prepare ran %d times (want 1), Release %d (want 1)", lines(t, before), lines(t, after))
	}
	if !strings.Contains(f.out.String(), "approved: Check the ticket for Test") || !strings.Contains(f.out.String(), "released "+first.ID) {
		t.Errorf("resumed output:\n%s", f.out)
	}
	deps = f.deployments(t)
	if len(deps) != 2 {
		t.Fatalf("%d deployment events, want 2", len(deps))
	}
	d1, d2 := deps[0].Event.Deployment, deps[1].Event.Deployment
	if d2.ID != d1.ID || d2.State != ledger.StateSuccess || !d2.Started.Equal(d1.Started) || !reflect.DeepEqual(d2.Approved, []string{"approve"}) {
		t.Errorf("resumed record %+v; first %+v", d2, d1)
	}

	// Approved in advance: no wait, and a new deployment.
	res = f.mustDeploy(t, opts)
	if o := res.Outcomes[0]; o.State != ledger.StateSuccess || o.ID == first.ID || lines(t, before) != 2 || lines(t, after) != 2 {
		t.Errorf("deployment approved in advance: %+v; Prepare ran %d times, Release %d", o, lines(t, before), lines(t, after))
	}
}

func TestStepTimeout(t *testing.T) {
	f := newFixture(t, map[string]string{"projects/api/project.hcl": `project "api" {
  lifecycle = "Anywhere"
}

step "Slow" {
  timeout = "1s"
  run_script {
    body = "echo starting; sleep 5; echo finished"
  }
}
`})
	f.release(t, "api", "1.0.0")
	res := f.mustDeploy(t, to("api", "1.0.0", "Test"))
	o := res.Outcomes[0]
	if o.State != ledger.StateFailed || len(o.Steps) != 1 || o.Steps[0].State != ledger.StateFailed {
		t.Fatalf("outcome %+v", o)
	}
	if !strings.Contains(o.Steps[0].Reason, "timed out") {
		t.Errorf("reason %q, want it to say the step timed out", o.Steps[0].Reason)
	}
	deps := f.deployments(t)
	logText := f.log(t, deps[len(deps)-1].Commit)
	if !strings.Contains(logText, "starting") || strings.Contains(logText, "finished") || !strings.Contains(logText, "timed out after 1s") {
		t.Errorf("log.txt:\n%s", logText)
	}
}

// A script runs in its step's directory with the resolved variables under
// shell-safe names, and inherits nothing else of zonectl's environment
// beyond the listed basics.
func TestScriptEnvironment(t *testing.T) {
	t.Setenv("ZONECTL_SECRET_OF_THE_PARENT", "leaked")
	t.Setenv("TZ", "UTC")
	f := newFixture(t, map[string]string{"projects/api/project.hcl": `project "api" {
  lifecycle = "Anywhere"
}

step "Show" {
  run_script {
    body = <<-EOT
      echo "env=$Octopus_Environment_Name project=$Octopus_Project_Name release=$Octopus_Release_Number step=$Octopus_Step_Name"
      echo "id=$Octopus_Deployment_Id"
      echo "db=$Database_Host"
      echo "parent=$${ZONECTL_SECRET_OF_THE_PARENT:-unset} tz=$${TZ:-unset}"
      echo "dir=$(basename "$PWD")"
    EOT
  }
}

variable "Database.Host" {
  value "db.internal" {}
}
`})
	f.release(t, "api", "1.0.0")
	res := f.mustDeploy(t, to("api", "1.0.0", "Staging"))
	out := f.out.String()
	for _, want := range []string{
		"env=Staging project=api release=1.0.0 step=Show",
		"id=" + res.Outcomes[0].ID,
		"db=db.internal",
		"parent=unset tz=UTC",
		"dir=01-Show",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// The substituted script does not outlive its step.
	err := filepath.WalkDir(f.env.WorkDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && d.Name() == "script.sh" {
			t.Errorf("%s left behind", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}
