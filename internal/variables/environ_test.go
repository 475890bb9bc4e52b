package variables_test

import (
	"slices"
	"testing"

	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

func TestEnvName(t *testing.T) {
	tests := []struct{ name, want string }{
		{"Octopus.Environment.Name", "Octopus_Environment_Name"},
		{"DatabaseHost", "DatabaseHost"},
		{"my-var", "my_var"},
		{"App Settings:Url", "App_Settings_Url"},
		{"1stValue", "_1stValue"},
		{"Octopus.Action[Deploy web].Output.Url", "Octopus_Action_Deploy_web__Output_Url"},
		{"naïve", "na_ve"},
		{"_private", "_private"},
		{"", "_"},
	}
	for _, tt := range tests {
		if got := variables.EnvName(tt.name); got != tt.want {
			t.Errorf("EnvName(%q) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestEnviron(t *testing.T) {
	vars := []snapshot.Variable{
		variable("Octopus_Environment_Name", unscoped("shadowed by the built-in")),
		variable("App.Url", unscoped("from App.Url")),
		variable("App_Url", unscoped("from App_Url")), // already shell-safe: wins the name
		variable("my-var", unscoped("dash")),
		variable("2fa", unscoped("on")),
		variable("Step.Only", val("s", snapshot.Scope{Step: []string{"Deploy"}})),
	}
	set, err := variables.Resolve(vars, nil, variables.Builtins{Project: "acme-web"}, variables.Context{Environment: "Test"}, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"App_Url=from App_Url",
		"Octopus_Environment_Name=Test",
		"Octopus_Project_Name=acme-web",
		"Octopus_Release_Notes=",
		"_2fa=on",
		"my_var=dash",
	}
	if got := set.Environ(); !slices.Equal(got, want) {
		t.Errorf("Environ =\n%q\nwant\n%q", got, want)
	}
	step := set.ForStep("Deploy", nil).Environ()
	for _, w := range []string{"Step_Only=s", "Octopus_Step_Name=Deploy", "Octopus_Action_Name=Deploy"} {
		if !slices.Contains(step, w) {
			t.Errorf("the step's Environ %q lacks %q", step, w)
		}
	}
}
