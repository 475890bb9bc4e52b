package snapshot

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/canonjson"
)

// cipherTest and cipherProd stand for OpenPGP messages: distinctive enough
// that finding them in an output can only mean a leak.
const (
	cipherTest = "-----BEGIN PGP MESSAGE-----\nwV4DtestCIPHERTEXT0001\n-----END PGP MESSAGE-----\n"
	cipherProd = "-----BEGIN PGP MESSAGE-----\nwV4DprodCIPHERTEXT0002\n-----END PGP MESSAGE-----\n"
)

const (
	hashWeb14 = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"
	hashWeb15 = "cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34cd34"
)

// base returns a fresh snapshot of the acme-web project of the spec.
func base() Side {
	return Side{
		Process: &Process{
			Project:   "acme-web",
			Lifecycle: "Default",
			Tenanted:  "disabled",
			Packages:  []Package{{ID: "acme-web"}},
			Steps: []Step{
				{
					Name: "Migrate database", Environments: []string{"Test", "Production"},
					Condition: "success", Required: true,
					RunScript: &RunScript{Syntax: "bash", Body: "set -e\necho old\n./migrate\n"},
				},
				{
					Name: "Deploy web", Condition: "success",
					DeployPackage: &DeployPackage{Package: "acme-web", Destination: "/srv/acme/#{Octopus.Environment.Name}", Substitute: []string{"config/*.json"}},
				},
				{
					Name: "Approve", Environments: []string{"Production"}, Condition: "success",
					ManualIntervention: &ManualIntervention{Instructions: "Check the change ticket"},
				},
			},
		},
		Variables: &Variables{
			Variables: []Variable{
				{Name: "DatabaseHost", Values: []Value{
					{Value: "localhost"},
					{Value: "test-db.internal", Scope: Scope{Environment: []string{"Test"}}},
					{Value: "db.prod.internal", Scope: Scope{Environment: []string{"Production"}}},
				}},
				{Name: "ApiKey", Sensitive: true, Values: []Value{
					{Value: cipherTest, Scope: Scope{Environment: []string{"Test"}}},
				}},
			},
			Templates: []Template{
				{Name: "DbPassword", Label: "Database password", Type: "sensitive", Per: "environment", Required: true},
			},
		},
		Packages: []PackageRef{{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14, Size: 1000}},
	}
}

// edited returns base() changed by edit.
func edited(edit func(s *Side)) Side {
	s := base()
	edit(&s)
	return s
}

func ptr[T any](v T) *T { return &v }

func TestCompare(t *testing.T) {
	tests := []struct {
		name string
		edit func(s *Side)
		want Diff
	}{
		{
			name: "nothing",
			edit: func(s *Side) {},
			want: Diff{},
		},
		{
			name: "project settings",
			edit: func(s *Side) { s.Process.Lifecycle = "Prod"; s.Process.Description = "web" },
			want: Diff{Project: &FieldChanges{Fields: []FieldChange{
				{Field: "description", Old: "", New: "web"},
				{Field: "lifecycle", Old: "Default", New: "Prod"},
			}}},
		},
		{
			name: "step added at the end",
			edit: func(s *Side) {
				s.Process.Steps = append(s.Process.Steps, Step{Name: "Smoke test", Condition: "always", RunScript: &RunScript{Syntax: "bash", Body: "./smoke.sh\n"}})
			},
			want: Diff{Steps: []StepChange{{Kind: Added, Name: "Smoke test", Index: 3, OldIndex: -1, Fields: []FieldChange{
				{Field: "action", New: "run_script"},
				{Field: "condition", New: "always"},
				{Field: "syntax", New: "bash"},
				{Field: "body", Lines: []string{"@@ -0,0 +1 @@", "+./smoke.sh"}},
			}}}},
		},
		{
			name: "step inserted first moves nothing",
			edit: func(s *Side) {
				s.Process.Steps = append([]Step{{Name: "Notify", ManualIntervention: &ManualIntervention{Instructions: "Tell ops"}}}, s.Process.Steps...)
			},
			want: Diff{Steps: []StepChange{{Kind: Added, Name: "Notify", Index: 0, OldIndex: -1, Fields: []FieldChange{
				{Field: "action", New: "manual_intervention"},
				{Field: "instructions", New: "Tell ops"},
			}}}},
		},
		{
			name: "step removed",
			edit: func(s *Side) { s.Process.Steps = s.Process.Steps[:2] },
			want: Diff{Steps: []StepChange{{Kind: Removed, Name: "Approve", Index: -1, OldIndex: 2}}},
		},
		{
			name: "removed step listed where it was",
			edit: func(s *Side) { s.Process.Steps = append(s.Process.Steps[:1:1], s.Process.Steps[2]) },
			want: Diff{Steps: []StepChange{{Kind: Removed, Name: "Deploy web", Index: -1, OldIndex: 1}}},
		},
		{
			name: "step attributes and body",
			edit: func(s *Side) {
				st := &s.Process.Steps[0]
				st.Environments = append(st.Environments, "Staging")
				st.Required = false
				st.RunScript.Body = "set -e\necho new\n./migrate\n"
				s.Process.Steps[1].DeployPackage.Destination = "/srv/acme2/#{Octopus.Environment.Name}"
			},
			want: Diff{Steps: []StepChange{
				{Kind: Changed, Name: "Migrate database", Index: 0, OldIndex: 0, Fields: []FieldChange{
					{Field: "environments", Old: []string{"Test", "Production"}, New: []string{"Test", "Production", "Staging"}},
					{Field: "required", Old: true, New: false},
					{Field: "body", Lines: []string{"@@ -2 +2 @@", "-echo old", "+echo new"}},
				}},
				{Kind: Changed, Name: "Deploy web", Index: 1, OldIndex: 1, Fields: []FieldChange{
					{Field: "destination", Old: "/srv/acme/#{Octopus.Environment.Name}", New: "/srv/acme2/#{Octopus.Environment.Name}"},
				}},
			}},
		},
		{
			name: "step action replaced",
			edit: func(s *Side) {
				s.Process.Steps[2].ManualIntervention = nil
				s.Process.Steps[2].RunScript = &RunScript{Syntax: "bash", Body: "true"}
			},
			want: Diff{Steps: []StepChange{{Kind: Changed, Name: "Approve", Index: 2, OldIndex: 2, Fields: []FieldChange{
				{Field: "action", Old: "manual_intervention", New: "run_script"},
				{Field: "syntax", New: "bash"},
				{Field: "body", New: "true"},
				{Field: "instructions", Old: "Check the change ticket"},
			}}}},
		},
		{
			name: "steps swapped",
			edit: func(s *Side) {
				st := s.Process.Steps
				st[1], st[2] = st[2], st[1]
			},
			want: Diff{Steps: []StepChange{{Kind: Moved, Name: "Deploy web", Index: 2, OldIndex: 1, Moved: true}}},
		},
		{
			name: "step moved and changed",
			edit: func(s *Side) {
				st := s.Process.Steps
				st[0].Disabled = true
				s.Process.Steps = []Step{st[1], st[2], st[0]}
			},
			want: Diff{Steps: []StepChange{{Kind: Changed, Name: "Migrate database", Index: 2, OldIndex: 0, Moved: true, Fields: []FieldChange{
				{Field: "disabled", Old: false, New: true},
			}}}},
		},
		{
			name: "lists compared as sets of names, patterns exactly",
			edit: func(s *Side) {
				s.Process.Steps[0].Environments = []string{"production", "TEST"}
				s.Process.Steps[1].DeployPackage.Substitute = []string{"Config/*.json"}
			},
			want: Diff{Steps: []StepChange{{Kind: Changed, Name: "Deploy web", Index: 1, OldIndex: 1, Fields: []FieldChange{
				{Field: "substitute", Old: []string{"config/*.json"}, New: []string{"Config/*.json"}},
			}}}},
		},
		{
			name: "step name case",
			edit: func(s *Side) { s.Process.Steps[2].Name = "approve" },
			want: Diff{Steps: []StepChange{{Kind: Changed, Name: "approve", Index: 2, OldIndex: 2, Fields: []FieldChange{
				{Field: "name", Old: "Approve", New: "approve"},
			}}}},
		},
		{
			name: "step renamed is removed and added",
			edit: func(s *Side) { s.Process.Steps[2].Name = "Sign off" },
			want: Diff{Steps: []StepChange{
				// A removed step comes before what was added in its place.
				{Kind: Removed, Name: "Approve", Index: -1, OldIndex: 2},
				{Kind: Added, Name: "Sign off", Index: 2, OldIndex: -1, Fields: []FieldChange{
					{Field: "action", New: "manual_intervention"},
					{Field: "environments", New: []string{"Production"}},
					{Field: "condition", New: "success"},
					{Field: "instructions", New: "Check the change ticket"},
				}},
			}},
		},
		{
			name: "package version",
			edit: func(s *Side) {
				s.Packages[0] = PackageRef{ID: "acme-web", Version: "1.5.0", SHA256: hashWeb15, Size: 1100}
			},
			want: Diff{Packages: []PackageChange{{Kind: Changed, ID: "acme-web",
				Old: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14, Size: 1000},
				New: &PackageRef{ID: "acme-web", Version: "1.5.0", SHA256: hashWeb15, Size: 1100}}}},
		},
		{
			name: "package bytes under the same version",
			edit: func(s *Side) { s.Packages[0].SHA256 = hashWeb15 },
			want: Diff{Packages: []PackageChange{{Kind: Changed, ID: "acme-web",
				Old: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14, Size: 1000},
				New: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb15, Size: 1000}}}},
		},
		{
			name: "packages added and removed",
			edit: func(s *Side) {
				s.Packages = []PackageRef{{ID: "acme-api", Version: "2.0.0", SHA256: hashWeb15, Size: 5}}
				s.Process.Packages = []Package{{ID: "acme-api"}, {ID: "acme-docs"}}
			},
			want: Diff{Packages: []PackageChange{
				{Kind: Added, ID: "acme-api", New: &PackageRef{ID: "acme-api", Version: "2.0.0", SHA256: hashWeb15, Size: 5}},
				{Kind: Added, ID: "acme-docs", New: &PackageRef{ID: "acme-docs"}},
				{Kind: Removed, ID: "acme-web", Old: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14, Size: 1000}},
			}},
		},
		{
			name: "variable values added, changed, removed",
			edit: func(s *Side) {
				v := &s.Variables.Variables[0]
				v.Values = []Value{
					{Value: "localhost"},
					{Value: "test-db2", Scope: Scope{Environment: []string{"Test"}}},
					{Value: "db2.internal", Scope: Scope{Environment: []string{"Staging"}}},
				}
			},
			want: Diff{Variables: []VariableChange{{Kind: Changed, Name: "DatabaseHost", Values: []ValueChange{
				{Kind: Changed, Scope: Scope{Environment: []string{"Test"}}, Old: ptr("test-db.internal"), New: ptr("test-db2")},
				{Kind: Added, Scope: Scope{Environment: []string{"Staging"}}, New: ptr("db2.internal")},
				{Kind: Removed, Scope: Scope{Environment: []string{"Production"}}, Old: ptr("db.prod.internal")},
			}}}},
		},
		{
			name: "multi-line value",
			edit: func(s *Side) {
				s.Variables.Variables[0].Values[0].Value = "line one\nline two\n"
			},
			want: Diff{Variables: []VariableChange{{Kind: Changed, Name: "DatabaseHost", Values: []ValueChange{
				{Kind: Changed, Scope: Scope{}, Lines: []string{"@@ -1 +1,2 @@", "-localhost", `\ No newline at end of file`, "+line one", "+line two"}},
			}}}},
		},
		{
			name: "sensitive value changed",
			edit: func(s *Side) { s.Variables.Variables[1].Values[0].Value = cipherProd },
			want: Diff{Variables: []VariableChange{{Kind: Changed, Name: "ApiKey", Sensitive: true, Values: []ValueChange{
				{Kind: Changed, Scope: Scope{Environment: []string{"Test"}}},
			}}}},
		},
		{
			name: "sensitive flag set",
			edit: func(s *Side) {
				v := &s.Variables.Variables[0]
				v.Sensitive = true
				v.Values = []Value{{Value: cipherProd}}
			},
			want: Diff{Variables: []VariableChange{{Kind: Changed, Name: "DatabaseHost", Sensitive: true,
				Fields: []FieldChange{{Field: "sensitive", Old: false, New: true}},
				Values: []ValueChange{
					{Kind: Changed, Scope: Scope{}},
					{Kind: Removed, Scope: Scope{Environment: []string{"Test"}}},
					{Kind: Removed, Scope: Scope{Environment: []string{"Production"}}},
				}}}},
		},
		{
			name: "variables added and removed",
			edit: func(s *Side) {
				s.Variables.Variables = []Variable{s.Variables.Variables[0], {Name: "Region", Description: "where", Values: []Value{{Value: "eu"}}}}
			},
			want: Diff{Variables: []VariableChange{
				{Kind: Added, Name: "Region", Values: []ValueChange{{Kind: Added, Scope: Scope{}, New: ptr("eu")}}},
				{Kind: Removed, Name: "ApiKey", Sensitive: true, Values: []ValueChange{{Kind: Removed, Scope: Scope{Environment: []string{"Test"}}}}},
			}},
		},
		{
			name: "templates added, changed, removed",
			edit: func(s *Side) {
				s.Variables.Templates = []Template{
					{Name: "Region", Type: "select", Per: "environment", Default: ptr("eu"), Options: []Option{{Value: "eu", Display: "Europe"}}},
					{Name: "DbPassword", Label: "Database password", Type: "sensitive", Per: "tenant", Default: ptr(cipherTest)},
				}
			},
			want: Diff{Templates: []TemplateChange{
				{Kind: Added, Name: "Region", Fields: []FieldChange{
					{Field: "type", New: "select"},
					{Field: "default", New: "eu"},
					{Field: "options", New: []Option{{Value: "eu", Display: "Europe"}}},
					{Field: "per", New: "environment"},
				}},
				{Kind: Changed, Name: "DbPassword", Fields: []FieldChange{
					{Field: "default", Sensitive: true},
					{Field: "per", Old: "environment", New: "tenant"},
					{Field: "required", Old: true, New: false},
				}},
			}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Compare(base(), edited(tt.edit))
			want := normal(tt.want)
			if !reflect.DeepEqual(got, want) {
				g, _ := canonjson.Encode(got)
				w, _ := canonjson.Encode(want)
				t.Errorf("Compare:\n got %s\nwant %s", g, w)
			}
			if got.Empty() != (tt.name == "nothing") {
				t.Errorf("Empty() = %v", got.Empty())
			}
		})
	}
}

// normal returns d with empty lists where Compare makes them.
func normal(d Diff) *Diff {
	if d.Steps == nil {
		d.Steps = []StepChange{}
	}
	if d.Packages == nil {
		d.Packages = []PackageChange{}
	}
	if d.Variables == nil {
		d.Variables = []VariableChange{}
	}
	if d.Templates == nil {
		d.Templates = []TemplateChange{}
	}
	return &d
}

func TestCompareScopeIdentity(t *testing.T) {
	side := func(vals ...Value) Side {
		return Side{Variables: &Variables{Variables: []Variable{{Name: "Url", Values: vals}}}}
	}
	old := side(
		Value{Value: "a", Scope: Scope{Environment: []string{"Test", "Production"}, Tenant: []string{"Contoso"}}},
		Value{Value: "b", Scope: Scope{Environment: []string{"Test"}}},
	)
	same := side(
		Value{Value: "b", Scope: Scope{Environment: []string{"test"}}},
		Value{Value: "a", Scope: Scope{Tenant: []string{"CONTOSO"}, Environment: []string{"production", "TEST"}}},
	)
	if d := Compare(old, same); !d.Empty() {
		g, _ := canonjson.Encode(d)
		t.Errorf("same scopes in another order and case differ:\n%s", g)
	}

	changed := side(
		Value{Value: "b", Scope: Scope{Environment: []string{"Test"}}},
		Value{Value: "a2", Scope: Scope{Tenant: []string{"contoso"}, Environment: []string{"test", "Production"}}},
		// Another dimension is another scope.
		Value{Value: "c", Scope: Scope{Tenant: []string{"Test"}}},
	)
	want := normal(Diff{Variables: []VariableChange{{Kind: Changed, Name: "Url", Values: []ValueChange{
		{Kind: Changed, Scope: Scope{Environment: []string{"Production", "test"}, Tenant: []string{"contoso"}}, Old: ptr("a"), New: ptr("a2")},
		{Kind: Added, Scope: Scope{Tenant: []string{"Test"}}, New: ptr("c")},
	}}}})
	if got := Compare(old, changed); !reflect.DeepEqual(got, want) {
		g, _ := canonjson.Encode(got)
		w, _ := canonjson.Encode(want)
		t.Errorf("Compare:\n got %s\nwant %s", g, w)
	}
}

func TestCompareNilSides(t *testing.T) {
	if d := Compare(Side{}, Side{}); !d.Empty() {
		t.Errorf("two empty sides differ: %+v", d)
	}
	d := Compare(Side{}, base())
	if len(d.Steps) != 3 || len(d.Variables) != 2 || len(d.Templates) != 1 || len(d.Packages) != 1 {
		t.Errorf("everything should be added: %+v", d)
	}
	for _, s := range d.Steps {
		if s.Kind != Added {
			t.Errorf("step %q is %s, want added", s.Name, s.Kind)
		}
	}
	d = Compare(base(), Side{})
	if len(d.Steps) != 3 || d.Steps[0].Kind != Removed || len(d.Variables) != 2 || d.Variables[1].Kind != Removed {
		t.Errorf("everything should be removed: %+v", d)
	}
}

// review is the change of the Text example: a bit of everything.
func review(s *Side) {
	s.Process.Lifecycle = "Prod"
	st := s.Process.Steps
	st[0].Environments = append(st[0].Environments, "Staging")
	st[0].RunScript.Body = "set -e\necho new\n./migrate\n"
	st[1].DeployPackage.Destination = "/srv/acme2"
	s.Process.Steps = []Step{st[1], st[0],
		{Name: "Smoke test", Condition: "success", RunScript: &RunScript{Syntax: "bash", Body: "./smoke.sh\n"}}}
	s.Packages[0] = PackageRef{ID: "acme-web", Version: "1.5.0", SHA256: hashWeb15, Size: 1100}
	s.Process.Packages = append(s.Process.Packages, Package{ID: "acme-api"})
	v := &s.Variables.Variables[0]
	v.Values[1].Value = "test-db2"
	v.Values = append(v.Values, Value{Value: "db2.internal", Scope: Scope{Environment: []string{"Staging"}}})
	s.Variables.Variables[1].Values[0].Value = cipherProd
	s.Variables.Templates[0].Label = "Password of the database"
	s.Variables.Templates = append(s.Variables.Templates, Template{Name: "Region", Type: "text", Per: "environment", Default: ptr("eu")})
}

func TestText(t *testing.T) {
	var b bytes.Buffer
	if err := Compare(base(), edited(review)).Text(&b); err != nil {
		t.Fatal(err)
	}
	want := `Project
  lifecycle: "Default" → "Prod"
Steps
  ~ Deploy web
      destination: "/srv/acme/#{Octopus.Environment.Name}" → "/srv/acme2"
  - Approve (removed, was step 3)
  ~ Migrate database (moved: step 1 → 2)
      environments: ["Test", "Production"] → ["Test", "Production", "Staging"]
      body:
        @@ -2 +2 @@
        - echo old
        + echo new
  + Smoke test (new, step 3)
      action: "run_script"
      condition: "success"
      syntax: "bash"
      body:
        @@ -0,0 +1 @@
        + ./smoke.sh
Packages
  ~ acme-web 1.4.0 (sha256 ab12ab12ab12…) → 1.5.0 (sha256 cd34cd34cd34…)
  + acme-api (version not pinned)
Variables
  ~ DatabaseHost
      ~ [environment Test] "test-db.internal" → "test-db2"
      + [environment Staging] "db2.internal"
  ~ ApiKey (sensitive)
      ~ [environment Test] (sensitive value changed)
Templates
  ~ DbPassword
      label: "Database password" → "Password of the database"
  + Region (text, per environment, optional)
      default: "eu"
`
	if got := b.String(); got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}
}

func TestTextEmpty(t *testing.T) {
	var b bytes.Buffer
	d := Compare(base(), base())
	if !d.Empty() {
		t.Fatalf("a snapshot differs from itself: %+v", d)
	}
	if err := d.Text(&b); err != nil || b.String() != "No differences\n" {
		t.Errorf("Text = %q, %v", b.String(), err)
	}
}

func TestTextShowsHidden(t *testing.T) {
	s := edited(func(s *Side) {
		s.Process.Steps[0].RunScript.Body = "set -e\necho old\n./migrate \u202e; rm -rf / \u2066\n"
		s.Process.Steps[1].DeployPackage.Destination = "/srv/аcme" // Cyrillic а
		s.Process.Steps[2].Name = "Approve\u200b"
		s.Variables.Variables[0].Values[0].Value = `local" [environment Production] "forged\`
	})
	var b bytes.Buffer
	if err := Compare(base(), s).Text(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, hidden := range []string{"\u202e", "\u2066", "\u200b", "а"} {
		if strings.Contains(out, hidden) {
			t.Errorf("Text holds %+q:\n%s", hidden, out)
		}
	}
	for _, shown := range []string{
		`+ ./migrate \u{202E}; rm -rf / \u{2066}`,
		`"/srv/\u{0430}cme"`,
		`+ Approve\u{200B} (new, step 3)`,
		`~ [unscoped] "localhost" → "local\" [environment Production] \"forged\\"`,
	} {
		if !strings.Contains(out, shown) {
			t.Errorf("Text lacks %s:\n%s", shown, out)
		}
	}
}

// TestSensitiveNeverShown looks for ciphertexts, and for a plain value
// that was made sensitive, in every output of diffs that touch them.
func TestSensitiveNeverShown(t *testing.T) {
	ciphertexts := []string{"CIPHERTEXT0001", "CIPHERTEXT0002"}
	sides := map[string]Side{
		"changed": edited(func(s *Side) { s.Variables.Variables[1].Values[0].Value = cipherProd }),
		"added": edited(func(s *Side) {
			s.Variables.Variables[1].Values = append(s.Variables.Variables[1].Values,
				Value{Value: cipherProd, Scope: Scope{Environment: []string{"Production"}}})
		}),
		"removed":          edited(func(s *Side) { s.Variables.Variables = s.Variables.Variables[:1] }),
		"template default": edited(func(s *Side) { s.Variables.Templates[0].Default = ptr(cipherProd) }),
		"made sensitive": edited(func(s *Side) {
			s.Variables.Variables[1] = Variable{Name: "ApiKey", Values: []Value{{Value: "hunter2", Scope: Scope{Environment: []string{"Test"}}}}}
		}),
	}
	for name, cur := range sides {
		check := func(d *Diff, secrets []string) {
			t.Helper()
			js, err := canonjson.Encode(d)
			if err != nil {
				t.Fatal(err)
			}
			var text bytes.Buffer
			if err := d.Text(&text); err != nil {
				t.Fatal(err)
			}
			for _, secret := range secrets {
				if bytes.Contains(js, []byte(secret)) {
					t.Errorf("%s: JSON shows %q:\n%s", name, secret, js)
				}
				if strings.Contains(text.String(), secret) {
					t.Errorf("%s: Text shows %q:\n%s", name, secret, text.String())
				}
			}
		}
		// Between the two, ApiKey is sensitive on one side at least: the
		// plain value must not show either.
		check(Compare(base(), cur), append(ciphertexts, "hunter2"))
		check(Compare(cur, base()), append(ciphertexts, "hunter2"))
		check(Compare(Side{}, cur), ciphertexts)
		check(Compare(cur, Side{}), ciphertexts)
	}
}

func TestJSONStable(t *testing.T) {
	a, err := canonjson.Encode(Compare(base(), edited(review)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := canonjson.Encode(Compare(base(), edited(review)))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Errorf("two encodings differ:\n%s\n%s", a, b)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, a); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`"kind":"changed","name":"Migrate database","index":1,"old_index":0,"moved":true,`,
		`{"field":"environments","old":["Test","Production"],"new":["Test","Production","Staging"]}`,
		`{"field":"body","lines":["@@ -2 +2 @@","-echo old","+echo new"]}`,
		`{"field":"default","new":"eu"}`,
		`{"kind":"changed","scope":{"environment":["Test"]}}`,
	} {
		if !strings.Contains(compact.String(), want) {
			t.Errorf("JSON lacks %s:\n%s", want, a)
		}
	}
	empty, err := canonjson.Encode(Compare(base(), base()))
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"steps\": [],\n  \"packages\": [],\n  \"variables\": [],\n  \"templates\": []\n}\n"; string(empty) != want {
		t.Errorf("empty diff JSON:\n%s\nwant:\n%s", empty, want)
	}
}

func TestTextPackages(t *testing.T) {
	near := hashWeb14[:12] + strings.Repeat("0", 52)
	tests := []struct {
		change PackageChange
		want   string
	}{
		{
			PackageChange{Kind: Changed, ID: "acme-web", Old: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14}, New: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: near}},
			"  ~ acme-web 1.4.0 (sha256 " + hashWeb14 + ") → 1.4.0 (sha256 " + near + ")\n",
		},
		{
			PackageChange{Kind: Changed, ID: "acme-web", Old: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14, Size: 1}, New: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14, Size: 2}},
			"  ~ acme-web 1.4.0 (sha256 ab12ab12ab12…, 1 bytes) → 1.4.0 (sha256 ab12ab12ab12…, 2 bytes)\n",
		},
		{
			PackageChange{Kind: Changed, ID: "acme-web", Old: &PackageRef{ID: "Acme-Web", Version: "1.4.0", SHA256: hashWeb14}, New: &PackageRef{ID: "acme-web", Version: "1.4.0", SHA256: hashWeb14}},
			"  ~ Acme-Web 1.4.0 (sha256 ab12ab12ab12…) → acme-web 1.4.0 (sha256 ab12ab12ab12…)\n",
		},
		{
			PackageChange{Kind: Removed, ID: "tools", Old: &PackageRef{ID: "tools", Version: "1.0.0\u202e", SHA256: "not hex\n"}},
			"  - tools 1.0.0\\u{202E} (sha256 not hex\\u{000A})\n",
		},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := (&Diff{Packages: []PackageChange{tt.change}}).Text(&b); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimPrefix(b.String(), "Packages\n"); got != tt.want {
			t.Errorf("Text:\n got %q\nwant %q", got, tt.want)
		}
	}
}

type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.n++; w.n > 2 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestTextWriteError(t *testing.T) {
	if err := Compare(base(), edited(review)).Text(&failingWriter{}); err == nil || err.Error() != "disk full" {
		t.Errorf("Text = %v, want the writer's error", err)
	}
}
