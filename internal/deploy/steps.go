package deploy

import (
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/octostache"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

// checkStepFlags refuses --skip and --approve that name no step, skipping
// a required step, and approving a step that asks for no approval.
func checkStepFlags(p *snapshot.Process, opts Options) error {
	find := func(name string) *snapshot.Step {
		for i := range p.Steps {
			if strings.EqualFold(p.Steps[i].Name, name) {
				return &p.Steps[i]
			}
		}
		return nil
	}
	for _, s := range opts.Skip {
		st := find(s)
		switch {
		case st == nil:
			return refusef("--skip %q names no step of %s (its steps are %s)", s, p.Project, stepNames(p))
		case st.Required:
			return refusef("step %q is required and cannot be skipped", st.Name)
		}
	}
	for _, a := range opts.Approve {
		st := find(a)
		switch {
		case st == nil:
			return refusef("--approve %q names no step of %s (its steps are %s)", a, p.Project, stepNames(p))
		case st.ManualIntervention == nil:
			return refusef("step %q is not a manual intervention; there is nothing to approve", st.Name)
		}
	}
	return nil
}

func stepNames(p *snapshot.Process) string {
	var names []string
	for _, s := range p.Steps {
		names = append(names, fmt.Sprintf("%q", s.Name))
	}
	return strings.Join(names, ", ")
}

// decision says whether a step runs and, when it does not, why.
type decision struct {
	run    bool
	reason string
}

// decide applies a step's filters: disabled, --skip, its environments,
// excluded environments and tenant tags, and its run condition given
// whether an earlier step failed.
func decide(st *snapshot.Step, env string, tenant *config.Tenant, opts Options, failed bool, vars *variables.Set) decision {
	switch {
	case st.Disabled:
		return decision{reason: "disabled"}
	case config.HasName(opts.Skip, st.Name):
		return decision{reason: "skipped with --skip"}
	case len(st.Environments) > 0 && !config.HasName(st.Environments, env):
		return decision{reason: fmt.Sprintf("runs only in %s", strings.Join(st.Environments, ", "))}
	case config.HasName(st.ExcludedEnvironments, env):
		return decision{reason: fmt.Sprintf("excluded from %s", env)}
	case len(st.TenantTags) > 0 && (tenant == nil || !hasAnyTag(tenant, st.TenantTags)):
		return decision{reason: fmt.Sprintf("runs only for tenants tagged %s", strings.Join(st.TenantTags, ", "))}
	}
	switch st.Condition {
	case config.ConditionAlways:
		return decision{run: true}
	case config.ConditionFailure:
		if failed {
			return decision{run: true}
		}
		return decision{reason: "runs only when an earlier step fails"}
	case config.ConditionVariable:
		// As Octopus judges a run condition: an expression that does not
		// resolve (a variable this deployment lacks) makes it false, never
		// its text, which is truthy.
		yes, err := octostache.EvaluateTruthy(st.ConditionExpression, vars)
		if err != nil {
			return decision{reason: fmt.Sprintf("condition %s is false: %v", st.ConditionExpression, err)}
		}
		if yes {
			return decision{run: true}
		}
		return decision{reason: fmt.Sprintf("condition %s is false", st.ConditionExpression)}
	}
	if failed {
		return decision{reason: "an earlier step failed"}
	}
	return decision{run: true}
}

func hasAnyTag(t *config.Tenant, tags []string) bool {
	for _, tag := range tags {
		if t.HasTag(tag) {
			return true
		}
	}
	return false
}
