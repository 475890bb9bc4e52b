package inbox

import (
	"fmt"
	"sort"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/lifecycle"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

// Value is a template value this Space supplies for an imported project:
// for an environment, a tenant or both. A nil Value is an explicit "no
// value", which counts as given.
type Value struct {
	Name        string  `json:"name"`
	Environment string  `json:"environment,omitempty"`
	Tenant      string  `json:"tenant,omitempty"`
	Value       *string `json:"-"`
	// Where is the file and line a values file gave it at, "" for one
	// given on the command line: errors about it start there.
	Where string `json:"-"`
}

// at is how an error names v: where it was written, and what it is.
func (v Value) at() string {
	if v.Where != "" {
		return v.Where + ": " + v.String()
	}
	return v.String()
}

func (v Value) key() string {
	return strings.ToLower(v.Name) + "\x00" + strings.ToLower(v.Environment) + "\x00" + strings.ToLower(v.Tenant)
}

// String names the value as --set writes it: Name[Env], Name[Env/Tenant]
// or Name[/Tenant].
func (v Value) String() string {
	switch {
	case v.Tenant == "":
		return fmt.Sprintf("%s[%s]", v.Name, v.Environment)
	case v.Environment == "":
		return fmt.Sprintf("%s[/%s]", v.Name, v.Tenant)
	}
	return fmt.Sprintf("%s[%s/%s]", v.Name, v.Environment, v.Tenant)
}

// FromBinding reads the template values of an import binding.
func FromBinding(im *config.Import) []Value {
	if im == nil {
		return nil
	}
	var out []Value
	for _, tv := range im.TemplateValues {
		out = append(out, Value{Name: tv.Name, Environment: tv.Environment.Name, Tenant: tv.Tenant.Name, Value: tv.Value})
	}
	return out
}

// Merge lays values over base: a value for the same template, environment
// and tenant replaces the old one. The result is sorted.
func Merge(base, values []Value) []Value {
	byKey := map[string]Value{}
	for _, v := range append(append([]Value(nil), base...), values...) {
		byKey[v.key()] = v
	}
	out := make([]Value, 0, len(byKey))
	for _, v := range byKey {
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key() < out[j].key() })
	return out
}

// Extra turns template values into the variables a deployment resolves
// them as, ranked above the project's own values of equal scope.
func Extra(values []Value, templates []snapshot.Template) []snapshot.Variable {
	sensitive := map[string]bool{}
	for _, t := range templates {
		sensitive[strings.ToLower(t.Name)] = t.Type == config.TemplateSensitive
	}
	var out []snapshot.Variable
	for _, v := range values {
		val := ""
		if v.Value != nil {
			val = *v.Value
		}
		sc := snapshot.Scope{}
		if v.Environment != "" {
			sc.Environment = []string{v.Environment}
		}
		if v.Tenant != "" {
			sc.Tenant = []string{v.Tenant}
		}
		out = append(out, snapshot.Variable{Name: v.Name, Sensitive: sensitive[strings.ToLower(v.Name)], Values: []snapshot.Value{{Value: val, Scope: sc}}})
	}
	return out
}

// Missing is a template value a deployment here would need and nobody has
// given.
type Missing struct {
	Template    string `json:"template"`
	Environment string `json:"environment,omitempty"`
	Tenant      string `json:"tenant,omitempty"`
	Sensitive   bool   `json:"sensitive,omitempty"`
	Help        string `json:"help,omitempty"`
	// Label, Type and Options are the template's, for a prompt that
	// shows what it asks for and takes only what it may hold.
	Label   string            `json:"label,omitempty"`
	Type    string            `json:"type,omitempty"`
	Options []snapshot.Option `json:"options,omitempty"`
}

func (m Missing) String() string {
	return Value{Name: m.Template, Environment: m.Environment, Tenant: m.Tenant}.String()
}

// MissingValues lists, for every environment of the lifecycle (every
// environment of this Space when lifecycleName is empty) and every tenant
// connected to the project, the required template values that neither
// the snapshot nor values supplies.
func MissingValues(cfg *config.Space, project, lifecycleName string, vars *snapshot.Variables, values []Value) []Missing {
	envs := ValueEnvironments(cfg, lifecycleName)
	all := append(append([]snapshot.Variable(nil), vars.Variables...), Extra(values, vars.Templates)...)
	templates := map[string]snapshot.Template{}
	for _, t := range vars.Templates {
		templates[strings.ToLower(t.Name)] = t
	}
	var out []Missing
	check := func(ctx variables.Context) {
		err := variables.CheckTemplates(vars.Templates, all, ctx)
		mt, ok := err.(*variables.MissingTemplateError)
		if !ok {
			return
		}
		for _, name := range mt.Templates {
			t := templates[strings.ToLower(name)]
			m := Missing{Template: t.Name, Sensitive: t.Type == config.TemplateSensitive, Help: t.Help, Label: t.Label, Type: t.Type, Options: t.Options}
			switch t.Per {
			case config.PerTenant:
				m.Tenant = ctx.Tenant
			case config.PerTenantEnvironment:
				m.Environment, m.Tenant = ctx.Environment, ctx.Tenant
			default:
				m.Environment = ctx.Environment
			}
			out = append(out, m)
		}
	}
	for _, e := range envs {
		check(variables.Context{Environment: e})
	}
	for _, t := range cfg.Tenants {
		for _, tp := range t.Projects {
			if !strings.EqualFold(tp.Project, project) {
				continue
			}
			for _, e := range tp.Environments {
				check(variables.Context{Environment: e.Name, Tenant: t.Name, TenantTags: config.Names(t.Tags)})
			}
		}
	}
	return dedupe(out)
}

func dedupe(ms []Missing) []Missing {
	seen := map[string]bool{}
	var out []Missing
	for _, m := range ms {
		k := m.String()
		if !seen[k] {
			seen[k] = true
			out = append(out, m)
		}
	}
	return out
}

// ValueEnvironments are the environments of this Space that template
// values are needed for: those of the lifecycle, or every environment
// before a lifecycle is chosen.
func ValueEnvironments(cfg *config.Space, lifecycleName string) []string {
	var envs []string
	if l := cfg.Lifecycle(lifecycleName); l != nil {
		for _, ph := range lifecycle.New(l, lifecycle.SpaceEnvironments(cfg)).Phases() {
			for _, e := range ph.Environments {
				if cfg.Environment(e) != nil {
					envs = append(envs, e)
				}
			}
		}
		return envs
	}
	for _, e := range cfg.Environments {
		envs = append(envs, e.Name)
	}
	return envs
}
