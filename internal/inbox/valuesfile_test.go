package inbox

import "testing"

func TestParseSet(t *testing.T) {
	for _, tc := range []struct {
		arg  string
		null bool
		want string
		val  string
		err  bool
	}{
		{arg: "DbPassword[Production]=s3cr=t", want: "DbPassword[Production]", val: "s3cr=t"},
		{arg: "Url[Production/Contoso]=https://x", want: "Url[Production/Contoso]", val: "https://x"},
		{arg: "Region[/Contoso]=eu", want: "Region[/Contoso]", val: "eu"},
		{arg: "Hook[Staging]", null: true, want: "Hook[Staging]"},
		{arg: "Hook[Staging]=", want: "Hook[Staging]", val: ""},
		{arg: "Hook[Staging]", err: true},
		{arg: "Hook=x", err: true},
		{arg: "[Staging]=x", err: true},
		{arg: "Hook[]=x", err: true},
		{arg: "Hook[Staging]=x", null: true, err: true},
	} {
		v, err := ParseSet(tc.arg, tc.null)
		if (err != nil) != tc.err {
			t.Errorf("ParseSet(%q) error = %v", tc.arg, err)
			continue
		}
		if err != nil {
			continue
		}
		if v.String() != tc.want || (tc.null != (v.Value == nil)) || (v.Value != nil && *v.Value != tc.val) {
			t.Errorf("ParseSet(%q) = %s %v", tc.arg, v, v.Value)
		}
	}
}

func TestParseValues(t *testing.T) {
	src := `
template_value "DbPassword" {
  environment = "Production"
  value       = "x"
}
template_value "Hook" {
  environment = "Staging"
  value       = null
}
template_value "Region" {
  tenant = "Contoso"
  value  = "eu"
}
`
	vs, diags := ParseValues("v.hcl", []byte(src))
	if diags.HasErrors() || len(vs) != 3 {
		t.Fatalf("%v %v", vs, diags)
	}
	if vs[1].Value != nil || *vs[0].Value != "x" || vs[2].Tenant != "Contoso" {
		t.Errorf("values = %+v", vs)
	}
	if _, diags := ParseValues("v.hcl", []byte(`template_value "A" { environment = "P" }`)); !diags.HasErrors() {
		t.Error("a value block without value was accepted")
	}
	if _, diags := ParseValues("v.hcl", []byte(`import "x" {}`)); !diags.HasErrors() {
		t.Error("an import block was accepted in a values file")
	}
}
