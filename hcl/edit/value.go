package edit

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// SensitiveValue is a value of a sensitive variable to write: Value is the
// ciphertext, scoped to Environment and, optionally, Tenant.
type SensitiveValue struct {
	Variable    string
	Value       string
	Environment []string
	Tenant      []string
}

// Validate checks the value before any file is read.
func (v SensitiveValue) Validate() error {
	switch {
	case strings.TrimSpace(v.Variable) == "":
		return errors.New("no variable name given")
	case len(v.Environment) == 0:
		return errors.New("a sensitive value is scoped to at least one environment")
	}
	return nil
}

// FindVariable reports whether src declares the variable (ignoring case).
func FindVariable(filename string, src []byte, name string) (bool, error) {
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return false, fmt.Errorf("read %s: %w", filename, diags)
	}
	return variableBlock(file, name) != nil, nil
}

// SetSensitiveValue returns src with the value set: the label of the
// variable's value with exactly this scope is replaced, or a value block
// is added to the variable, or — when the file does not declare the
// variable — a new sensitive variable is appended. Every other byte of src
// is kept. A variable that is not marked sensitive is refused: writing a
// secret into it would make its other values look secret too, or this one
// look plain.
func SetSensitiveValue(filename string, src []byte, v SensitiveValue) ([]byte, error) {
	if err := v.Validate(); err != nil {
		return nil, err
	}
	file, diags := hclsyntax.ParseConfig(src, filename, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, fmt.Errorf("cannot set %q: %w", v.Variable, diags)
	}
	block := variableBlock(file, v.Variable)
	if block == nil {
		out := bytes.TrimRight(src, "\n")
		if len(out) > 0 {
			out = append(out, "\n\n"...)
		}
		return append(out, newVariable(v)...), nil
	}
	if !isSensitive(block) {
		return nil, fmt.Errorf("variable %q at %s:%d is not sensitive; add `sensitive = true` to it first, and move any plain-text values out", block.Labels[0], filename, block.DefRange().Start.Line)
	}
	for _, vb := range block.Body.Blocks {
		if vb.Type == "value" && len(vb.Labels) == 1 && sameScope(vb, v) {
			lr := vb.LabelRanges[0]
			return splice(src, lr.Start.Byte, lr.End.Byte, quoted(v.Value)), nil
		}
	}
	at := block.CloseBraceRange.Start.Byte
	lineStart := bytes.LastIndexByte(src[:at], '\n') + 1
	ins := indent(valueBlock(v), "  ")
	if strings.TrimSpace(string(src[lineStart:at])) != "" {
		// The closing brace shares its line with content: start a new line.
		ins = append([]byte("\n"), ins...)
		lineStart = at
	}
	return splice(src, lineStart, lineStart, ins), nil
}

func variableBlock(file *hcl.File, name string) *hclsyntax.Block {
	for _, b := range file.Body.(*hclsyntax.Body).Blocks {
		if b.Type == "variable" && len(b.Labels) == 1 && strings.EqualFold(b.Labels[0], name) {
			return b
		}
	}
	return nil
}

func isSensitive(b *hclsyntax.Block) bool {
	attr, ok := b.Body.Attributes["sensitive"]
	if !ok {
		return false
	}
	val, diags := attr.Expr.Value(nil)
	return !diags.HasErrors() && val.Type() == cty.Bool && val.True()
}

// sameScope reports whether a value block is scoped exactly as v.
func sameScope(vb *hclsyntax.Block, v SensitiveValue) bool {
	want := map[string][]string{"environment": v.Environment, "tenant": v.Tenant}
	for name := range vb.Body.Attributes {
		if _, ok := want[name]; !ok {
			return false // scoped on another dimension too
		}
	}
	for name, names := range want {
		var got []string
		if attr, ok := vb.Body.Attributes[name]; ok {
			val, diags := attr.Expr.Value(nil)
			if diags.HasErrors() || !val.CanIterateElements() {
				return false
			}
			for _, e := range val.AsValueSlice() {
				if e.Type() != cty.String || e.IsNull() {
					return false
				}
				got = append(got, e.AsString())
			}
		}
		if !sameSet(got, names) {
			return false
		}
	}
	return true
}

func sameSet(a, b []string) bool {
	norm := func(s []string) []string {
		out := make([]string, len(s))
		for i, x := range s {
			out[i] = strings.ToLower(x)
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	return slices.Equal(norm(a), norm(b))
}

func quoted(s string) []byte {
	return bytes.TrimSpace(hclwrite.TokensForValue(cty.StringVal(s)).Bytes())
}

func strList(names []string) cty.Value {
	vals := make([]cty.Value, len(names))
	for i, n := range names {
		vals[i] = cty.StringVal(n)
	}
	return cty.ListVal(vals)
}

func valueBlock(v SensitiveValue) []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body().AppendNewBlock("value", []string{v.Value})
	b.Body().SetAttributeValue("environment", strList(v.Environment))
	if len(v.Tenant) > 0 {
		b.Body().SetAttributeValue("tenant", strList(v.Tenant))
	}
	return hclwrite.Format(f.Bytes())
}

func newVariable(v SensitiveValue) []byte {
	f := hclwrite.NewEmptyFile()
	b := f.Body().AppendNewBlock("variable", []string{v.Variable})
	b.Body().SetAttributeValue("sensitive", cty.True)
	b.Body().AppendNewline()
	vb := b.Body().AppendNewBlock("value", []string{v.Value})
	vb.Body().SetAttributeValue("environment", strList(v.Environment))
	if len(v.Tenant) > 0 {
		vb.Body().SetAttributeValue("tenant", strList(v.Tenant))
	}
	return hclwrite.Format(f.Bytes())
}

func indent(b []byte, prefix string) []byte {
	lines := strings.SplitAfter(string(b), "\n")
	var out strings.Builder
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			out.WriteString(prefix)
		}
		out.WriteString(l)
	}
	return []byte(out.String())
}

func splice(src []byte, start, end int, ins []byte) []byte {
	out := make([]byte, 0, len(src)-(end-start)+len(ins))
	out = append(out, src[:start]...)
	out = append(out, ins...)
	return append(out, src[end:]...)
}
