package config

import "github.com/hashicorp/hcl/v2"

// Tenanted modes of a project.
const (
	TenantedDisabled = "disabled"
	TenantedAllowed  = "allowed"
	TenantedRequired = "required"
)

// Project is a project directory, projects/<slug>/: its `project` block and
// the packages, steps, variables and variable templates declared beside it.
type Project struct {
	Name        string
	Slug        string // the directory name under projects/
	Dir         string // "projects/<slug>"
	Description string
	Lifecycle   Ref
	Tenanted    string
	Packages    []*Package
	Steps       []*Step
	Variables   []*Variable
	Templates   []*VariableTemplate
	DeclRange   hcl.Range
}

// Package is a `package` block: a package the project deploys.
type Package struct {
	ID          string
	Description string
	// Feed names the feed its versions are resolved from when a release
	// is created; "" for a package pushed to the Space's own store.
	Feed      string
	FeedRange hcl.Range
	DeclRange hcl.Range
}

// Step returns the project's step named name, ignoring case.
func (p *Project) Step(name string) *Step {
	for _, s := range p.Steps {
		if fold(s.Name) == fold(name) {
			return s
		}
	}
	return nil
}

// Package returns the project's package with the given id, ignoring case.
func (p *Project) Package(id string) *Package {
	for _, pk := range p.Packages {
		if fold(pk.ID) == fold(id) {
			return pk
		}
	}
	return nil
}

var projectSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "lifecycle", Required: true},
		{Name: "tenanted"},
	},
}

var packageSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "description"}, {Name: "feed"}},
}

func decodeProject(d *decoder, b *hcl.Block) *Project {
	content, diags := b.Body.Content(projectSchema)
	d.add(diags)
	p := &Project{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		Tenanted:    TenantedDisabled,
		DeclRange:   b.DefRange,
	}
	p.Lifecycle, _ = d.requiredStr(content.Attributes, "lifecycle", b)
	if t, ok := d.strRef(content.Attributes, "tenanted"); ok {
		d.oneOf(t, "tenanted", []string{TenantedDisabled, TenantedAllowed, TenantedRequired})
		p.Tenanted = t.Name
	}
	return p
}

func decodePackage(d *decoder, b *hcl.Block) *Package {
	content, diags := b.Body.Content(packageSchema)
	d.add(diags)
	pk := &Package{ID: b.Labels[0], Description: d.str(content.Attributes, "description"), DeclRange: b.DefRange}
	if f, ok := d.strRef(content.Attributes, "feed"); ok {
		pk.Feed, pk.FeedRange = f.Name, f.Range
		if f.Name == "" {
			d.errorf(f.Range, "Missing value for \"feed\"", "\"feed\" of package %q must name a feed block; leave it out for a package pushed to the Space's own store.", pk.ID)
		}
	}
	return pk
}

// oneOf reports a value that is not one of valid, with a hint at the nearest.
func (d *decoder) oneOf(r Ref, attr string, valid []string) bool {
	for _, v := range valid {
		if r.Name == v {
			return true
		}
	}
	d.errorf(r.Range, "Invalid "+quote(attr)+" value", "%q is not valid here; %s is one of %s.%s", r.Name, quote(attr), quoteList(valid), didYouMean(r.Name, valid))
	return false
}
