package inbox

import (
	"fmt"

	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"
)

// BindingFile is where a Space binds a project imported from source.
func BindingFile(source, project string) string {
	return "imports/" + source + "/" + project + ".hcl"
}

// binding writes the import binding of a project: the import block, with
// the lifecycle this Space chose, and every template value, sorted, in
// zonectl fmt's layout.
func binding(source, project, lifecycle string, values []Value) []byte {
	f := hclwrite.NewEmptyFile()
	body := f.Body()
	body.AppendUnstructuredTokens(hclwrite.Tokens{{Bytes: []byte(fmt.Sprintf(
		"# %s belongs to %s: its process and variables arrive in release bundles\n"+
			"# and are not edited here. This Space chooses the lifecycle and supplies the\n"+
			"# values the project's variable templates ask for. zonectl accept writes\n"+
			"# this file; change it by pull request like any other.\n\n", project, source))}})
	imp := body.AppendNewBlock("import", []string{project})
	imp.Body().SetAttributeValue("from", cty.StringVal(source))
	imp.Body().SetAttributeValue("lifecycle", cty.StringVal(lifecycle))
	for _, v := range values {
		body.AppendNewline()
		b := body.AppendNewBlock("template_value", []string{v.Name})
		if v.Environment != "" {
			b.Body().SetAttributeValue("environment", cty.StringVal(v.Environment))
		}
		if v.Tenant != "" {
			b.Body().SetAttributeValue("tenant", cty.StringVal(v.Tenant))
		}
		if v.Value == nil {
			b.Body().SetAttributeValue("value", cty.NullVal(cty.String))
		} else {
			b.Body().SetAttributeValue("value", cty.StringVal(*v.Value))
		}
	}
	return hclwrite.Format(f.Bytes())
}
