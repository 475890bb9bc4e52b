package promote

import (
	"errors"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/snapshot"
)

func example() (*snapshot.Process, *snapshot.Variables) {
	proc := &snapshot.Process{
		Project: "acme-web", Lifecycle: "Default", Tenanted: "disabled",
		Packages: []snapshot.Package{{ID: "acme-web"}},
		Steps: []snapshot.Step{
			{Name: "Migrate", Environments: []string{"Test", "Production"}, Condition: "success", RunScript: &snapshot.RunScript{Syntax: "bash", Body: "migrate"}},
			{Name: "Deploy", Condition: "success", DeployPackage: &snapshot.DeployPackage{Package: "acme-web", Destination: "/srv"}},
			{Name: "Dev seed", Environments: []string{"Development"}, Condition: "success", RunScript: &snapshot.RunScript{Syntax: "bash", Body: "seed"}},
			{Name: "Smoke", ExcludedEnvironments: []string{"Development", "Staging"}, Condition: "success", RunScript: &snapshot.RunScript{Syntax: "bash", Body: "smoke"}},
			{Name: "Approve", Environments: []string{"production"}, Condition: "success", ManualIntervention: &snapshot.ManualIntervention{Instructions: "ok?"}},
		},
	}
	vars := &snapshot.Variables{
		Variables: []snapshot.Variable{
			{Name: "DatabaseHost", Values: []snapshot.Value{
				{Value: "localhost"},
				{Value: "test-db", Scope: snapshot.Scope{Environment: []string{"Test"}}},
				{Value: "db.prod", Scope: snapshot.Scope{Environment: []string{"Production"}}},
				{Value: "shared", Scope: snapshot.Scope{Environment: []string{"Test", "Staging"}}},
			}},
			{Name: "DevOnly", Values: []snapshot.Value{{Value: "x", Scope: snapshot.Scope{Environment: []string{"Development"}}}}},
			{Name: "SeedSize", Values: []snapshot.Value{{Value: "10", Scope: snapshot.Scope{Step: []string{"Dev seed"}}}}},
			{Name: "Timeout", Values: []snapshot.Value{{Value: "0", Scope: snapshot.Scope{Step: []string{"Migrate"}}}}},
		},
		Templates: []snapshot.Template{{Name: "DbPassword", Type: "sensitive", Per: "environment", Required: true}},
	}
	return proc, vars
}

func names[T any](items []T, name func(T) string) string {
	var out []string
	for _, it := range items {
		out = append(out, name(it))
	}
	return strings.Join(out, ",")
}

func TestSliceKeepsWhatAppliesToTheTarget(t *testing.T) {
	proc, vars := example()
	p, v, err := Slice(proc, vars, SliceOptions{Environments: []string{"Staging", "Production"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(p.Steps, func(s snapshot.Step) string { return s.Name }); got != "Migrate,Deploy,Smoke,Approve" {
		t.Errorf("steps = %s", got)
	}
	if got := strings.Join(p.Steps[0].Environments, ","); got != "Production" {
		t.Errorf("Migrate environments narrowed to %q, want Production only", got)
	}
	if got := strings.Join(p.Steps[2].ExcludedEnvironments, ","); got != "Staging" {
		t.Errorf("Smoke excluded = %q, want Staging", got)
	}
	if got := names(v.Variables, func(x snapshot.Variable) string { return x.Name }); got != "DatabaseHost,Timeout" {
		t.Errorf("variables = %s", got)
	}
	if got := names(v.Variables[0].Values, func(x snapshot.Value) string { return x.Value + "@" + strings.Join(x.Scope.Environment, "+") }); got != "localhost@,db.prod@Production,shared@Staging" {
		t.Errorf("DatabaseHost values = %s", got)
	}
	if len(v.Templates) != 1 {
		t.Errorf("templates = %v", v.Templates)
	}
	// The input is left alone.
	if len(proc.Steps) != 5 || len(proc.Steps[0].Environments) != 2 || len(vars.Variables[0].Values) != 4 {
		t.Error("Slice changed its input")
	}
}

func TestSliceRefusesATargetWithoutEnvironments(t *testing.T) {
	proc, vars := example()
	if _, _, err := Slice(proc, vars, SliceOptions{}); err == nil {
		t.Fatal("sliced for nobody")
	}
}

// TestSliceReencryptsSecrets encrypts to the source's real key, slices for
// a target with its own key, and checks the target can read the value and
// the source's ciphertext does not travel.
func TestSliceReencryptsSecrets(t *testing.T) {
	source, err := keys.Generate(keys.GenerateOptions{Name: "devtest"})
	if err != nil {
		t.Fatal(err)
	}
	target, err := keys.Generate(keys.GenerateOptions{Name: "prod"})
	if err != nil {
		t.Fatal(err)
	}
	enc := func(s string, to *openpgp.Entity) string {
		c, err := keys.Encrypt([]byte(s), openpgp.EntityList{to})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	srcProd, srcTest := enc("prod-secret", source), enc("test-secret", source)
	proc, vars := example()
	vars.Variables = append(vars.Variables, snapshot.Variable{Name: "ApiKey", Sensitive: true, Values: []snapshot.Value{
		{Value: srcProd, Scope: snapshot.Scope{Environment: []string{"Production"}}},
		{Value: srcTest, Scope: snapshot.Scope{Environment: []string{"Test"}}},
	}})
	reencrypt := func(c string) (string, error) {
		plain, err := keys.Decrypt(c, source)
		if err != nil {
			return "", err
		}
		return keys.Encrypt(plain, openpgp.EntityList{target})
	}
	_, v, err := Slice(proc, vars, SliceOptions{Environments: []string{"Production"}, Reencrypt: reencrypt})
	if err != nil {
		t.Fatal(err)
	}
	api := v.Variables[len(v.Variables)-1]
	if api.Name != "ApiKey" || len(api.Values) != 1 {
		t.Fatalf("ApiKey sliced to %+v, want the Production value only", api)
	}
	got := api.Values[0].Value
	if got == srcProd || strings.Contains(got, "prod-secret") {
		t.Fatal("the source's ciphertext or the plain value left the source")
	}
	plain, err := keys.Decrypt(got, target)
	if err != nil || string(plain) != "prod-secret" {
		t.Fatalf("target decrypts %q, %v", plain, err)
	}
	if _, err := keys.Decrypt(got, source); err == nil {
		t.Error("the source's key still opens the value sent to the target")
	}

	failing := func(string) (string, error) { return "", errors.New("no key") }
	if _, _, err := Slice(proc, vars, SliceOptions{Environments: []string{"Production"}, Reencrypt: failing}); err == nil || !strings.Contains(err.Error(), "ApiKey") {
		t.Errorf("a failed re-encryption gave %v", err)
	}
	if _, _, err := Slice(proc, vars, SliceOptions{Environments: []string{"Production"}}); err == nil {
		t.Error("sliced a secret with no key to re-encrypt it")
	}
}
