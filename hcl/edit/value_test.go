package edit

import (
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

const cipher = "-----BEGIN PGP MESSAGE-----\n\nwV4DAbc+/=\n=AbCd\n-----END PGP MESSAGE-----\n"

func TestSetSensitiveValue(t *testing.T) {
	tests := []struct {
		name string
		src  string
		v    SensitiveValue
		want string
	}{{
		name: "new variable appended",
		src:  "# variables\nvariable \"Host\" {\n  value \"x\" {}\n}\n",
		v:    SensitiveValue{Variable: "ApiKey", Value: "C1", Environment: []string{"Test"}},
		want: "# variables\nvariable \"Host\" {\n  value \"x\" {}\n}\n\nvariable \"ApiKey\" {\n  sensitive = true\n\n  value \"C1\" {\n    environment = [\"Test\"]\n  }\n}\n",
	}, {
		name: "value added to existing variable",
		src:  "variable \"ApiKey\" {\n  sensitive = true # keep me\n  value \"C0\" { environment = [\"Test\"] }\n}\n",
		v:    SensitiveValue{Variable: "apikey", Value: "C1", Environment: []string{"Production"}},
		want: "variable \"ApiKey\" {\n  sensitive = true # keep me\n  value \"C0\" { environment = [\"Test\"] }\n  value \"C1\" {\n    environment = [\"Production\"]\n  }\n}\n",
	}, {
		name: "same scope replaced in place",
		src:  "variable \"ApiKey\" {\n  sensitive = true\n  value \"C0\" { environment = [\"test\"] } # rotated monthly\n  value \"T\" {\n    environment = [\"Test\"]\n    tenant      = [\"Contoso\"]\n  }\n}\n",
		v:    SensitiveValue{Variable: "ApiKey", Value: "C1", Environment: []string{"Test"}},
		want: "variable \"ApiKey\" {\n  sensitive = true\n  value \"C1\" { environment = [\"test\"] } # rotated monthly\n  value \"T\" {\n    environment = [\"Test\"]\n    tenant      = [\"Contoso\"]\n  }\n}\n",
	}, {
		name: "tenant scope distinguishes",
		src:  "variable \"ApiKey\" {\n  sensitive = true\n  value \"C0\" { environment = [\"Test\"] }\n}\n",
		v:    SensitiveValue{Variable: "ApiKey", Value: "C1", Environment: []string{"Test"}, Tenant: []string{"Contoso"}},
		want: "variable \"ApiKey\" {\n  sensitive = true\n  value \"C0\" { environment = [\"Test\"] }\n  value \"C1\" {\n    environment = [\"Test\"]\n    tenant      = [\"Contoso\"]\n  }\n}\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SetSensitiveValue("variables.hcl", []byte(tt.src), tt.v)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

// TestSetSensitiveValueArmored writes a real multi-line armored message
// and reads it back through the parser: the label must round-trip exactly.
func TestSetSensitiveValueArmored(t *testing.T) {
	got, err := SetSensitiveValue("v.hcl", nil, SensitiveValue{Variable: "DbPassword", Value: cipher, Environment: []string{"Test"}})
	if err != nil {
		t.Fatal(err)
	}
	f, diags := hclsyntax.ParseConfig(got, "v.hcl", hcl.InitialPos)
	if diags.HasErrors() {
		t.Fatalf("output does not parse: %v\n%s", diags, got)
	}
	vb := f.Body.(*hclsyntax.Body).Blocks[0].Body.Blocks[0]
	if vb.Labels[0] != cipher {
		t.Errorf("label = %q, want %q", vb.Labels[0], cipher)
	}
	if strings.Contains(string(got), "\n=AbCd") {
		t.Errorf("the message should stay on one line, escaped:\n%s", got)
	}
}

func TestSetSensitiveValueRefusals(t *testing.T) {
	plain := "variable \"Host\" {\n  value \"x\" {}\n}\n"
	if _, err := SetSensitiveValue("v.hcl", []byte(plain), SensitiveValue{Variable: "host", Value: "C", Environment: []string{"Test"}}); err == nil || !strings.Contains(err.Error(), "is not sensitive") {
		t.Errorf("plain variable: err = %v", err)
	}
	if _, err := SetSensitiveValue("v.hcl", []byte("variable {"), SensitiveValue{Variable: "A", Value: "C", Environment: []string{"Test"}}); err == nil {
		t.Error("syntax error accepted")
	}
	if _, err := SetSensitiveValue("v.hcl", nil, SensitiveValue{Variable: "A", Value: "C"}); err == nil {
		t.Error("unscoped sensitive value accepted")
	}
}
