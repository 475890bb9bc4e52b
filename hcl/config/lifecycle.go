package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// Lifecycle is a `lifecycle` block: the order in which a release may reach
// environments. A lifecycle with no phases allows every environment in the
// order they are declared.
type Lifecycle struct {
	Name        string
	Description string
	Phases      []*Phase
	DeclRange   hcl.Range
}

// Phase is one `phase` of a lifecycle. A phase that names no environments
// holds every environment not named in an earlier phase.
type Phase struct {
	Name         string
	Environments []Ref
	Automatic    []Ref
	Required     Required
	DeclRange    hcl.Range
}

// Required says when a phase is complete: when every environment has a
// successful deployment (All), when at least Min have, or at once
// (Optional).
type Required struct {
	All      bool
	Optional bool
	Min      int
	Range    hcl.Range
}

func (r Required) String() string {
	switch {
	case r.Optional:
		return "optional"
	case r.All:
		return "all"
	}
	return fmt.Sprint(r.Min)
}

var lifecycleSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "description"}},
	Blocks:     []hcl.BlockHeaderSchema{{Type: "phase", LabelNames: []string{"name"}}},
}

var phaseSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "environments"},
		{Name: "automatic"},
		{Name: "required"},
	},
}

func decodeLifecycle(d *decoder, b *hcl.Block) *Lifecycle {
	content, diags := b.Body.Content(lifecycleSchema)
	d.add(diags)
	l := &Lifecycle{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		DeclRange:   b.DefRange,
	}
	for _, pb := range content.Blocks {
		if d.named(pb) {
			l.Phases = append(l.Phases, decodePhase(d, pb))
		}
	}
	return l
}

func decodePhase(d *decoder, b *hcl.Block) *Phase {
	content, diags := b.Body.Content(phaseSchema)
	d.add(diags)
	p := &Phase{
		Name:         b.Labels[0],
		Environments: d.refs(content.Attributes, "environments"),
		Automatic:    d.refs(content.Attributes, "automatic"),
		Required:     Required{All: true, Range: b.DefRange},
		DeclRange:    b.DefRange,
	}
	if attr, ok := content.Attributes["required"]; ok {
		p.Required = decodeRequired(d, attr)
	}
	return p
}

// decodeRequired reads `required`, which is "all", "optional" or a count.
func decodeRequired(d *decoder, attr *hcl.Attribute) Required {
	r := Required{All: true, Range: attr.Expr.Range()}
	v, diags := attr.Expr.Value(d.ctx)
	d.add(diags)
	if diags.HasErrors() || v.IsNull() {
		return r
	}
	const hint = `"required" is "all", "optional" or the number of environments that must be deployed successfully.`
	switch v.Type() {
	case cty.String:
		switch v.AsString() {
		case "all":
			return r
		case "optional":
			return Required{Optional: true, Range: r.Range}
		}
		if n, ok := parseCount(v.AsString()); ok {
			return Required{Min: n, Range: r.Range}
		}
		d.errorf(r.Range, "Invalid \"required\" value", "%q is not valid: %s%s", v.AsString(), hint, didYouMean(v.AsString(), []string{"all", "optional"}))
	case cty.Number:
		n, ok := wholeNumber(v)
		if !ok || n < 0 {
			d.errorf(r.Range, "Invalid \"required\" value", "%s is not a whole number of environments: %s", v.AsBigFloat().Text('f', -1), hint)
			return r
		}
		return Required{Min: n, Range: r.Range}
	default:
		d.errorf(r.Range, "Invalid \"required\" value", hint)
	}
	return r
}

func parseCount(s string) (int, bool) {
	if s == "" || len(s) > 6 {
		return 0, false
	}
	n := 0
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}
