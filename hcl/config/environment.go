package config

import "github.com/hashicorp/hcl/v2"

// Environment is an `environment` block: a place this Space deploys to.
// Declaration order is the default deployment order.
type Environment struct {
	Name        string
	Description string
	DeclRange   hcl.Range
}

// RemoteEnvironment is a `remote_environment` block: a placeholder for an
// environment another Space owns, so that steps, values and lifecycle phases
// here can name it.
type RemoteEnvironment struct {
	Name        string
	Space       Ref
	Description string
	DeclRange   hcl.Range
}

var environmentSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "description"}},
}

var remoteEnvironmentSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "space", Required: true},
		{Name: "description"},
	},
}

func decodeEnvironment(d *decoder, b *hcl.Block) *Environment {
	content, diags := b.Body.Content(environmentSchema)
	d.add(diags)
	return &Environment{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		DeclRange:   b.DefRange,
	}
}

func decodeRemoteEnvironment(d *decoder, b *hcl.Block) *RemoteEnvironment {
	content, diags := b.Body.Content(remoteEnvironmentSchema)
	d.add(diags)
	r := &RemoteEnvironment{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		DeclRange:   b.DefRange,
	}
	r.Space, _ = d.requiredStr(content.Attributes, "space", b)
	return r
}
