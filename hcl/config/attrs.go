package config

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// decoder evaluates the attributes of one file's blocks. It carries the
// file's evaluation context (functions such as file() resolve paths relative
// to the file) and accumulates diagnostics, so decoders read as a list of
// attributes rather than a list of error checks.
type decoder struct {
	ctx   *hcl.EvalContext
	diags hcl.Diagnostics
}

func (d *decoder) add(diags hcl.Diagnostics) { d.diags = append(d.diags, diags...) }

func (d *decoder) errorf(rng hcl.Range, summary, format string, args ...any) {
	r := rng
	d.diags = append(d.diags, &hcl.Diagnostic{
		Severity: hcl.DiagError,
		Summary:  summary,
		Detail:   fmt.Sprintf(format, args...),
		Subject:  &r,
	})
}

// value evaluates an attribute and converts it to want, reporting a
// diagnostic that names the attribute when it cannot.
func (d *decoder) value(attr *hcl.Attribute, want cty.Type) (cty.Value, bool) {
	return d.exprValue(attr.Expr, attr.Name, want)
}

func (d *decoder) exprValue(expr hcl.Expression, name string, want cty.Type) (cty.Value, bool) {
	v, diags := expr.Value(d.ctx)
	d.add(diags)
	if diags.HasErrors() {
		return cty.NilVal, false
	}
	if v.IsNull() {
		return v, true
	}
	if !v.IsWhollyKnown() {
		d.errorf(expr.Range(), "Invalid value", "The value of %q must be known when the configuration is read.", name)
		return cty.NilVal, false
	}
	cv, err := convert.Convert(v, want)
	if err != nil {
		d.errorf(expr.Range(), "Invalid value for "+quote(name), "%s must be %s: %s.", quote(name), typeWords(want), err)
		return cty.NilVal, false
	}
	return cv, true
}

// str decodes an optional string attribute; a null value reads as "".
func (d *decoder) str(attrs hcl.Attributes, name string) string {
	s, _ := d.strRef(attrs, name)
	return s.Name
}

// strRef decodes an optional string attribute with its range; ok is false
// when the attribute is absent or broken.
func (d *decoder) strRef(attrs hcl.Attributes, name string) (Ref, bool) {
	attr, ok := attrs[name]
	if !ok {
		return Ref{}, false
	}
	v, ok := d.value(attr, cty.String)
	if !ok || v.IsNull() {
		return Ref{Range: attr.Expr.Range()}, false
	}
	return Ref{Name: v.AsString(), Range: attr.Expr.Range()}, true
}

// requiredStr decodes a string attribute that must be present and non-empty.
// A missing attribute has been reported by the schema already.
func (d *decoder) requiredStr(attrs hcl.Attributes, name string, block *hcl.Block) (Ref, bool) {
	attr, present := attrs[name]
	if !present {
		return Ref{}, false
	}
	r := Ref{Range: attr.Expr.Range()}
	v, ok := d.value(attr, cty.String)
	if !ok {
		return r, false
	}
	if v.IsNull() || v.AsString() == "" {
		d.errorf(r.Range, "Missing value for "+quote(name), "%s of %s must be a non-empty string.", quote(name), blockWords(block))
		return r, false
	}
	r.Name = v.AsString()
	return r, true
}

func (d *decoder) boolean(attrs hcl.Attributes, name string, def bool) bool {
	attr, ok := attrs[name]
	if !ok {
		return def
	}
	v, ok := d.value(attr, cty.Bool)
	if !ok || v.IsNull() {
		return def
	}
	return v.True()
}

// refs decodes an optional list of names, keeping the range of each element
// when the list is written out literally so that a check can point at the one
// broken name rather than the whole list.
func (d *decoder) refs(attrs hcl.Attributes, name string) []Ref {
	attr, ok := attrs[name]
	if !ok {
		return nil
	}
	if elems, diags := hcl.ExprList(attr.Expr); !diags.HasErrors() {
		var out []Ref
		for _, e := range elems {
			v, ok := d.exprValue(e, name, cty.String)
			if !ok {
				continue
			}
			if v.IsNull() {
				d.errorf(e.Range(), "Invalid value for "+quote(name), "The elements of %s must not be null.", quote(name))
				continue
			}
			out = append(out, Ref{Name: v.AsString(), Range: e.Range()})
		}
		return out
	}
	v, ok := d.value(attr, cty.List(cty.String))
	if !ok || v.IsNull() {
		return nil
	}
	var out []Ref
	for _, e := range v.AsValueSlice() {
		if e.IsNull() {
			d.errorf(attr.Expr.Range(), "Invalid value for "+quote(name), "The elements of %s must not be null.", quote(name))
			continue
		}
		out = append(out, Ref{Name: e.AsString(), Range: attr.Expr.Range()})
	}
	return out
}

// named reports a nested block whose name is empty or blank.
func (d *decoder) named(b *hcl.Block) bool {
	if strings.TrimSpace(b.Labels[0]) != "" {
		return true
	}
	d.errorf(b.LabelRanges[0], "Empty name", "%s %s block needs a name.", article(b.Type), b.Type)
	return false
}

// wholeNumber converts a number to an int, reporting fractions and overflow.
func wholeNumber(v cty.Value) (int, bool) {
	bf := v.AsBigFloat()
	if !bf.IsInt() {
		return 0, false
	}
	i, acc := bf.Int64()
	if acc != big.Exact || i > 1<<31 || i < -(1<<31) {
		return 0, false
	}
	return int(i), true
}

func quote(s string) string { return fmt.Sprintf("%q", s) }

func blockWords(b *hcl.Block) string {
	if b == nil {
		return "the block"
	}
	if len(b.Labels) > 0 {
		return fmt.Sprintf("%s %q", b.Type, b.Labels[0])
	}
	return b.Type
}

func typeWords(t cty.Type) string {
	switch {
	case t == cty.String:
		return "a string"
	case t == cty.Bool:
		return "true or false"
	case t == cty.Number:
		return "a number"
	case t.IsListType() && t.ElementType() == cty.String:
		return "a list of strings"
	case t.IsMapType() && t.ElementType() == cty.String:
		return "a map of strings"
	}
	return t.FriendlyName()
}
