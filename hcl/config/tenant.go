package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// TagSet is a `tag_set` block: a named set of tags that tenants carry and
// steps and values are scoped by, written "Set/Tag".
type TagSet struct {
	Name        string
	Description string
	Tags        []Ref
	DeclRange   hcl.Range
}

// Tenant is a `tenant` block: a customer or instance a project is deployed
// for, connected to projects in some environments.
type Tenant struct {
	Name        string
	Description string
	Tags        []Ref
	Projects    []*TenantProject
	DeclRange   hcl.Range
}

// TenantProject connects a tenant to a project in Environments.
type TenantProject struct {
	Project      string
	Environments []Ref
	DeclRange    hcl.Range
}

// HasTag reports whether the tenant carries the canonical tag "Set/Tag".
func (t *Tenant) HasTag(tag string) bool {
	for _, r := range t.Tags {
		if strings.EqualFold(r.Name, tag) {
			return true
		}
	}
	return false
}

// SplitTag splits "Set/Tag" into its set and tag; ok is false when the
// reference is not of that form.
func SplitTag(s string) (set, tag string, ok bool) {
	set, tag, ok = strings.Cut(s, "/")
	if !ok || set == "" || tag == "" || strings.Contains(tag, "/") {
		return "", "", false
	}
	return set, tag, true
}

var tagSetSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "tags", Required: true},
	},
}

var tenantSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "tags"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "project", LabelNames: []string{"name"}}},
}

var tenantProjectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "environments", Required: true}},
}

func decodeTagSet(d *decoder, b *hcl.Block) *TagSet {
	content, diags := b.Body.Content(tagSetSchema)
	d.add(diags)
	return &TagSet{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		Tags:        d.refs(content.Attributes, "tags"),
		DeclRange:   b.DefRange,
	}
}

func decodeTenant(d *decoder, b *hcl.Block) *Tenant {
	content, diags := b.Body.Content(tenantSchema)
	d.add(diags)
	t := &Tenant{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		Tags:        d.refs(content.Attributes, "tags"),
		DeclRange:   b.DefRange,
	}
	for _, pb := range content.Blocks {
		if !d.named(pb) {
			continue
		}
		pc, diags := pb.Body.Content(tenantProjectSchema)
		d.add(diags)
		t.Projects = append(t.Projects, &TenantProject{
			Project:      pb.Labels[0],
			Environments: d.refs(pc.Attributes, "environments"),
			DeclRange:    pb.DefRange,
		})
	}
	return t
}
