package variables_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

var builtins = variables.Builtins{
	Space:        "devtest",
	Project:      "acme-web",
	Release:      "1.4.0",
	ReleaseNotes: "Fixes the basket",
	DeploymentID: "deployments/acme-web/1.4.0/Test/3",
	CreatedBy:    "alice",
}

func TestBuiltins(t *testing.T) {
	ctx := variables.Context{Environment: "Test", Tenant: "Contoso", TenantTags: []string{"Tier/Gold", "Region/EU"}, Channel: "Hotfix"}
	set, err := variables.Resolve(nil, nil, builtins, ctx, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Octopus.Space.Name":                    "devtest",
		"Octopus.Project.Name":                  "acme-web",
		"Octopus.Release.Number":                "1.4.0",
		"Octopus.Release.Notes":                 "Fixes the basket",
		"Octopus.Release.Channel.Name":          "Hotfix",
		"Octopus.Environment.Name":              "Test",
		"Octopus.Deployment.Id":                 "deployments/acme-web/1.4.0/Test/3",
		"Octopus.Deployment.CreatedBy.Username": "alice",
		"Octopus.Tenant.Name":                   "Contoso",
		"Octopus.Tenant.Tags":                   "Tier/Gold,Region/EU",
		"Octopus.Deployment.Tenant.Name":        "Contoso",
		"Octopus.Deployment.Tenant.Tags":        "Tier/Gold,Region/EU",
	}
	for name, w := range want {
		if got, ok := set.Get(name); !ok || got != w {
			t.Errorf("%s = %q, %v; want %q", name, got, ok, w)
		}
	}
	for _, v := range set.All() {
		if v.Source != "built-in" || v.Sensitive {
			t.Errorf("%s: Source %q, Sensitive %v; want a plain built-in", v.Name, v.Source, v.Sensitive)
		}
	}
	for _, name := range []string{"Octopus.Step.Name", "Octopus.Action.Name", "Octopus.Action.Package.PackageId"} {
		if got, ok := set.Get(name); ok {
			t.Errorf("outside a step, %s = %q; want none", name, got)
		}
	}
}

func TestBuiltinsWinOverProjectVariables(t *testing.T) {
	vars := []snapshot.Variable{
		variable("Octopus.Environment.Name", unscoped("hijacked"), val("hijacked too", env("Test"))),
		variable("octopus.release.number", unscoped("9.9.9")),
		variable("Octopus.Tenant.Name", unscoped("not a tenant")),
		variable("Octopus.Step.Name", val("not a step", snapshot.Scope{Step: []string{"Deploy"}})),
		variable("Octopus.Custom", unscoped("mine")), // not a built-in: an ordinary variable
	}
	set, err := variables.Resolve(vars, nil, builtins, variables.Context{Environment: "Test"}, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	step := set.ForStep("Deploy", nil)
	tests := []struct {
		set       *variables.Set
		name      string
		want      string
		wantFound bool
	}{
		{set, "Octopus.Environment.Name", "Test", true},
		{set, "Octopus.Release.Number", "1.4.0", true},
		{set, "Octopus.Tenant.Name", "", false}, // untenanted: reserved, though undefined
		{set, "Octopus.Step.Name", "", false},
		{step, "Octopus.Step.Name", "Deploy", true},
		{set, "Octopus.Custom", "mine", true},
	}
	for _, tt := range tests {
		got, ok := tt.set.Get(tt.name)
		if got != tt.want || ok != tt.wantFound {
			t.Errorf("%s = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantFound)
		}
	}
}

func TestBuiltinsFromContext(t *testing.T) {
	b := builtins
	b.Environment, b.Tenant, b.Channel = "test", "contoso", "" // the deployment's, in another case
	set, err := variables.Resolve(nil, nil, b, contoso, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := set.Get("Octopus.Environment.Name"); got != "test" {
		t.Errorf("Octopus.Environment.Name = %q, want the Builtins' spelling %q", got, "test")
	}
	if got, ok := set.Get("Octopus.Release.Channel.Name"); ok {
		t.Errorf("without a channel, Octopus.Release.Channel.Name = %q; want none", got)
	}
	if got, _ := set.Get("Octopus.Tenant.Tags"); got != "Tier/Gold,Region/EU" {
		t.Errorf("Octopus.Tenant.Tags = %q, want the context's tags", got)
	}

	b.Environment = "Production"
	_, err = variables.Resolve(nil, nil, b, contoso, variables.Options{})
	if err == nil || !strings.Contains(err.Error(), `"Production"`) || !strings.Contains(err.Error(), `"Test"`) {
		t.Errorf("contradicting environments: error %v, want one naming both", err)
	}
}

func TestReleaseNotesAlwaysDefined(t *testing.T) {
	set, err := variables.Resolve(nil, nil, variables.Builtins{Release: "1.0.0"}, variables.Context{Environment: "Test"}, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, ok := set.Get("Octopus.Release.Notes"); !ok || got != "" {
		t.Errorf("Octopus.Release.Notes = %q, %v; want \"\", defined", got, ok)
	}
	if got, ok := set.Get("Octopus.Deployment.CreatedBy.Username"); ok {
		t.Errorf("Octopus.Deployment.CreatedBy.Username = %q; want none when unknown", got)
	}
}

func TestForStep(t *testing.T) {
	vars := []snapshot.Variable{
		variable("DbStatementTimeout", unscoped("30s"), val("0", snapshot.Scope{Step: []string{"Migrate database"}})),
		variable("OnlyInDeploy", val("yes", snapshot.Scope{Step: []string{"Deploy web"}})),
		variable("Loser", val("env", snapshot.Scope{Environment: []string{"Test"}, Channel: []string{"Default"}}), val("step", snapshot.Scope{Step: []string{"Migrate database"}})),
	}
	set, err := variables.Resolve(vars, nil, builtins, variables.Context{Environment: "Test", Channel: "Default"}, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	before := set.All()

	migrate := set.ForStep("migrate database", &variables.PackageInfo{ID: "acme-web", Version: "1.4.0"})
	deploy := migrate.ForStep("Deploy web", nil) // starts again from the deployment
	tests := []struct {
		set       *variables.Set
		name      string
		want      string
		wantFound bool
	}{
		{set, "DbStatementTimeout", "30s", true},
		{migrate, "DbStatementTimeout", "0", true},
		{deploy, "DbStatementTimeout", "30s", true},
		{set, "OnlyInDeploy", "", false},
		{migrate, "OnlyInDeploy", "", false},
		{deploy, "OnlyInDeploy", "yes", true},
		{migrate, "Loser", "env", true}, // two dimensions beat the step alone
		{migrate, "Octopus.Step.Name", "migrate database", true},
		{migrate, "Octopus.Action.Name", "migrate database", true},
		{migrate, "Octopus.Action.Package.PackageId", "acme-web", true},
		{migrate, "Octopus.Action.Package.PackageVersion", "1.4.0", true},
		{deploy, "Octopus.Step.Name", "Deploy web", true},
		{deploy, "Octopus.Action.Package.PackageId", "", false},
		{migrate, "Octopus.Release.Number", "1.4.0", true},
	}
	for _, tt := range tests {
		got, ok := tt.set.Get(tt.name)
		if got != tt.want || ok != tt.wantFound {
			t.Errorf("%s = %q, %v; want %q, %v", tt.name, got, ok, tt.want, tt.wantFound)
		}
	}
	if after := set.All(); !slices.Equal(before, after) {
		t.Errorf("ForStep changed the deployment's Set:\nbefore %v\nafter  %v", before, after)
	}
	var names []string
	for _, v := range deploy.All() {
		names = append(names, v.Name)
	}
	if !slices.Contains(names, "OnlyInDeploy") || !slices.Contains(names, "Octopus.Step.Name") {
		t.Errorf("the step's All = %q, want its own values and built-ins", names)
	}
	if !slices.IsSortedFunc(names, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) }) {
		t.Errorf("All is not sorted by name: %q", names)
	}
}

func TestNames(t *testing.T) {
	vars := []snapshot.Variable{
		variable("App.Url", unscoped("u")),
		variable("app.Port", unscoped("p")),
		variable("Application", unscoped("a")),
		variable("App.Step", val("s", snapshot.Scope{Step: []string{"Deploy"}})),
		variable("Other", unscoped("o")),
	}
	set, err := variables.Resolve(vars, nil, variables.Builtins{}, variables.Context{Environment: "Test"}, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// In declaration order, as Octopus iterates a collection.
	if got, want := set.Names("APP."), []string{"App.Url", "app.Port"}; !slices.Equal(got, want) {
		t.Errorf("Names(APP.) = %q, want %q", got, want)
	}
	if got, want := set.ForStep("Deploy", nil).Names("app."), []string{"App.Url", "app.Port", "App.Step"}; !slices.Equal(got, want) {
		t.Errorf("in the step, Names(app.) = %q, want %q", got, want)
	}
	if got := set.Names("Nothing"); len(got) != 0 {
		t.Errorf("Names(Nothing) = %q, want none", got)
	}
}
