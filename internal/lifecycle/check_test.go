package lifecycle

import (
	"errors"
	"testing"
)

type checkCase struct {
	name    string
	env     string
	tenant  string
	history []Result
	want    string // the refusal's message; "" when the deployment is allowed
}

func runChecks(t *testing.T, lc *Lifecycle, cases []checkCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := lc.Check(c.env, c.tenant, c.history)
			if got := errString(err); got != c.want {
				t.Errorf("Check(%q, %q):\n got %q\nwant %q", c.env, c.tenant, got, c.want)
			}
			if err != nil {
				var re *RefusalError
				if !errors.As(err, &re) {
					t.Errorf("Check(%q) returned %T, want *RefusalError", c.env, err)
				}
			}
		})
	}
}

// standard is Development → Test → Staging (one of two) → Production
// (remote).
func standard() *Lifecycle {
	return newLC(
		auto(phase("Development", "all", "Development"), "Development"),
		phase("Test", "all", "Test"),
		phase("Staging", "1", "Staging-A", "Staging-B"),
		phase("Production", "all", "Production"),
	)
}

func TestPhasesInOrder(t *testing.T) {
	runChecks(t, standard(), []checkCase{
		{name: "first phase at once", env: "Development"},
		{name: "second phase waits for the first", env: "Test",
			want: `environment "Test" is in phase "Test", which needs phase "Development" complete first: it still needs a successful deployment to "Development"`},
		{name: "second phase after the first", env: "Test", history: hist(ok("Development"))},
		{name: "third phase names the first incomplete phase", env: "Staging-A",
			want: `environment "Staging-A" is in phase "Staging", which needs phase "Development" complete first: it still needs a successful deployment to "Development"`},
		{name: "third phase waits for the second", env: "Staging-A", history: hist(ok("Development")),
			want: `environment "Staging-A" is in phase "Staging", which needs phase "Test" complete first: it still needs a successful deployment to "Test"`},
		{name: "third phase after the second", env: "Staging-B", history: hist(ok("Development"), ok("Test"))},
	})
}

func TestRequiredAll(t *testing.T) {
	lc := newLC(
		phase("Staging", "all", "Staging-A", "Staging-B", "Test"),
		phase("Production", "all", "Development"),
	)
	runChecks(t, lc, []checkCase{
		{name: "none reached", env: "Development",
			want: `environment "Development" is in phase "Production", which needs phase "Staging" complete first: it still needs successful deployments to "Staging-A", "Staging-B" and "Test"`},
		{name: "some reached", env: "Development", history: hist(ok("Staging-A"), ok("Test")),
			want: `environment "Development" is in phase "Production", which needs phase "Staging" complete first: it still needs a successful deployment to "Staging-B"`},
		{name: "all reached", env: "Development", history: hist(ok("Staging-A"), ok("Staging-B"), ok("Test"))},
	})
}

func TestRequiredN(t *testing.T) {
	lc := newLC(
		phase("Staging", "2", "Staging-A", "Staging-B", "Test"),
		phase("Production", "all", "Development"),
	)
	runChecks(t, lc, []checkCase{
		{name: "none reached", env: "Development",
			want: `environment "Development" is in phase "Production", which needs phase "Staging" complete first: it still needs successful deployments to 2 of "Staging-A", "Staging-B", "Test"`},
		{name: "one short", env: "Development", history: hist(ok("Test")),
			want: `environment "Development" is in phase "Production", which needs phase "Staging" complete first: it still needs a successful deployment to one of "Staging-A", "Staging-B"`},
		{name: "N reached", env: "Development", history: hist(ok("Test"), ok("Staging-B"))},
	})
}

func TestRequiredZeroIsOptional(t *testing.T) {
	lc := newLC(
		phase("Staging", "0", "Staging-A", "Staging-B"),
		phase("Production", "all", "Development"),
	)
	if !lc.Phases()[0].Optional {
		t.Error("a phase requiring 0 environments is not optional")
	}
	if !lc.Complete(0, "", nil) {
		t.Error("a phase requiring 0 environments is not complete at once")
	}
	runChecks(t, lc, []checkCase{
		{name: "does not block", env: "Development"},
		{name: "its environments are deployable", env: "Staging-A"},
	})
}

func TestRequiredMoreThanEnvironmentsMeansAll(t *testing.T) {
	lc := newLC(
		phase("Staging", "3", "Staging-A", "Staging-B"),
		phase("Production", "all", "Development"),
	)
	runChecks(t, lc, []checkCase{
		{name: "one reached", env: "Development", history: hist(ok("Staging-A")),
			want: `environment "Development" is in phase "Production", which needs phase "Staging" complete first: it still needs a successful deployment to "Staging-B"`},
		{name: "all reached", env: "Development", history: hist(ok("Staging-A"), ok("Staging-B"))},
	})
}

func TestOptionalPhaseIsCompleteAtOnce(t *testing.T) {
	lc := newLC(phase("Smoke", "optional", "Test"), phase("Production", "all", "Development"))
	if !lc.Complete(0, "", nil) {
		t.Error("an optional phase is not complete at once")
	}
	runChecks(t, lc, []checkCase{
		{name: "does not block the next phase", env: "Development"},
		{name: "its environments are deployable", env: "Test"},
	})
}

func TestOptionalPhaseDeployableAfterEarlierPhases(t *testing.T) {
	lc := newLC(
		phase("Development", "all", "Development"),
		phase("Smoke", "optional", "Test"),
		phase("Staging", "all", "Staging-A"),
	)
	runChecks(t, lc, []checkCase{
		{name: "optional phase waits for earlier ones", env: "Test",
			want: `environment "Test" is in phase "Smoke", which needs phase "Development" complete first: it still needs a successful deployment to "Development"`},
		{name: "optional phase after earlier ones", env: "Test", history: hist(ok("Development"))},
		{name: "phase after the optional one skips it", env: "Staging-A", history: hist(ok("Development"))},
	})
}

func TestNotInLifecycleRefused(t *testing.T) {
	lc := newLC(phase("Development", "all", "Development"), phase("Test", "all", "Test"))
	runChecks(t, lc, []checkCase{
		{name: "declared but in no phase", env: "staging-a",
			want: `environment "Staging-A" is not in lifecycle "Default" (phases: "Development", "Test")`},
		{name: "not declared at all", env: "Nowhere",
			want: `environment "Nowhere" is not in lifecycle "Default" (phases: "Development", "Test")`},
	})
	var re *RefusalError
	if err := lc.Check("Staging-A", "", nil); !errors.As(err, &re) || re.Reason != NotInLifecycle {
		t.Errorf("Check(Staging-A) = %v, want a NotInLifecycle refusal", err)
	}
}

func TestRedeployToReachedEnvironmentAlwaysAllowed(t *testing.T) {
	runChecks(t, standard(), []checkCase{
		// Development was never reached, so Test would be refused, but the
		// release already reached Test (say, under an earlier lifecycle).
		{name: "earlier phase incomplete", env: "Test", history: hist(ok("Test"))},
		{name: "ignoring case", env: "TEST", history: hist(ok("test"))},
	})
	lc := newLC(phase("Development", "all", "Development"))
	runChecks(t, lc, []checkCase{
		{name: "environment no longer in the lifecycle", env: "Test", history: hist(ok("Test"))},
	})
}

func TestFailureDoesNotCount(t *testing.T) {
	lc := standard()
	runChecks(t, lc, []checkCase{
		{name: "failed deployment does not complete a phase", env: "Test", history: hist(failed("Development")),
			want: `environment "Test" is in phase "Test", which needs phase "Development" complete first: it still needs a successful deployment to "Development"`},
		{name: "failed deployment does not reach", env: "Test", history: hist(failed("Test")),
			want: `environment "Test" is in phase "Test", which needs phase "Development" complete first: it still needs a successful deployment to "Development"`},
		{name: "success after failure counts", env: "Test", history: hist(failed("Development"), ok("Development"))},
		{name: "failure after success still counts", env: "Test", history: hist(ok("Development"), failed("Development"))},
	})
	if lc.Complete(0, "", hist(failed("Development"))) {
		t.Error("a failed deployment completed a phase")
	}
}

func TestFailedDeploymentCanBeRetried(t *testing.T) {
	runChecks(t, standard(), []checkCase{
		{name: "retry in the first phase", env: "Development", history: hist(failed("Development"))},
		{name: "retry in a later phase", env: "Test", history: hist(ok("Development"), failed("Test"), failed("Test"))},
	})
}

func TestRemoteEnvironmentNeverDeployedLocally(t *testing.T) {
	all := hist(ok("Development"), ok("Test"), ok("Staging-A"))
	runChecks(t, standard(), []checkCase{
		{name: "eligible", env: "Production", history: all,
			want: `environment "Production" belongs to space "prod": a release reaches it by promotion, not by a deployment here`},
		{name: "reached", env: "production", history: append(all, ok("Production")),
			want: `environment "Production" belongs to space "prod": a release reaches it by promotion, not by a deployment here`},
	})
}

func TestRemoteResultsCountTowardsCompletion(t *testing.T) {
	lc := newLC(
		phase("Development", "all", "Development"),
		phase("Production", "all", "Production"),
		phase("After", "all", "Test"),
	)
	runChecks(t, lc, []checkCase{
		{name: "remote phase not reached yet", env: "Test", history: hist(ok("Development")),
			want: `environment "Test" is in phase "After", which needs phase "Production" complete first: it still needs a successful deployment to "Production"`},
		{name: "reported back by the other Space", env: "Test", history: hist(ok("Development"), ok("Production"))},
	})
}

func TestTenantProgression(t *testing.T) {
	lc := standard()
	runChecks(t, lc, []checkCase{
		{name: "the tenant's own progression", env: "Test", tenant: "Contoso", history: hist(ok("Development", "Contoso"))},
		{name: "tenant names ignore case", env: "Test", tenant: "contoso", history: hist(ok("Development", "CONTOSO"))},
		{name: "another tenant's progression does not count", env: "Test", tenant: "Fabrikam", history: hist(ok("Development", "Contoso")),
			want: `environment "Test" is in phase "Test", which needs phase "Development" complete first: it still needs a successful deployment to "Development" for tenant "Fabrikam"`},
		{name: "untenanted progression does not count for a tenant", env: "Test", tenant: "Contoso", history: hist(ok("Development")),
			want: `environment "Test" is in phase "Test", which needs phase "Development" complete first: it still needs a successful deployment to "Development" for tenant "Contoso"`},
		{name: "a tenant's progression does not count untenanted", env: "Test", history: hist(ok("Development", "Contoso")),
			want: `environment "Test" is in phase "Test", which needs phase "Development" complete first: it still needs a successful deployment to "Development"`},
		{name: "redeploy is per tenant", env: "Test", tenant: "Fabrikam", history: hist(ok("Test", "Contoso")),
			want: `environment "Test" is in phase "Test", which needs phase "Development" complete first: it still needs a successful deployment to "Development" for tenant "Fabrikam"`},
	})
	h := hist(ok("Development", "Contoso"))
	if !lc.Complete(0, "Contoso", h) || lc.Complete(0, "Fabrikam", h) || lc.Complete(0, "", h) {
		t.Error("phase completion is not per tenant")
	}
}

func TestNamesIgnoreCase(t *testing.T) {
	lc := newLC(
		auto(phase("Dev", "all", "DEVELOPMENT"), "development"),
		phase("Test", "all", "test"),
	)
	p := lc.Phases()
	if p[0].Environments[0] != "Development" || p[0].Automatic[0] != "Development" || p[1].Environments[0] != "Test" {
		t.Errorf("phases do not use the declared spelling: %+v", p)
	}
	runChecks(t, lc, []checkCase{
		{name: "history in another case", env: "tEsT", history: hist(ok("development"))},
		{name: "refusal uses the declared spelling", env: "tEsT",
			want: `environment "Test" is in phase "Test", which needs phase "Dev" complete first: it still needs a successful deployment to "Development"`},
	})
}
