package snapshot

import (
	"github.com/zonectl/zonectl/hcl/config"
)

// FromConfig snapshots a decoded project: the result holds values only,
// with file() contents already read, so it no longer depends on the
// repository it came from.
func FromConfig(p *config.Project) (*Process, *Variables) {
	proc := &Process{
		Project:     p.Name,
		Description: p.Description,
		Lifecycle:   p.Lifecycle.Name,
		Tenanted:    p.Tenanted,
		Packages:    []Package{},
		Steps:       []Step{},
	}
	for _, pk := range p.Packages {
		proc.Packages = append(proc.Packages, Package{ID: pk.ID})
	}
	for _, s := range p.Steps {
		proc.Steps = append(proc.Steps, stepFromConfig(s))
	}
	vars := &Variables{Variables: []Variable{}, Templates: []Template{}}
	for _, v := range p.Variables {
		sv := Variable{Name: v.Name, Description: v.Description, Sensitive: v.Sensitive, Values: []Value{}}
		for _, val := range v.Values {
			sv.Values = append(sv.Values, Value{Value: val.Value, Scope: Scope{
				Environment: config.Names(val.Scope.Environments),
				Tenant:      config.Names(val.Scope.Tenants),
				TenantTag:   config.Names(val.Scope.TenantTags),
				Step:        config.Names(val.Scope.Steps),
				Channel:     config.Names(val.Scope.Channels),
			}})
		}
		vars.Variables = append(vars.Variables, sv)
	}
	for _, t := range p.Templates {
		st := Template{Name: t.Name, Label: t.Label, Help: t.Help, Type: t.Type, Default: t.Default, Per: t.Per, Required: t.Required}
		for _, o := range t.Options {
			st.Options = append(st.Options, Option{Value: o.Value, Display: o.Display})
		}
		vars.Templates = append(vars.Templates, st)
	}
	return proc, vars
}

func stepFromConfig(s *config.Step) Step {
	out := Step{
		Name:                 s.Name,
		Environments:         config.Names(s.Environments),
		ExcludedEnvironments: config.Names(s.ExcludedEnvironments),
		TenantTags:           config.Names(s.TenantTags),
		Condition:            s.Condition,
		ConditionExpression:  s.ConditionExpression,
		Required:             s.Required,
		Disabled:             s.Disabled,
	}
	if s.Timeout > 0 {
		out.Timeout = s.Timeout.String()
	}
	switch {
	case s.RunScript != nil:
		out.RunScript = &RunScript{Syntax: s.RunScript.Syntax, Body: s.RunScript.Body, Packages: config.Names(s.RunScript.Packages)}
	case s.DeployPackage != nil:
		out.DeployPackage = &DeployPackage{
			Package:     s.DeployPackage.Package.Name,
			Destination: s.DeployPackage.Destination,
			Substitute:  config.Names(s.DeployPackage.Substitute),
		}
	case s.ManualIntervention != nil:
		out.ManualIntervention = &ManualIntervention{Instructions: s.ManualIntervention.Instructions}
	}
	return out
}
