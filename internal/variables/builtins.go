package variables

import (
	"fmt"
	"strings"
)

// Builtins are the facts of a deployment that built-in variables give.
// Environment, Tenant, TenantTags and Channel may be left empty: Resolve
// takes them from the Context, and refuses values that contradict it.
type Builtins struct {
	Space        string
	Project      string
	Release      string // the release's version
	ReleaseNotes string
	Channel      string
	Environment  string
	Tenant       string
	DeploymentID string
	CreatedBy    string   // who started the deployment
	TenantTags   []string // "Set/Tag"
}

// PackageInfo is the package a step deploys or runs beside.
type PackageInfo struct {
	ID      string
	Version string
}

// The built-in variables. Every name here is reserved: a project variable
// of one of these names is ignored, even where the built-in has no value
// (Octopus.Tenant.Name in an untenanted deployment, Octopus.Step.Name
// outside a step).
var builtinNames = []string{
	"Octopus.Space.Name",
	"Octopus.Project.Name",
	"Octopus.Release.Number",
	"Octopus.Release.Notes",
	"Octopus.Release.Channel.Name",
	"Octopus.Environment.Name",
	"Octopus.Deployment.Id",
	"Octopus.Deployment.CreatedBy.Username",
	"Octopus.Deployment.Tenant.Name",
	"Octopus.Deployment.Tenant.Tags",
	"Octopus.Tenant.Name",
	"Octopus.Tenant.Tags",
	"Octopus.Step.Name",
	"Octopus.Action.Name",
	"Octopus.Action.Package.PackageId",
	"Octopus.Action.Package.PackageVersion",
}

var reserved = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range builtinNames {
		m[fold(n)] = true
	}
	return m
}()

const builtinSource = "built-in"

// values returns the deployment's built-in variables. A built-in is defined
// when it has a value, except Octopus.Release.Notes, which a release
// without notes defines as "".
func (b Builtins) values(ctx Context) ([]Value, error) {
	if err := b.fill(ctx); err != nil {
		return nil, err
	}
	tags := strings.Join(b.TenantTags, ",")
	defs := []struct{ name, value string }{
		{"Octopus.Space.Name", b.Space},
		{"Octopus.Project.Name", b.Project},
		{"Octopus.Release.Number", b.Release},
		{"Octopus.Release.Channel.Name", b.Channel},
		{"Octopus.Environment.Name", b.Environment},
		{"Octopus.Deployment.Id", b.DeploymentID},
		{"Octopus.Deployment.CreatedBy.Username", b.CreatedBy},
		{"Octopus.Deployment.Tenant.Name", b.Tenant},
		{"Octopus.Deployment.Tenant.Tags", tags},
		{"Octopus.Tenant.Name", b.Tenant},
		{"Octopus.Tenant.Tags", tags},
	}
	out := []Value{{Name: "Octopus.Release.Notes", Value: b.ReleaseNotes, Source: builtinSource}}
	for _, d := range defs {
		if d.value != "" {
			out = append(out, Value{Name: d.name, Value: d.value, Source: builtinSource})
		}
	}
	return out, nil
}

// fill takes the deployment's environment, tenant, tags and channel from
// ctx where b leaves them empty.
func (b *Builtins) fill(ctx Context) error {
	same := func(field *string, what, want string) error {
		switch {
		case *field == "":
			*field = want
		case !strings.EqualFold(*field, want):
			return fmt.Errorf("built-in %s %q contradicts the deployment's %s %q", what, *field, what, want)
		}
		return nil
	}
	if err := same(&b.Environment, "environment", ctx.Environment); err != nil {
		return err
	}
	if err := same(&b.Tenant, "tenant", ctx.Tenant); err != nil {
		return err
	}
	if err := same(&b.Channel, "channel", ctx.Channel); err != nil {
		return err
	}
	if b.TenantTags == nil {
		b.TenantTags = ctx.TenantTags
	}
	return nil
}

// stepValues returns the built-ins of one step.
func stepValues(step string, pkg *PackageInfo) []Value {
	out := []Value{
		{Name: "Octopus.Step.Name", Value: step, Source: builtinSource},
		{Name: "Octopus.Action.Name", Value: step, Source: builtinSource},
	}
	if pkg != nil {
		out = append(out,
			Value{Name: "Octopus.Action.Package.PackageId", Value: pkg.ID, Source: builtinSource},
			Value{Name: "Octopus.Action.Package.PackageVersion", Value: pkg.Version, Source: builtinSource})
	}
	return out
}
