package deploy_test

import (
	"context"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/deploy"
	"github.com/zonectl/zonectl/internal/ledger"
)

const tenants = `tag_set "Tier" {
  tags = ["Gold", "Silver", "Bronze"]
}

tenant "Contoso" {
  tags = ["Tier/Gold"]
  project "portal" {
    environments = ["Test", "Staging"]
  }
}

tenant "Fabrikam" {
  tags = ["Tier/Silver"]
  project "portal" {
    environments = ["Test"]
  }
}

tenant "Northwind" {
  tags = ["Tier/Gold"]
  project "portal" {
    environments = ["Test", "Staging"]
  }
}

tenant "Litware" {
  tags = ["Tier/Silver"]
  project "portal" {
    environments = ["Test", "Staging"]
  }
}

tenant "Unconnected" {
  tags = ["Tier/Bronze"]
}
`

func portal(tenanted, lifecycle string) string {
	return `project "portal" {
  lifecycle = "` + lifecycle + `"
  tenanted  = "` + tenanted + `"
}

step "Configure" {
  run_script {
    body = "echo portal for [#{Octopus.Tenant.Name}] at #{Url}"
  }
}

step "Gold support" {
  tenant_tags = ["Tier/Gold"]
  run_script {
    body = "echo gold support on"
  }
}

variable "Url" {
  value "https://portal.example.com" {}
  value "https://contoso.example.com" {
    tenant = ["Contoso"]
  }
  value "https://gold.example.com" {
    tenant_tag = ["Tier/Gold"]
  }
}
`
}

func tenantsOf(res *deploy.Result) []string {
	var out []string
	for _, o := range res.Outcomes {
		out = append(out, o.Tenant)
	}
	return out
}

func TestTenantedDeployments(t *testing.T) {
	f := newFixture(t, map[string]string{"tenants.hcl": tenants, "projects/portal/project.hcl": portal("required", "TwoStep")})
	f.release(t, "portal", "2.0.0")
	tip := f.ledgerTip(t)

	refusals := []struct {
		opts deploy.Options
		want string
	}{
		{to("portal", "2.0.0", "Test"), `project "portal" is tenanted: choose who to deploy for with --tenant NAME or --tenant-tag SET/TAG (connected here: "Contoso", "Fabrikam", "Northwind", "Litware")`},
		{deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Test", Tenant: "Nobody"}, `tenant "Nobody" does not exist in this Space`},
		{deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Test", Tenant: "Unconnected"}, `tenant "Unconnected" is not connected to project "portal" in Test`},
		{deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Test", TenantTag: "Tier/Bronze"}, `no tenant tagged "Tier/Bronze" is connected to project "portal" in Test`},
		{deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Test", TenantTag: "Gold"}, `--tenant-tag "Gold" is not of the form SET/TAG`},
		// Progression is per tenant: none has reached Test yet.
		{deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Staging", Tenant: "Contoso"}, `needs phase "Test" complete first`},
	}
	for _, r := range refusals {
		_, err := f.deploy(r.opts)
		var refused *deploy.RefusedError
		if !errors.As(err, &refused) || !strings.Contains(err.Error(), r.want) {
			t.Errorf("deploy %+v: %v\nwant a refusal saying %q", r.opts, err, r.want)
		}
	}
	if _, err := f.deploy(deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Test", Tenant: "Contoso", TenantTag: "Tier/Gold"}); err == nil {
		t.Error("--tenant with --tenant-tag was accepted")
	}
	if f.ledgerTip(t) != tip {
		t.Error("refused deployments wrote to the ledger")
	}

	// A tag chooses every connected tenant carrying it, in declaration
	// order, each with its own values and steps.
	res := f.mustDeploy(t, deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Test", TenantTag: "tier/gold"})
	if got := strings.Join(tenantsOf(res), ","); got != "Contoso,Northwind" {
		t.Fatalf("tenants deployed for Tier/Gold: %s", got)
	}
	out := f.out.String()
	for _, want := range []string{"portal for [Contoso] at https://contoso.example.com", "portal for [Northwind] at https://gold.example.com", "gold support on", "to Test for Contoso", "to Test for Northwind"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if res.Outcomes[0].ID == res.Outcomes[1].ID {
		t.Error("two tenants' deployments share an ID")
	}

	res = f.mustDeploy(t, deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Test", Tenant: "litware"})
	o := res.Outcomes[0]
	if o.Tenant != "Litware" || stepStates(o.Steps) != "Configure=Success Gold support=Skipped" || o.Steps[1].Reason != "runs only for tenants tagged Tier/Gold" {
		t.Errorf("Litware: %+v", o)
	}
	if !strings.Contains(f.out.String(), "portal for [Litware] at https://portal.example.com") {
		t.Errorf("output:\n%s", f.out)
	}

	// Contoso has reached Test, so it may go on; Fabrikam is not connected
	// to Staging.
	res = f.mustDeploy(t, deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Staging", Tenant: "Contoso"})
	if res.Outcomes[0].State != ledger.StateSuccess {
		t.Errorf("Contoso to Staging: %+v", res.Outcomes[0])
	}
	_, err := f.deploy(deploy.Options{Project: "portal", Version: "2.0.0", Environment: "Staging", Tenant: "Fabrikam"})
	if err == nil || !strings.Contains(err.Error(), `tenant "Fabrikam" is not connected to project "portal" in Staging`) {
		t.Errorf("Fabrikam to Staging: %v", err)
	}

	var got []string
	for _, d := range f.deployments(t) {
		got = append(got, d.Event.Deployment.Environment+"/"+d.Event.Deployment.Tenant)
		if d.Event.Deployment.Tenant == "" {
			t.Errorf("untenanted deployment of a tenant-required project: %+v", d.Event)
		}
	}
	if want := "Test/Contoso Test/Northwind Test/Litware Staging/Contoso"; strings.Join(got, " ") != want {
		t.Errorf("ledger: %s\nwant    %s", strings.Join(got, " "), want)
	}
	if s := ledger.Summary(f.deployments(t)[0].Event); s != "Deploy portal 2.0.0 to Test for Contoso: Success" {
		t.Errorf("summary %q", s)
	}
}

// A project that is not tenanted refuses tenants; one that allows them
// deploys untenanted and per tenant, each progressing on its own.
func TestTenantedModes(t *testing.T) {
	f := newFixture(t, map[string]string{
		"tenants.hcl":                 strings.ReplaceAll(tenants, `project "portal"`, `project "shop"`),
		"projects/portal/project.hcl": portal("disabled", "TwoStep"),
		"projects/shop/project.hcl":   strings.Replace(portal("allowed", "TwoStep"), `project "portal"`, `project "shop"`, 1),
	})
	f.release(t, "portal", "1.0.0")
	f.release(t, "shop", "1.0.0")

	_, err := f.deploy(deploy.Options{Project: "portal", Version: "1.0.0", Environment: "Test", Tenant: "Contoso"})
	if err == nil || !strings.Contains(err.Error(), `project "portal" is not tenanted; deploy it without --tenant or --tenant-tag`) {
		t.Errorf("tenant on an untenanted project: %v", err)
	}

	res := f.mustDeploy(t, to("shop", "1.0.0", "Test"))
	if o := res.Outcomes[0]; o.Tenant != "" || !strings.Contains(f.out.String(), "portal for [#{Octopus.Tenant.Name}] at https://portal.example.com") {
		t.Errorf("untenanted deployment of shop: %+v\n%s", o, f.out)
	}
	// The untenanted deployment reached Test; Contoso has not.
	_, err = f.deploy(deploy.Options{Project: "shop", Version: "1.0.0", Environment: "Staging", Tenant: "Contoso"})
	if err == nil || !strings.Contains(err.Error(), `needs phase "Test" complete first`) {
		t.Errorf("Contoso to Staging before its Test: %v", err)
	}
	f.mustDeploy(t, to("shop", "1.0.0", "Staging"))
}

// Automatic environments are deployed for every tenant connected there,
// and not untenanted when the project requires tenants.
func TestAutomaticDeploymentsPerTenant(t *testing.T) {
	lifecycle := `
lifecycle "AutoTest" {
  phase "Test" {
    environments = ["Test"]
    automatic    = ["Test"]
  }
  phase "Staging" {
    environments = ["Staging"]
  }
}
`
	f := newFixture(t, map[string]string{
		"tenants.hcl":                 tenants,
		"lifecycles.hcl":              lifecycle,
		"projects/portal/project.hcl": portal("required", "AutoTest"),
	})
	f.release(t, "portal", "1.0.0")
	outs, err := deploy.Automatic(context.Background(), f.env, "portal", "1.0.0")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range outs {
		if o.Environment != "Test" || o.State != ledger.StateSuccess || !o.Automatic {
			t.Errorf("automatic outcome %+v", o)
		}
		got = append(got, o.Tenant)
	}
	sort.Strings(got)
	if strings.Join(got, ",") != "Contoso,Fabrikam,Litware,Northwind" {
		t.Errorf("automatic deployments for %v; want every tenant connected in Test", got)
	}
}
