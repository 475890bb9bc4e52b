package variables_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/variables"
)

func ptr(s string) *string { return &s }

func TestTemplates(t *testing.T) {
	dbPassword := snapshot.Template{Name: "DbPassword", Type: "text", Per: "environment", Required: true}
	tests := []struct {
		name       string
		template   snapshot.Template
		vars       []snapshot.Variable
		extra      []snapshot.Variable
		ctx        variables.Context
		missing    bool   // CheckTemplates refuses
		want       string // the value Resolve gives the template's name, or none
		wantSource string
	}{
		{
			name:       "satisfied by a value scoped to the environment",
			template:   dbPassword,
			vars:       []snapshot.Variable{variable("DbPassword", val("pw-test", env("Test")))},
			ctx:        variables.Context{Environment: "Test"},
			want:       "pw-test",
			wantSource: `value "pw-test" scoped to environment "Test"`,
		},
		{
			name:       "satisfied by a value scoped to the environment and more",
			template:   dbPassword,
			vars:       []snapshot.Variable{variable("dbpassword", val("pw-contoso", snapshot.Scope{Environment: []string{"test"}, Tenant: []string{"Contoso"}}))},
			ctx:        contoso,
			want:       "pw-contoso",
			wantSource: `value "pw-contoso" scoped to tenant "Contoso" and environment "test"`,
		},
		{
			name:       "not satisfied by an unscoped value",
			template:   dbPassword,
			vars:       []snapshot.Variable{variable("DbPassword", unscoped("pw-everywhere"))},
			ctx:        variables.Context{Environment: "Test"},
			missing:    true,
			want:       "pw-everywhere",
			wantSource: `unscoped value "pw-everywhere"`,
		},
		{
			name:     "not satisfied by another environment's value",
			template: dbPassword,
			vars:     []snapshot.Variable{variable("DbPassword", val("pw-dev", env("Development")))},
			ctx:      variables.Context{Environment: "Test"},
			missing:  true,
			want:     none,
		},
		{
			name:     "not satisfied by a value for one step",
			template: dbPassword,
			vars:     []snapshot.Variable{variable("DbPassword", val("pw", snapshot.Scope{Environment: []string{"Test"}, Step: []string{"Migrate"}}))},
			ctx:      variables.Context{Environment: "Test"},
			missing:  true,
			want:     none,
		},
		{
			name:       "satisfied by the deploying Space's value",
			template:   dbPassword,
			extra:      []snapshot.Variable{variable("DbPassword", val("pw-prod", env("Production")))},
			ctx:        variables.Context{Environment: "Production"},
			want:       "pw-prod",
			wantSource: `template value "pw-prod" for environment "Production"`,
		},
		{
			name:       "the deploying Space's value beats a project value as specific",
			template:   dbPassword,
			vars:       []snapshot.Variable{variable("DbPassword", val("pw-project", env("Production")))},
			extra:      []snapshot.Variable{variable("DbPassword", val("pw-space", env("Production")))},
			ctx:        variables.Context{Environment: "Production"},
			want:       "pw-space",
			wantSource: `template value "pw-space" for environment "Production"`,
		},
		{
			name:       "an explicit null from the deploying Space satisfies",
			template:   dbPassword,
			extra:      []snapshot.Variable{variable("DbPassword", val("", env("Production")))},
			ctx:        variables.Context{Environment: "Production"},
			want:       "",
			wantSource: `template value "" for environment "Production"`,
		},
		{
			name:       "satisfied by a default",
			template:   snapshot.Template{Name: "LogLevel", Type: "select", Default: ptr("info"), Per: "environment", Required: true},
			vars:       []snapshot.Variable{variable("LogLevel", val("debug", env("Development")))},
			ctx:        variables.Context{Environment: "Test"},
			want:       "info",
			wantSource: "template default",
		},
		{
			name:       "a value for the environment beats the default",
			template:   snapshot.Template{Name: "LogLevel", Type: "select", Default: ptr("info"), Per: "environment", Required: true},
			vars:       []snapshot.Variable{variable("LogLevel", val("debug", env("Development")))},
			ctx:        variables.Context{Environment: "Development"},
			want:       "debug",
			wantSource: `value "debug" scoped to environment "Development"`,
		},
		{
			name:       "the default beats an unscoped project value",
			template:   snapshot.Template{Name: "RunMigrations", Type: "checkbox", Default: ptr("True"), Per: "environment", Required: true},
			vars:       []snapshot.Variable{variable("RunMigrations", unscoped("False"))},
			ctx:        variables.Context{Environment: "Test"},
			want:       "True",
			wantSource: "template default",
		},
		{
			name:       "an optional template without a value is empty",
			template:   snapshot.Template{Name: "AlertWebhookUrl", Type: "text", Per: "environment"},
			ctx:        variables.Context{Environment: "Test"},
			want:       "",
			wantSource: "optional template, no value supplied",
		},
		{
			name:       "an optional template with a value",
			template:   snapshot.Template{Name: "AlertWebhookUrl", Type: "text", Per: "environment"},
			vars:       []snapshot.Variable{variable("AlertWebhookUrl", val("https://chat/hook", env("Test")))},
			ctx:        variables.Context{Environment: "Test"},
			want:       "https://chat/hook",
			wantSource: `value "https://chat/hook" scoped to environment "Test"`,
		},
		{
			name:     "per tenant: a tenanted deployment needs a tenant's value",
			template: snapshot.Template{Name: "ApiToken", Type: "text", Per: "tenant", Required: true},
			vars:     []snapshot.Variable{variable("ApiToken", val("t", env("Test")))},
			ctx:      contoso,
			missing:  true,
			want:     "t",
		},
		{
			name:     "per tenant: satisfied by the tenant's value",
			template: snapshot.Template{Name: "ApiToken", Type: "text", Per: "tenant", Required: true},
			vars:     []snapshot.Variable{variable("ApiToken", val("t", snapshot.Scope{Tenant: []string{"Contoso"}}))},
			ctx:      contoso,
			want:     "t",
		},
		{
			name:     "per tenant: not asked of an untenanted deployment",
			template: snapshot.Template{Name: "ApiToken", Type: "text", Per: "tenant", Required: true},
			ctx:      variables.Context{Environment: "Test"},
			want:     none,
		},
		{
			name:     "per tenant and environment: a tenant's value alone is not enough",
			template: snapshot.Template{Name: "ApiToken", Type: "text", Per: "tenant_environment", Required: true},
			vars:     []snapshot.Variable{variable("ApiToken", val("t", snapshot.Scope{Tenant: []string{"Contoso"}}))},
			ctx:      contoso,
			missing:  true,
			want:     "t",
		},
		{
			name:     "per tenant and environment: satisfied by a value scoped to both",
			template: snapshot.Template{Name: "ApiToken", Type: "text", Per: "tenant_environment", Required: true},
			vars:     []snapshot.Variable{variable("ApiToken", val("te", snapshot.Scope{Tenant: []string{"Contoso"}, Environment: []string{"Test"}}))},
			ctx:      contoso,
			want:     "te",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			templates := []snapshot.Template{tt.template}
			err := variables.CheckTemplates(templates, append(slices.Clone(tt.vars), tt.extra...), tt.ctx)
			var miss *variables.MissingTemplateError
			if got := errors.As(err, &miss); got != tt.missing {
				t.Errorf("CheckTemplates = %v; want missing %v", err, tt.missing)
			}
			set, err := variables.Resolve(tt.vars, templates, variables.Builtins{}, tt.ctx, variables.Options{Extra: tt.extra})
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			got, ok := set.Get(tt.template.Name)
			if !ok {
				got = none
			}
			if got != tt.want {
				t.Errorf("%s = %q, want %q", tt.template.Name, got, tt.want)
			}
			if tt.wantSource == "" {
				return
			}
			for _, v := range set.All() {
				if strings.EqualFold(v.Name, tt.template.Name) && v.Source != tt.wantSource {
					t.Errorf("Source = %s, want %s", v.Source, tt.wantSource)
				}
			}
		})
	}
}

func TestMissingTemplatesNamesEvery(t *testing.T) {
	templates := []snapshot.Template{
		{Name: "DbPassword", Type: "sensitive", Per: "environment", Required: true},
		{Name: "LogLevel", Type: "text", Per: "environment", Required: true, Default: ptr("info")},
		{Name: "ApiToken", Type: "sensitive", Per: "tenant_environment", Required: true},
		{Name: "SmtpHost", Type: "text", Per: "environment", Required: true},
		{Name: "AlertWebhookUrl", Type: "text", Per: "environment"},
	}
	vars := []snapshot.Variable{variable("SmtpHost", val("smtp.test", env("Test")))}
	err := variables.CheckTemplates(templates, vars, contoso)
	var miss *variables.MissingTemplateError
	if !errors.As(err, &miss) {
		t.Fatalf("CheckTemplates = %v, want a *MissingTemplateError", err)
	}
	if want := []string{"DbPassword", "ApiToken"}; !slices.Equal(miss.Templates, want) || miss.Environment != "Test" || miss.Tenant != "Contoso" {
		t.Errorf("error = %+v, want templates %q for Contoso in Test", miss, want)
	}
	want := `no value for required variable templates "DbPassword" and "ApiToken" when deploying for tenant "Contoso" in environment "Test"`
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want it to start %q", err, want)
	}

	err = variables.CheckTemplates(templates[:1], nil, variables.Context{Environment: "Test"})
	want = `no value for required variable template "DbPassword" when deploying for environment "Test"`
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %v, want it to start %q", err, want)
	}
}

func TestSensitiveTemplateValueFromSpace(t *testing.T) {
	templates := []snapshot.Template{{Name: "DbPassword", Type: "sensitive", Per: "environment", Required: true}}
	extra := []snapshot.Variable{
		variable("DbPassword", val(encrypt("prod-pw"), env("Production")), val("", env("Staging"))), // not marked: the template's type says it
	}
	var dec fakeDecrypt
	for _, tt := range []struct{ env, want string }{{"Production", "prod-pw"}, {"Staging", ""}} {
		set, err := variables.Resolve(nil, templates, variables.Builtins{}, variables.Context{Environment: tt.env}, variables.Options{Extra: extra, Decrypt: dec.decrypt})
		if err != nil {
			t.Fatalf("%s: %v", tt.env, err)
		}
		if got, _ := set.Get("DbPassword"); got != tt.want {
			t.Errorf("%s: DbPassword = %q, want %q", tt.env, got, tt.want)
		}
		for _, v := range set.All() {
			if v.Name == "DbPassword" && (!v.Sensitive || strings.Contains(v.Source, "pw")) {
				t.Errorf("%s: %+v, want a sensitive value whose source hides it", tt.env, v)
			}
		}
	}
}
