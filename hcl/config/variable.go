package config

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// PGPMessagePrefix starts every sensitive value: an OpenPGP message
// encrypted to the Space's key.
const PGPMessagePrefix = "-----BEGIN PGP MESSAGE-----"

// Variable is a `variable` block of a project: a name and its values, each
// with a scope. The label of a `value` block is the value, as in OCL.
type Variable struct {
	Name        string
	Description string
	Sensitive   bool
	Values      []*Value
	DeclRange   hcl.Range
}

// Value is one `value` of a variable.
type Value struct {
	Value      string
	Scope      Scope
	DeclRange  hcl.Range
	LabelRange hcl.Range
}

// Encrypted reports whether the value is written as an OpenPGP message,
// the only form a sensitive value may take in a Space.
func (v *Value) Encrypted() bool {
	return strings.HasPrefix(strings.TrimSpace(v.Value), PGPMessagePrefix)
}

var variableSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "description"},
		{Name: "sensitive"},
	},
	Blocks: []hcl.BlockHeaderSchema{{Type: "value", LabelNames: []string{"value"}}},
}

var valueSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "environment"},
		{Name: "tenant"},
		{Name: "tenant_tag"},
		{Name: "step"},
		{Name: "channel"},
	},
}

func decodeVariable(d *decoder, b *hcl.Block) *Variable {
	content, diags := b.Body.Content(variableSchema)
	d.add(diags)
	v := &Variable{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		Sensitive:   d.boolean(content.Attributes, "sensitive", false),
		DeclRange:   b.DefRange,
	}
	for _, vb := range content.Blocks {
		vc, diags := vb.Body.Content(valueSchema)
		d.add(diags)
		a := vc.Attributes
		v.Values = append(v.Values, &Value{
			Value: vb.Labels[0],
			Scope: Scope{
				Environments: d.refs(a, "environment"),
				Tenants:      d.refs(a, "tenant"),
				TenantTags:   d.refs(a, "tenant_tag"),
				Steps:        d.refs(a, "step"),
				Channels:     d.refs(a, "channel"),
			},
			DeclRange:  vb.DefRange,
			LabelRange: vb.LabelRanges[0],
		})
	}
	// A sensitive variable without values is a place for `zonectl secret
	// set` to write into, one environment at a time.
	if len(v.Values) == 0 && !v.Sensitive {
		d.diags = append(d.diags, &hcl.Diagnostic{
			Severity: hcl.DiagWarning,
			Summary:  "Variable has no values",
			Detail:   "Variable " + quote(v.Name) + " has no value blocks; it resolves to nothing. Add a value, or declare a variable_template if another Space supplies it.",
			Subject:  &v.DeclRange,
		})
	}
	return v
}
