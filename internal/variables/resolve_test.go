package variables_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

const none = "<no value>"

var (
	contoso   = variables.Context{Environment: "Test", Tenant: "Contoso", TenantTags: []string{"Tier/Gold", "Region/EU"}}
	northwind = variables.Context{Environment: "Production US", Tenant: "Northwind Freight", TenantTags: []string{"Region/US", "Tier/Dedicated"}}
)

func TestPrecedence(t *testing.T) {
	tests := []struct {
		name   string
		values []snapshot.Value
		ctx    variables.Context
		step   string // "" outside any step
		want   string // none: the variable has no value
		tie    bool
	}{
		{
			name:   "unscoped only",
			values: []snapshot.Value{unscoped("u")},
			ctx:    variables.Context{Environment: "Test"},
			want:   "u",
		},
		{
			name:   "environment beats unscoped",
			values: []snapshot.Value{unscoped("u"), val("e", env("Test"))},
			ctx:    variables.Context{Environment: "Test"},
			want:   "e",
		},
		{
			name:   "environment of another deployment is ignored",
			values: []snapshot.Value{unscoped("u"), val("e", env("Production"))},
			ctx:    variables.Context{Environment: "Test"},
			want:   "u",
		},
		{
			name:   "non-matching values only: no value",
			values: []snapshot.Value{val("e", env("Production")), val("t", snapshot.Scope{Tenant: []string{"Fabrikam"}})},
			ctx:    contoso,
			want:   none,
		},
		{
			name:   "tenant beats environment",
			values: []snapshot.Value{val("e", env("Test")), val("t", snapshot.Scope{Tenant: []string{"Contoso"}})},
			ctx:    contoso,
			want:   "t",
		},
		{
			name:   "tenant beats tenant tag",
			values: []snapshot.Value{val("tag", snapshot.Scope{TenantTag: []string{"Tier/Gold"}}), val("t", snapshot.Scope{Tenant: []string{"Contoso"}})},
			ctx:    contoso,
			want:   "t",
		},
		{
			name:   "tenant tag beats environment",
			values: []snapshot.Value{val("e", env("Test")), val("tag", snapshot.Scope{TenantTag: []string{"Tier/Gold"}})},
			ctx:    contoso,
			want:   "tag",
		},
		{
			name:   "environment beats channel",
			values: []snapshot.Value{val("c", snapshot.Scope{Channel: []string{"Hotfix"}}), val("e", env("Test"))},
			ctx:    variables.Context{Environment: "Test", Channel: "Hotfix"},
			want:   "e",
		},
		{
			name:   "channel beats unscoped",
			values: []snapshot.Value{unscoped("u"), val("c", snapshot.Scope{Channel: []string{"Hotfix"}})},
			ctx:    variables.Context{Environment: "Test", Channel: "Hotfix"},
			want:   "c",
		},
		{
			name:   "a channel scope needs the release's channel",
			values: []snapshot.Value{unscoped("u"), val("c", snapshot.Scope{Channel: []string{"Hotfix"}})},
			ctx:    variables.Context{Environment: "Test"},
			want:   "u",
		},
		{
			name:   "step beats tenant while the step runs",
			values: []snapshot.Value{val("t", snapshot.Scope{Tenant: []string{"Contoso"}}), val("s", snapshot.Scope{Step: []string{"Migrate"}})},
			ctx:    contoso,
			step:   "Migrate",
			want:   "s",
		},
		{
			name:   "step value does not apply outside its step",
			values: []snapshot.Value{val("t", snapshot.Scope{Tenant: []string{"Contoso"}}), val("s", snapshot.Scope{Step: []string{"Migrate"}})},
			ctx:    contoso,
			want:   "t",
		},
		{
			name:   "step value does not apply in another step",
			values: []snapshot.Value{unscoped("u"), val("s", snapshot.Scope{Step: []string{"Migrate"}})},
			ctx:    contoso,
			step:   "Deploy",
			want:   "u",
		},
		{
			name: "step beats every other single dimension",
			values: []snapshot.Value{
				unscoped("u"),
				val("e", env("Test")),
				val("c", snapshot.Scope{Channel: []string{"Default"}}),
				val("tag", snapshot.Scope{TenantTag: []string{"Tier/Gold"}}),
				val("t", snapshot.Scope{Tenant: []string{"Contoso"}}),
				val("s", snapshot.Scope{Step: []string{"Migrate"}}),
			},
			ctx:  variables.Context{Environment: "Test", Tenant: "Contoso", TenantTags: []string{"Tier/Gold"}, Channel: "Default"},
			step: "Migrate",
			want: "s",
		},
		{
			name:   "two dimensions beat one: environment and channel beat tenant",
			values: []snapshot.Value{val("t", snapshot.Scope{Tenant: []string{"Contoso"}}), val("ec", snapshot.Scope{Environment: []string{"Test"}, Channel: []string{"Default"}})},
			ctx:    variables.Context{Environment: "Test", Tenant: "Contoso", Channel: "Default"},
			want:   "ec",
		},
		{
			name:   "two dimensions beat a step alone",
			values: []snapshot.Value{val("s", snapshot.Scope{Step: []string{"Migrate"}}), val("te", snapshot.Scope{Tenant: []string{"Contoso"}, Environment: []string{"Test"}})},
			ctx:    contoso,
			step:   "Migrate",
			want:   "te",
		},
		{
			name:   "step and environment beat tenant and environment",
			values: []snapshot.Value{val("te", snapshot.Scope{Tenant: []string{"Contoso"}, Environment: []string{"Test"}}), val("se", snapshot.Scope{Step: []string{"Migrate"}, Environment: []string{"Test"}})},
			ctx:    contoso,
			step:   "Migrate",
			want:   "se",
		},
		{
			name:   "tenant and tag beat tenant and environment",
			values: []snapshot.Value{val("te", snapshot.Scope{Tenant: []string{"Contoso"}, Environment: []string{"Test"}}), val("tt", snapshot.Scope{Tenant: []string{"Contoso"}, TenantTag: []string{"Region/EU"}})},
			ctx:    contoso,
			want:   "tt",
		},
		{
			name:   "OR within a dimension",
			values: []snapshot.Value{unscoped("u"), val("e", env("Staging", "Test"))},
			ctx:    variables.Context{Environment: "Test"},
			want:   "e",
		},
		{
			name:   "AND across dimensions: the tenant does not match",
			values: []snapshot.Value{unscoped("u"), val("te", snapshot.Scope{Tenant: []string{"Fabrikam"}, Environment: []string{"Test"}})},
			ctx:    contoso,
			want:   "u",
		},
		{
			name:   "AND across dimensions: the environment does not match",
			values: []snapshot.Value{unscoped("u"), val("te", snapshot.Scope{Tenant: []string{"Contoso"}, Environment: []string{"Production"}})},
			ctx:    contoso,
			want:   "u",
		},
		{
			name:   "scope names ignore case",
			values: []snapshot.Value{unscoped("u"), val("te", snapshot.Scope{Tenant: []string{"CONTOSO"}, Environment: []string{"test"}})},
			ctx:    contoso,
			want:   "te",
		},
		{
			name:   "step names ignore case",
			values: []snapshot.Value{unscoped("u"), val("s", snapshot.Scope{Step: []string{"MIGRATE"}})},
			ctx:    contoso,
			step:   "migrate",
			want:   "s",
		},
		{
			name:   "tenant tag matches through the tenant's tags, ignoring case",
			values: []snapshot.Value{unscoped("u"), val("tag", snapshot.Scope{TenantTag: []string{"tier/gold"}})},
			ctx:    contoso,
			want:   "tag",
		},
		{
			name:   "tenant tags OR: the tenant carries one of them",
			values: []snapshot.Value{unscoped("u"), val("tag", snapshot.Scope{TenantTag: []string{"Tier/Silver", "Region/EU"}})},
			ctx:    contoso,
			want:   "tag",
		},
		{
			name:   "tenant tag the tenant does not carry",
			values: []snapshot.Value{unscoped("u"), val("tag", snapshot.Scope{TenantTag: []string{"Tier/Silver"}})},
			ctx:    contoso,
			want:   "u",
		},
		{
			name:   "tenant and tag scopes need a tenant",
			values: []snapshot.Value{unscoped("u"), val("t", snapshot.Scope{Tenant: []string{"Contoso"}}), val("tag", snapshot.Scope{TenantTag: []string{"Tier/Gold"}})},
			ctx:    variables.Context{Environment: "Test", TenantTags: []string{"Tier/Gold"}},
			want:   "u",
		},
		{
			name:   "tie: overlapping environments",
			values: []snapshot.Value{val("1", env("Test", "Staging")), val("2", env("Staging"))},
			ctx:    variables.Context{Environment: "Staging"},
			tie:    true,
		},
		{
			name:   "no tie where only one of them applies",
			values: []snapshot.Value{val("1", env("Test", "Staging")), val("2", env("Staging"))},
			ctx:    variables.Context{Environment: "Test"},
			want:   "1",
		},
		{
			name:   "tie: a tenant carrying both tags",
			values: []snapshot.Value{val("2", snapshot.Scope{TenantTag: []string{"Region/US"}}), val("6", snapshot.Scope{TenantTag: []string{"Tier/Dedicated"}})},
			ctx:    northwind,
			tie:    true,
		},
		{
			name:   "tie: two unscoped values",
			values: []snapshot.Value{unscoped("a"), unscoped("b")},
			ctx:    contoso,
			tie:    true,
		},
		{
			name:   "tie: two values for one step",
			values: []snapshot.Value{val("a", snapshot.Scope{Step: []string{"Migrate"}}), val("b", snapshot.Scope{Step: []string{"Migrate", "Deploy"}})},
			ctx:    contoso,
			tie:    true,
		},
		{
			name:   "a more specific value settles a tie below it",
			values: []snapshot.Value{val("1", env("Test", "Staging")), val("2", env("Staging")), val("3", snapshot.Scope{Tenant: []string{"Contoso"}, Environment: []string{"Staging"}})},
			ctx:    variables.Context{Environment: "Staging", Tenant: "Contoso"},
			want:   "3",
		},
		{
			name:   "equal values do not tie",
			values: []snapshot.Value{val("same", env("Test", "Staging")), val("same", env("Staging"))},
			ctx:    variables.Context{Environment: "Staging"},
			want:   "same",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			set, err := variables.Resolve([]snapshot.Variable{variable("X", tt.values...)}, nil, variables.Builtins{}, tt.ctx, variables.Options{})
			if tt.tie {
				var tie *variables.TieError
				if !errors.As(err, &tie) {
					t.Fatalf("Resolve: got error %v, want a *TieError", err)
				}
				if tie.Variable != "X" || tie.Values[0] == "" || tie.Values[1] == "" {
					t.Errorf("TieError = %+v, want variable X and two sources", tie)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if tt.step != "" {
				set = set.ForStep(tt.step, nil)
			}
			got, ok := set.Get("X")
			if !ok {
				got = none
			}
			if got != tt.want {
				t.Errorf("X = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestWorkedExample checks the table of docs/hcl.md's Variable precedence.
func TestWorkedExample(t *testing.T) {
	maxVehicles := variable("MaxVehicles",
		unscoped("500"),
		val("20000", snapshot.Scope{TenantTag: []string{"Tier/Dedicated"}}),
		val("5000", snapshot.Scope{Tenant: []string{"Contoso Logistics"}}),
		val("250000", snapshot.Scope{Tenant: []string{"Northwind Freight"}, Environment: []string{"Production US"}}),
	)
	tests := []struct {
		ctx  variables.Context
		want string
	}{
		{variables.Context{Tenant: "Northwind Freight", TenantTags: []string{"Region/US", "Tier/Dedicated"}, Environment: "Production US"}, "250000"},
		{variables.Context{Tenant: "Northwind Freight", TenantTags: []string{"Region/US", "Tier/Dedicated"}, Environment: "Staging US"}, "20000"},
		{variables.Context{Tenant: "Contoso Logistics", TenantTags: []string{"Region/EU", "Tier/Shared"}, Environment: "Production EU"}, "5000"},
		{variables.Context{Tenant: "Fabrikam", TenantTags: []string{"Region/US", "Tier/Shared"}, Environment: "Production US"}, "500"},
		{variables.Context{Environment: "Test"}, "500"},
	}
	for _, tt := range tests {
		set, err := variables.Resolve([]snapshot.Variable{maxVehicles}, nil, variables.Builtins{}, tt.ctx, variables.Options{})
		if err != nil {
			t.Fatalf("%+v: %v", tt.ctx, err)
		}
		if got, _ := set.Get("MaxVehicles"); got != tt.want {
			t.Errorf("%+v: MaxVehicles = %q, want %q", tt.ctx, got, tt.want)
		}
	}
}

func TestNamesIgnoreCase(t *testing.T) {
	vars := []snapshot.Variable{
		variable("DatabaseHost", unscoped("localhost"), val("test-db", env("Test"))),
		variable("databasehost", val("tenant-db", snapshot.Scope{Tenant: []string{"Contoso"}})), // the same variable
	}
	set, err := variables.Resolve(vars, nil, variables.Builtins{}, contoso, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"DatabaseHost", "DATABASEHOST", "databaseHost"} {
		if got, ok := set.Get(name); !ok || got != "tenant-db" {
			t.Errorf("Get(%q) = %q, %v; want tenant-db", name, got, ok)
		}
	}
	all := set.All()
	var names []string
	for _, v := range all {
		if !strings.HasPrefix(v.Name, "Octopus.") {
			names = append(names, v.Name)
		}
	}
	if !slices.Equal(names, []string{"DatabaseHost"}) {
		t.Errorf("project variables in All = %q, want one, as first declared", names)
	}
}

func TestTieErrorNamesSources(t *testing.T) {
	vars := []snapshot.Variable{variable("CacheSize", val("1", env("Test", "Staging")), val("2", env("Staging")))}
	_, err := variables.Resolve(vars, nil, variables.Builtins{}, variables.Context{Environment: "Staging"}, variables.Options{})
	want := `variable "CacheSize" has two values that apply equally well: value "1" scoped to environment "Test" or "Staging" and value "2" scoped to environment "Staging"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("error = %v, want it to start %s", err, want)
	}
}

func TestSources(t *testing.T) {
	long := strings.Repeat("x", 50)
	vars := []snapshot.Variable{
		variable("Scoped", val("test-db.internal", env("Test"))),
		variable("Unscoped", unscoped("localhost")),
		variable("Multi", val("v", snapshot.Scope{Tenant: []string{"Contoso"}, TenantTag: []string{"Tier/Gold"}, Environment: []string{"Test", "Staging"}})),
		variable("Long", unscoped(long)),
		variable("Script", unscoped("line one\nline two")),
		secret("Secret", val(encrypt("hunter2"), env("Test"))),
	}
	set, err := variables.Resolve(vars, nil, variables.Builtins{}, contoso, variables.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"Scoped":                   `value "test-db.internal" scoped to environment "Test"`,
		"Unscoped":                 `unscoped value "localhost"`,
		"Multi":                    `value "v" scoped to tenant "Contoso" and tenant tag "Tier/Gold" and environment "Test" or "Staging"`,
		"Long":                     `unscoped value "` + long[:40] + `…"`,
		"Script":                   `unscoped value "line one…"`,
		"Secret":                   `sensitive value scoped to environment "Test"`,
		"Octopus.Environment.Name": "built-in",
	}
	for _, v := range set.All() {
		if w, ok := want[v.Name]; ok && v.Source != w {
			t.Errorf("%s: Source = %s, want %s", v.Name, v.Source, w)
		}
	}
}
