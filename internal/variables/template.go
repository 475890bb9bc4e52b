package variables

import (
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// MissingTemplateError names the required variable templates a deployment
// has no value for.
type MissingTemplateError struct {
	Templates   []string
	Environment string
	Tenant      string // "" untenanted
}

func (e *MissingTemplateError) Error() string {
	quoted := make([]string, len(e.Templates))
	for i, t := range e.Templates {
		quoted[i] = fmt.Sprintf("%q", t)
	}
	what := "variable template " + quoted[0]
	if len(quoted) > 1 {
		what = "variable templates " + strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1]
	}
	where := fmt.Sprintf("environment %q", e.Environment)
	if e.Tenant != "" {
		where = fmt.Sprintf("tenant %q in %s", e.Tenant, where)
	}
	return fmt.Sprintf("no value for required %s when deploying for %s; give each a value scoped to the environment (or tenant) it asks for", what, where)
}

// CheckTemplates refuses a deployment that lacks a value for a required
// template, returning a *MissingTemplateError that names every such
// template. vars are the project's variables together with the values the
// deploying Space supplies (Options.Extra).
//
// A template is satisfied by a value of the variable of its name that
// applies to the deployment outside any step and is scoped on the
// dimensions the template's per asks for: the environment ("environment"),
// the tenant ("tenant"), or both ("tenant_environment"). An unscoped value
// does not satisfy it: the point is a deliberate value for each. A default
// satisfies it, and an optional template needs nothing. A template per
// tenant is not checked for an untenanted deployment, which has no tenant to
// ask for. Remote environments are the caller's to leave out: the Space that
// owns them fills them in.
func CheckTemplates(templates []snapshot.Template, vars []snapshot.Variable, ctx Context) error {
	r := newResolver(ctx)
	for _, v := range vars {
		r.add(v, rankProject)
	}
	var missing []string
	for _, t := range templates {
		if !t.Required || t.Default != nil || !asked(t, ctx) {
			continue
		}
		if e := r.entries[fold(t.Name)]; e == nil || !e.satisfies(t) {
			missing = append(missing, t.Name)
		}
	}
	if len(missing) > 0 {
		return &MissingTemplateError{Templates: missing, Environment: ctx.Environment, Tenant: ctx.Tenant}
	}
	return nil
}

// asked reports whether t asks for a value in this deployment: a template
// per tenant asks only a tenanted one.
func asked(t snapshot.Template, ctx Context) bool {
	return !perTenant(t) || ctx.Tenant != ""
}

func perTenant(t snapshot.Template) bool {
	return t.Per == config.PerTenant || t.Per == config.PerTenantEnvironment
}

// satisfies reports whether one of e's candidates gives t a deliberate
// value: not scoped by step, and scoped on what t's per asks for.
func (e *entry) satisfies(t snapshot.Template) bool {
	for _, c := range e.cands {
		s := c.v.Scope
		if len(s.Step) > 0 {
			continue
		}
		env, tenant := len(s.Environment) > 0, len(s.Tenant) > 0
		switch t.Per {
		case config.PerTenant:
			if tenant {
				return true
			}
		case config.PerTenantEnvironment:
			if tenant && env {
				return true
			}
		default:
			if env {
				return true
			}
		}
	}
	return false
}

// template adds t's fallback to the candidates of its name when no value
// satisfies it: its default, or "" when it is optional. The fallback is
// unscoped and outranks the project's unscoped values, so a template's
// default is not undone by a catch-all project value; any scoped value still
// beats it.
func (r *resolver) template(t snapshot.Template) {
	e := r.entry(t.Name)
	e.sensitive = e.sensitive || t.Type == config.TemplateSensitive
	if e.satisfies(t) {
		return
	}
	c := candidate{v: &snapshot.Value{}, rank: rankFallback}
	switch {
	case t.Default != nil:
		c.v.Value, c.fallback = *t.Default, "template default"
	case !t.Required:
		c.fallback = "optional template, no value supplied"
	default:
		return
	}
	e.cands = append(e.cands, c)
}
