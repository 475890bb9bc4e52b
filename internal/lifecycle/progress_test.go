package lifecycle

import (
	"errors"
	"reflect"
	"testing"
)

func TestAutomatic(t *testing.T) {
	lc := newLC(
		auto(phase("Development", "all", "Development"), "Development"),
		auto(phase("Test", "all", "Test", "Staging-A"), "Test"),
		auto(phase("Production", "all", "Production", "Staging-B"), "Production", "Staging-B"),
	)
	cases := []struct {
		name    string
		tenant  string
		history []Result
		want    []string
	}{
		{name: "eligible at creation", want: []string{"Development"}},
		{name: "after completing a phase", history: hist(ok("Development")), want: []string{"Test"}},
		{name: "not re-listed when already successful", history: hist(ok("Development"), ok("Test"))},
		{name: "failed automatic deployment listed again", history: hist(failed("Development")), want: []string{"Development"}},
		{name: "remote automatic ignored", history: hist(ok("Development"), ok("Test"), ok("Staging-A")), want: []string{"Staging-B"}},
		{name: "per tenant", tenant: "Contoso", history: hist(ok("Development")), want: []string{"Development"}},
		{name: "all reached", history: hist(ok("Development"), ok("Test"), ok("Staging-A"), ok("Staging-B"))},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := lc.Automatic(c.tenant, c.history); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Automatic = %q, want %q", got, c.want)
			}
		})
	}
}

func TestEnvironmentInTwoPhases(t *testing.T) {
	// validate refuses this; the environment belongs to the first phase that
	// names it, counts in both, and is deployed automatically once.
	lc := newLC(
		phase("Development", "1", "Development", "Production"),
		phase("Again", "all", "Development", "Test", "Production"),
	)
	runChecks(t, lc, []checkCase{{name: "first phase holds it", env: "Development"}})
	if lc.Complete(1, "", hist(ok("Development"), ok("Production"))) || !lc.Complete(1, "", hist(ok("Development"), ok("Test"), ok("Production"))) {
		t.Error("an environment in two phases does not count in both")
	}
	if got, want := lc.Promotable("", hist(ok("Development"))), map[string][]string{"prod": {"Production"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Promotable = %q, want %q", got, want)
	}
	lc = newLC(
		auto(phase("Development", "optional", "Development"), "Development"),
		auto(phase("Again", "all", "Development", "Test"), "Development", "Test"),
	)
	if got, want := lc.Automatic("", nil), []string{"Development", "Test"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Automatic = %q, want %q", got, want)
	}
}

func TestAutomaticAfterOptionalPhase(t *testing.T) {
	lc := newLC(
		auto(phase("Smoke", "optional", "Development"), "Development"),
		auto(phase("Test", "all", "Test"), "Test"),
		auto(phase("Staging", "all", "Staging-A"), "Staging-A"),
	)
	if got, want := lc.Automatic("", nil), []string{"Development", "Test"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Automatic = %q, want %q: an optional phase does not block", got, want)
	}
}

func TestPromotable(t *testing.T) {
	lc := newLC(
		phase("Development", "all", "Development"),
		phase("Production", "1", "Production", "DR"),
		phase("After", "all", "Test"),
	)
	cases := []struct {
		name    string
		tenant  string
		history []Result
		want    map[string][]string
	}{
		{name: "not before earlier phases", want: map[string][]string{}},
		{name: "after earlier phases", history: hist(ok("Development")),
			want: map[string][]string{"prod": {"Production"}, "dr": {"DR"}}},
		{name: "reached ones stay promotable", history: hist(ok("Development"), ok("DR")),
			want: map[string][]string{"prod": {"Production"}, "dr": {"DR"}}},
		{name: "reached ones stay promotable before earlier phases", history: hist(ok("Production")),
			want: map[string][]string{"prod": {"Production"}}},
		{name: "per tenant", tenant: "Contoso", history: hist(ok("Development")), want: map[string][]string{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := lc.Promotable(c.tenant, c.history); !reflect.DeepEqual(got, c.want) {
				t.Errorf("Promotable = %q, want %q", got, c.want)
			}
		})
	}
}

func TestPromotableAfterOptionalRemotePhase(t *testing.T) {
	lc := newLC(
		phase("Development", "all", "Development"),
		phase("Disaster recovery", "optional", "DR"),
		phase("Production", "all", "Production"),
	)
	want := map[string][]string{"dr": {"DR"}, "prod": {"Production"}}
	if got := lc.Promotable("", hist(ok("Development"))); !reflect.DeepEqual(got, want) {
		t.Errorf("Promotable = %q, want %q", got, want)
	}
}

func TestCheckPromotion(t *testing.T) {
	lc := standard()
	cases := []struct {
		name    string
		env     string
		history []Result
		want    string
	}{
		{name: "after earlier phases", env: "Production", history: hist(ok("Development"), ok("Test"), ok("Staging-B"))},
		{name: "before earlier phases", env: "Production", history: hist(ok("Development"), ok("Test")),
			want: `environment "Production" is in phase "Production", which needs phase "Staging" complete first: it still needs a successful deployment to one of "Staging-A", "Staging-B"`},
		{name: "already reached", env: "Production", history: hist(ok("Production"))},
		{name: "local environment", env: "Test",
			want: `environment "Test" is not a remote environment: deploy the release to it instead of promoting it`},
		{name: "remote environment in no phase", env: "DR",
			want: `environment "DR" is not in lifecycle "Default" (phases: "Development", "Test", "Staging", "Production")`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := errString(lc.CheckPromotion(c.env, "", c.history)); got != c.want {
				t.Errorf("CheckPromotion(%q):\n got %q\nwant %q", c.env, got, c.want)
			}
		})
	}
}

func TestProgress(t *testing.T) {
	lc := standard()
	got := lc.Progress("", hist(ok("Development"), failed("Test")))
	type row struct {
		Name               string
		Eligible, Complete bool
		Reached, Missing   []string
		Need               int
	}
	var rows []row
	for _, p := range got {
		rows = append(rows, row{p.Phase.Name, p.Eligible, p.Complete, p.Reached, p.Missing, p.Need})
	}
	want := []row{
		{"Development", true, true, []string{"Development"}, nil, 0},
		{"Test", true, false, nil, []string{"Test"}, 1},
		{"Staging", false, false, nil, []string{"Staging-A", "Staging-B"}, 1},
		{"Production", false, false, nil, []string{"Production"}, 1},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("Progress =\n%+v\nwant\n%+v", rows, want)
	}
}

func TestRefusalFields(t *testing.T) {
	err := standard().Check("staging-b", "Contoso", hist(ok("Development", "Contoso")))
	var re *RefusalError
	if !errors.As(err, &re) {
		t.Fatalf("Check = %v, want a *RefusalError", err)
	}
	want := &RefusalError{
		Lifecycle:   "Default",
		Environment: "Staging-B",
		Tenant:      "Contoso",
		Reason:      NotComplete,
		In:          "Staging",
		Phase:       "Test",
		Missing:     []string{"Test"},
		Need:        1,
	}
	if !reflect.DeepEqual(re, want) {
		t.Errorf("refusal = %+v, want %+v", re, want)
	}
}
