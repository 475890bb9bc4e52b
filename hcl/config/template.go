package config

import (
	"fmt"
	"sort"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Template types.
const (
	TemplateText      = "text"
	TemplateMultiline = "multiline"
	TemplateCheckbox  = "checkbox"
	TemplateSelect    = "select"
	TemplateSensitive = "sensitive"
)

// What a template asks one value for.
const (
	PerEnvironment       = "environment"
	PerTenant            = "tenant"
	PerTenantEnvironment = "tenant_environment"
)

// VariableTemplate is a `variable_template` block: a value the project
// needs for every environment (or tenant, or tenant and environment) it is
// deployed to, which the Space that deploys it fills in.
type VariableTemplate struct {
	Name     string
	Label    string
	Help     string
	Type     string
	Default  *string // nil: no default; checkbox defaults read "True" or "False"
	Options  []Option
	Per      string
	Required bool

	DeclRange hcl.Range
}

// Option is one choice of a select template.
type Option struct {
	Value   string
	Display string
}

var templateSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "label"},
		{Name: "help"},
		{Name: "type"},
		{Name: "default"},
		{Name: "options"},
		{Name: "per"},
		{Name: "required"},
	},
}

func decodeTemplate(d *decoder, b *hcl.Block) *VariableTemplate {
	content, diags := b.Body.Content(templateSchema)
	d.add(diags)
	a := content.Attributes
	t := &VariableTemplate{
		Name:      b.Labels[0],
		Label:     d.str(a, "label"),
		Help:      d.str(a, "help"),
		Type:      TemplateText,
		Per:       PerEnvironment,
		Required:  d.boolean(a, "required", true),
		DeclRange: b.DefRange,
	}
	typeOK := true
	if r, ok := d.strRef(a, "type"); ok {
		typeOK = d.oneOf(r, "type", []string{TemplateText, TemplateMultiline, TemplateCheckbox, TemplateSelect, TemplateSensitive})
		t.Type = r.Name
	}
	if r, ok := d.strRef(a, "per"); ok {
		d.oneOf(r, "per", []string{PerEnvironment, PerTenant, PerTenantEnvironment})
		t.Per = r.Name
	}
	optionsBroken := false
	if attr, ok := a["options"]; ok {
		v, ok := d.value(attr, cty.Map(cty.String))
		optionsBroken = !ok
		if ok && !v.IsNull() {
			for k, display := range v.AsValueMap() {
				t.Options = append(t.Options, Option{Value: k, Display: display.AsString()})
			}
			sort.Slice(t.Options, func(i, j int) bool { return t.Options[i].Value < t.Options[j].Value })
		}
		if typeOK && t.Type != TemplateSelect && len(t.Options) > 0 {
			d.errorf(attr.NameRange, "Options on a non-select template", "Template %q has type %q; only type \"select\" offers options. Remove options, or set type = \"select\".", t.Name, t.Type)
		}
	}
	if typeOK && !optionsBroken && t.Type == TemplateSelect && len(t.Options) == 0 {
		d.errorf(b.DefRange, "Select template without options", "Template %q has type \"select\" and needs options = { value = \"Display\", ... } to choose from.", t.Name)
	}
	if attr, ok := a["default"]; ok && typeOK {
		t.Default = decodeTemplateDefault(d, t, attr)
	}
	return t
}

// decodeTemplateDefault checks the default against the template's type.
func decodeTemplateDefault(d *decoder, t *VariableTemplate, attr *hcl.Attribute) *string {
	v, diags := attr.Expr.Value(d.ctx)
	d.add(diags)
	// An expression the parser could not read is unknown, its error
	// already reported.
	if diags.HasErrors() || v.IsNull() || !v.IsWhollyKnown() {
		return nil
	}
	rng := attr.Expr.Range()
	switch t.Type {
	case TemplateSensitive:
		d.diags = append(d.diags, &hcl.Diagnostic{
			Severity: hcl.DiagError,
			Summary:  "Default on a sensitive template",
			Detail:   fmt.Sprintf("Template %q is sensitive; a default would sit in plain text in Git. Leave the default out and supply the value on accept.", t.Name),
			Subject:  &rng,
			Extra:    SensitiveSubject{},
		})
		return nil
	case TemplateCheckbox:
		if v.Type() != cty.Bool {
			d.errorf(rng, "Default of the wrong type", "Template %q is a checkbox; its default must be true or false, not %s.", t.Name, v.Type().FriendlyName())
			return nil
		}
		s := "False"
		if v.True() {
			s = "True"
		}
		return &s
	}
	if v.Type() != cty.String {
		d.errorf(rng, "Default of the wrong type", "Template %q has type %q; its default must be a string, not %s.", t.Name, t.Type, v.Type().FriendlyName())
		return nil
	}
	s := v.AsString()
	if t.Type == TemplateSelect && len(t.Options) > 0 {
		var keys []string
		for _, o := range t.Options {
			if o.Value == s {
				return &s
			}
			keys = append(keys, o.Value)
		}
		d.errorf(rng, "Default is not an option", "Template %q defaults to %q, which is not one of its options %s.%s", t.Name, s, quoteList(keys), didYouMean(s, keys))
		return nil
	}
	return &s
}
