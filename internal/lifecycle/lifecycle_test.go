package lifecycle

import (
	"reflect"
	"testing"

	"github.com/zonectl/zonectl/hcl/config"
)

func envNames(phases []Phase) [][]string {
	out := make([][]string, len(phases))
	for i, p := range phases {
		out[i] = p.Environments
	}
	return out
}

func TestCatchAllPhase(t *testing.T) {
	lc := newLC(
		phase("Development", "all", "Development"),
		phase("Everything else", "all"),
		phase("Production", "all", "Production"),
	)
	// Test, the Staging pair and DR are named by no phase; Production, named
	// by a later phase, is not the catch-all's.
	want := [][]string{
		{"Development"},
		{"Test", "Staging-A", "Staging-B", "DR"},
		{"Production"},
	}
	if got := envNames(lc.Phases()); !reflect.DeepEqual(got, want) {
		t.Errorf("environments = %q, want %q", got, want)
	}
	if p := lc.Phases()[1]; !p.CatchAll {
		t.Errorf("phase %q is not marked as a catch-all", p.Name)
	}
	runChecks(t, lc, []checkCase{
		{name: "catch-all environment waits for earlier phases", env: "Staging-B",
			want: `environment "Staging-B" is in phase "Everything else", which needs phase "Development" complete first: it still needs a successful deployment to "Development"`},
		{name: "catch-all environment after earlier phases", env: "Staging-B", history: hist(ok("Development"))},
	})
	// A later phase's environment needs the catch-all complete, remote DR
	// included, and nothing more.
	some := hist(ok("Development"), ok("Test"), ok("Staging-A"), ok("Staging-B"))
	if lc.Complete(1, "", some) {
		t.Error("catch-all complete before DR was reached")
	}
	if !lc.Complete(1, "", append(some, ok("DR"))) {
		t.Error("catch-all not complete once all its environments were reached")
	}
}

func TestSecondCatchAllHoldsNothing(t *testing.T) {
	lc := newLC(phase("Development", "all", "Development"), phase("Rest", "all"), phase("More", "all"))
	if got := lc.Phases()[2].Environments; len(got) != 0 {
		t.Errorf("second catch-all holds %q, want nothing", got)
	}
	if !lc.Complete(2, "", nil) {
		t.Error("a phase holding no environments is not complete")
	}
}

func TestNoPhasesIsOnePhasePerEnvironment(t *testing.T) {
	for _, l := range []*config.Lifecycle{{Name: "Default"}, nil} {
		lc := New(l, spaceEnvs)
		if !lc.Implicit() {
			t.Error("a lifecycle with no phases is not implicit")
		}
		var names []string
		for _, p := range lc.Phases() {
			if p.Optional || !p.Required.All || len(p.Environments) != 1 || p.Environments[0] != p.Name {
				t.Errorf("implicit phase %+v is not one required environment", p)
			}
			names = append(names, p.Name)
		}
		want := []string{"Development", "Test", "Staging-A", "Staging-B", "Production", "DR"}
		if !reflect.DeepEqual(names, want) {
			t.Errorf("implicit phases = %q, want the environments in declaration order %q", names, want)
		}
	}
	lc := New(&config.Lifecycle{Name: "Default"}, spaceEnvs)
	runChecks(t, lc, []checkCase{
		{name: "first environment at once", env: "Development"},
		{name: "order constrains", env: "Staging-A", history: hist(ok("Development")),
			want: `environment "Staging-A" is in phase "Staging-A", which needs phase "Test" complete first: it still needs a successful deployment to "Test"`},
		{name: "in declaration order", env: "Staging-A", history: hist(ok("Development"), ok("Test"))},
		{name: "unknown environment", env: "Nowhere",
			want: `environment "Nowhere" is not in lifecycle "Default", which has no phases and so holds the Space's environments: "Development", "Test", "Staging-A", "Staging-B", "Production", "DR"`},
	})
	if got := lc.Automatic("", nil); len(got) != 0 {
		t.Errorf("a lifecycle with no phases deploys %q automatically", got)
	}
	local := hist(ok("Development"), ok("Test"), ok("Staging-A"), ok("Staging-B"))
	if got, want := lc.Promotable("", local), map[string][]string{"prod": {"Production"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("Promotable = %q, want %q", got, want)
	}
}

func TestAutomaticOutsideThePhaseIgnored(t *testing.T) {
	// validate refuses this; New keeps only the phase's own environments.
	lc := newLC(auto(phase("Development", "all", "Development"), "Development", "Test", "development"))
	if got, want := lc.Phases()[0].Automatic, []string{"Development"}; !reflect.DeepEqual(got, want) {
		t.Errorf("Automatic = %q, want %q", got, want)
	}
}

func TestPhasesReturnsCopies(t *testing.T) {
	lc := standard()
	lc.Phases()[0].Environments[0] = "changed"
	if got := lc.Phases()[0].Environments[0]; got != "Development" {
		t.Errorf("changing Phases' result changed the lifecycle: %q", got)
	}
}

func TestSpaceEnvironments(t *testing.T) {
	s := &config.Space{
		Environments: []*config.Environment{{Name: "Development"}, {Name: "Test"}},
		RemoteEnvironments: []*config.RemoteEnvironment{
			{Name: "Production", Space: config.Ref{Name: "prod"}},
		},
	}
	want := []Environment{
		{Name: "Development"},
		{Name: "Test"},
		{Name: "Production", Remote: true, Space: "prod"},
	}
	if got := SpaceEnvironments(s); !reflect.DeepEqual(got, want) {
		t.Errorf("SpaceEnvironments = %+v, want %+v", got, want)
	}
}
