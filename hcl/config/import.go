package config

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Import is an imports/<source>/<slug>.hcl file in a target Space: the
// binding of a project another Space owns to this Space's lifecycle, and
// the template values this Space supplies for it.
type Import struct {
	Project        string
	From           Ref
	Lifecycle      Ref
	Source         string // the <source> directory
	File           string
	TemplateValues []*TemplateValue
	DeclRange      hcl.Range
}

// TemplateValue is a `template_value` block: the value of an imported
// project's variable template for an environment, a tenant or both. Value
// is nil for an explicit null, which counts as given.
type TemplateValue struct {
	Name        string
	Environment Ref
	Tenant      Ref
	Value       *string
	DeclRange   hcl.Range
}

var importSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "from", Required: true},
		{Name: "lifecycle", Required: true},
	},
}

var templateValueSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "environment"},
		{Name: "tenant"},
		{Name: "value", Required: true},
	},
}

func decodeImport(d *decoder, b *hcl.Block) *Import {
	content, diags := b.Body.Content(importSchema)
	d.add(diags)
	im := &Import{Project: b.Labels[0], DeclRange: b.DefRange}
	im.From, _ = d.requiredStr(content.Attributes, "from", b)
	im.Lifecycle, _ = d.requiredStr(content.Attributes, "lifecycle", b)
	return im
}

func decodeTemplateValue(d *decoder, b *hcl.Block) *TemplateValue {
	content, diags := b.Body.Content(templateValueSchema)
	d.add(diags)
	tv := &TemplateValue{Name: b.Labels[0], DeclRange: b.DefRange}
	tv.Environment, _ = d.strRef(content.Attributes, "environment")
	tv.Tenant, _ = d.strRef(content.Attributes, "tenant")
	if attr, ok := content.Attributes["value"]; ok {
		if v, ok := d.value(attr, cty.String); ok && !v.IsNull() {
			s := v.AsString()
			tv.Value = &s
		}
	}
	_, hasEnv := content.Attributes["environment"]
	_, hasTenant := content.Attributes["tenant"]
	if !hasEnv && !hasTenant {
		d.errorf(b.DefRange, "Template value without a scope", "template_value %q must name the environment, the tenant or both that it is the value for.", tv.Name)
	}
	return tv
}
