package inbox

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

var valuesFileSchema = &hcl.BodySchema{
	Blocks: []hcl.BlockHeaderSchema{{Type: "template_value", LabelNames: []string{"name"}}},
}

var valueSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "environment"},
		{Name: "tenant"},
		{Name: "value", Required: true},
	},
}

// ParseValues reads a values file for accept: template_value blocks, as
// the binding file writes them (value = null for an explicit no-value).
func ParseValues(filename string, src []byte) ([]Value, hcl.Diagnostics) {
	f, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diags
	}
	content, diags := f.Body.Content(valuesFileSchema)
	var out []Value
	str := func(attrs hcl.Attributes, name string) (string, bool) {
		a, ok := attrs[name]
		if !ok {
			return "", true
		}
		v, d := a.Expr.Value(nil)
		diags = append(diags, d...)
		if d.HasErrors() {
			return "", false
		}
		if v.IsNull() {
			return "", true
		}
		sv, err := convert.Convert(v, cty.String)
		if err != nil {
			rng := a.Expr.Range()
			diags = append(diags, &hcl.Diagnostic{Severity: hcl.DiagError, Summary: "Invalid " + name, Detail: fmt.Sprintf("%s must be a string.", name), Subject: &rng})
			return "", false
		}
		return sv.AsString(), true
	}
	for _, b := range content.Blocks {
		bc, d := b.Body.Content(valueSchema)
		diags = append(diags, d...)
		env, ok1 := str(bc.Attributes, "environment")
		tenant, ok2 := str(bc.Attributes, "tenant")
		if !ok1 || !ok2 {
			continue
		}
		v := Value{Name: b.Labels[0], Environment: env, Tenant: tenant, Where: fmt.Sprintf("%s:%d", filename, b.DefRange.Start.Line)}
		if a, ok := bc.Attributes["value"]; ok {
			val, d := a.Expr.Value(nil)
			diags = append(diags, d...)
			if d.HasErrors() {
				continue
			}
			if !val.IsNull() {
				s, ok := str(bc.Attributes, "value")
				if !ok {
					continue
				}
				v.Value = &s
			}
		}
		out = append(out, v)
	}
	return out, diags
}

// ParseSet reads a value given on the command line: Name[Env]=value,
// Name[Env/Tenant]=value or Name[/Tenant]=value; with null true the value
// is an explicit no-value and no "=value" is written.
func ParseSet(arg string, null bool) (Value, error) {
	spec, val, hasVal := strings.Cut(arg, "=")
	if null == hasVal {
		if null {
			return Value{}, fmt.Errorf("%q: --set-null takes Name[Env] without a value", arg)
		}
		return Value{}, fmt.Errorf("%q: write Name[Env]=value (or Name[Env/Tenant]=value)", arg)
	}
	open := strings.IndexByte(spec, '[')
	if open <= 0 || !strings.HasSuffix(spec, "]") {
		return Value{}, fmt.Errorf("%q: write Name[Env]=value (or Name[Env/Tenant]=value)", arg)
	}
	v := Value{Name: spec[:open]}
	v.Environment, v.Tenant, _ = strings.Cut(spec[open+1:len(spec)-1], "/")
	if v.Environment == "" && v.Tenant == "" {
		return Value{}, fmt.Errorf("%q: name the environment, the tenant or both in the brackets", arg)
	}
	if !null {
		v.Value = &val
	}
	return v, nil
}
