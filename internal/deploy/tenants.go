package deploy

import (
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
)

// tenants chooses who a deployment is for: nobody (nil, an untenanted
// deployment), one named tenant, or every tenant carrying a tag; only
// tenants connected to the project in the environment count.
func (t *target) tenants(name, tag string) ([]*config.Tenant, error) {
	mode := t.rel.Process.Tenanted
	project := t.rel.Release.Project
	switch {
	case name == "" && tag == "":
		if mode == config.TenantedRequired {
			return nil, refusef("project %q is tenanted: choose who to deploy for with --tenant NAME or --tenant-tag SET/TAG (connected here: %s)", project, t.connectedNames())
		}
		return []*config.Tenant{nil}, nil
	case mode == config.TenantedDisabled || mode == "":
		return nil, refusef("project %q is not tenanted; deploy it without --tenant or --tenant-tag", project)
	case name != "":
		tn := t.cfg.Tenant(name)
		if tn == nil {
			return nil, refusef("tenant %q does not exist in this Space", name)
		}
		if !t.connected(tn, t.env) {
			return nil, refusef("tenant %q is not connected to project %q in %s", tn.Name, project, t.env)
		}
		return []*config.Tenant{tn}, nil
	}
	if _, _, ok := config.SplitTag(tag); !ok {
		return nil, refusef("--tenant-tag %q is not of the form SET/TAG", tag)
	}
	var out []*config.Tenant
	for _, tn := range t.cfg.Tenants {
		if tn.HasTag(tag) && t.connected(tn, t.env) {
			out = append(out, tn)
		}
	}
	if len(out) == 0 {
		return nil, refusef("no tenant tagged %q is connected to project %q in %s", tag, project, t.env)
	}
	return out, nil
}

// connected reports whether a tenant is connected to the release's project
// in an environment.
func (t *target) connected(tn *config.Tenant, env string) bool {
	for _, tp := range tn.Projects {
		if !strings.EqualFold(tp.Project, t.rel.Release.Project) {
			continue
		}
		for _, e := range tp.Environments {
			if e.Is(env) {
				return true
			}
		}
	}
	return false
}

func (t *target) connectedNames() string {
	var names []string
	for _, tn := range t.cfg.Tenants {
		if t.connected(tn, t.env) {
			names = append(names, fmt.Sprintf("%q", tn.Name))
		}
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// automaticTenants lists who automatic deployments are made for: the
// untenanted deployment unless the project requires tenants, and every
// tenant connected to the project in some environment when it is tenanted.
func (t *target) automaticTenants() []*config.Tenant {
	var out []*config.Tenant
	mode := t.rel.Process.Tenanted
	if mode != config.TenantedRequired {
		out = append(out, nil)
	}
	if mode == config.TenantedAllowed || mode == config.TenantedRequired {
		for _, tn := range t.cfg.Tenants {
			for _, tp := range tn.Projects {
				if strings.EqualFold(tp.Project, t.rel.Release.Project) {
					out = append(out, tn)
					break
				}
			}
		}
	}
	return out
}
