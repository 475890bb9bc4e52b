package dashboard_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/dashboard"
	"github.com/zonectl/zonectl/internal/ledger"
)

var testNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

// A Space whose environments are declared in an order other than its
// lifecycles', with remote environments owned by two peers, a lifecycle
// with a catch-all phase, one with no phases, and a project imported from
// a peer.
var spaceFiles = map[string]string{
	"space.hcl": `space "devtest" {}

peer "prod" {
  public_key = "not checked by Load"
  accepts    = ["receipts", "releases"]
}

peer "dr" {
  public_key = "not checked by Load"
  accepts    = ["receipts"]
}
`,
	"environments.hcl": `environment "Test" {}
environment "Development" {}
environment "Sandbox" {}
remote_environment "DR" {
  space = "dr"
}
remote_environment "Production" {
  space = "prod"
}

lifecycle "Default" {
  phase "Dev" {
    environments = ["Development"]
  }
  phase "Test" {
    environments = ["Test"]
  }
  phase "Live" {
    environments = ["Production", "DR"]
  }
}

lifecycle "Everything" {
  phase "First" {
    environments = ["Sandbox"]
  }
  phase "Rest" {}
}

lifecycle "Flat" {}
`,
	"projects/web/project.hcl":  project("acme-web", "Default"),
	"projects/api/project.hcl":  project("Api", "Everything"),
	"projects/zeta/project.hcl": project("zeta", "Flat"),
	"imports/prod/billing.hcl": `import "billing" {
  from      = "prod"
  lifecycle = "Default"
}
`,
}

func project(name, lifecycle string) string {
	return `project "` + name + `" {
  lifecycle = "` + lifecycle + `"
}

step "Hello" {
  run_script {
    body = "echo hello"
  }
}
`
}

func load(t *testing.T) *config.Space {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range spaceFiles {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	cfg, diags := config.Load(fsys)
	if diags.HasErrors() {
		t.Fatalf("the test Space does not load: %s", diags.Error())
	}
	return cfg
}

// entries builds a ledger: deployments (and other events) in order,
// a minute apart.
type entries []ledger.Entry

func (es *entries) deploy(project, version, env, tenant, state string) *entries {
	n := len(*es)
	at := testNow.Add(time.Duration(n) * time.Minute)
	*es = append(*es, ledger.Entry{Commit: strings.Repeat(string(rune('a'+n%6)), 40), Event: ledger.Event{
		Schema: ledger.Schema, Type: ledger.Deployment, Time: at, Who: "RE <re@example.com>", Project: project, Version: version,
		Deployment: &ledger.DeploymentRecord{ID: "D-" + version + "-" + env, Environment: env, Tenant: tenant, State: state, Started: at, Finished: at},
	}})
	return es
}

func (es *entries) other(typ, project, version string) *entries {
	*es = append(*es, ledger.Entry{Commit: strings.Repeat("f", 40), Event: ledger.Event{Schema: ledger.Schema, Type: typ, Project: project, Version: version}})
	return es
}

func row(t *testing.T, m *dashboard.Model, name string) dashboard.Project {
	t.Helper()
	for _, p := range m.Projects {
		if p.Name == name {
			return p
		}
	}
	t.Fatalf("no row for project %q in %+v", name, m.Projects)
	return dashboard.Project{}
}

func cell(t *testing.T, p dashboard.Project, env string) dashboard.Cell {
	t.Helper()
	for _, c := range p.Cells {
		if c.Environment == env {
			return c
		}
	}
	t.Fatalf("project %q has no column %q", p.Name, env)
	return dashboard.Cell{}
}

func TestColumnsInLifecycleOrder(t *testing.T) {
	m := dashboard.Build(load(t), nil, "")
	if m.Space != "devtest" {
		t.Errorf("space %q", m.Space)
	}
	type col struct {
		Env, Phase, Space string
		Remote            bool
	}
	columns := func(p dashboard.Project) []col {
		var out []col
		for _, c := range p.Cells {
			out = append(out, col{c.Environment, c.Phase, c.Space, c.Remote})
		}
		return out
	}
	tests := []struct {
		project, lifecycle string
		want               []col
	}{
		{"acme-web", "Default", []col{
			{"Development", "Dev", "", false},
			{"Test", "Test", "", false},
			{"Production", "Live", "prod", true},
			{"DR", "Live", "dr", true},
		}},
		// A catch-all phase holds the environments no other phase names,
		// local ones in declaration order, then remote ones.
		{"Api", "Everything", []col{
			{"Sandbox", "First", "", false},
			{"Test", "Rest", "", false},
			{"Development", "Rest", "", false},
			{"DR", "Rest", "dr", true},
			{"Production", "Rest", "prod", true},
		}},
		// No phases: each environment its own phase.
		{"zeta", "Flat", []col{
			{"Test", "Test", "", false},
			{"Development", "Development", "", false},
			{"Sandbox", "Sandbox", "", false},
			{"DR", "DR", "dr", true},
			{"Production", "Production", "prod", true},
		}},
		// The imported project, with the lifecycle its binding names.
		{"billing", "Default", []col{
			{"Development", "Dev", "", false},
			{"Test", "Test", "", false},
			{"Production", "Live", "prod", true},
			{"DR", "Live", "dr", true},
		}},
	}
	for _, tt := range tests {
		p := row(t, m, tt.project)
		if p.Lifecycle != tt.lifecycle {
			t.Errorf("%s: lifecycle %q, want %q", tt.project, p.Lifecycle, tt.lifecycle)
		}
		if got := columns(p); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: columns\n%+v\nwant\n%+v", tt.project, got, tt.want)
		}
	}

	// Rows sorted by name ignoring case, imported projects among them.
	var names []string
	for _, p := range m.Projects {
		names = append(names, p.Name)
	}
	if want := []string{"acme-web", "Api", "billing", "zeta"}; !reflect.DeepEqual(names, want) {
		t.Errorf("rows %v, want %v", names, want)
	}

	// Nothing deployed: every cell is empty.
	for _, p := range m.Projects {
		for _, c := range p.Cells {
			if c.Current != nil || c.Previous != nil {
				t.Errorf("%s/%s: %+v on an empty ledger", p.Name, c.Environment, c)
			}
		}
	}
}

func TestCurrentAndPreviousSuccess(t *testing.T) {
	var es entries
	es.other(ledger.ReleaseCreated, "acme-web", "1.0.0").
		deploy("acme-web", "1.0.0", "Development", "", ledger.StateSuccess).
		other(ledger.ReleaseCreated, "acme-web", "1.1.0").
		deploy("acme-web", "1.1.0", "Development", "", ledger.StateSuccess). // Development: 1.1.0 over 1.0.0
		deploy("acme-web", "1.0.0", "Test", "", ledger.StateSuccess).
		deploy("acme-web", "1.1.0", "Test", "", ledger.StateFailed). // Test: 1.1.0 failed, 1.0.0 still there
		deploy("acme-web", "1.0.0", "Production", "", ledger.StateSuccess).
		deploy("acme-web", "1.0.0", "Production", "", ledger.StateSuccess). // the same version twice: no previous
		deploy("ACME-WEB", "1.1.0", "dr", "", ledger.StateWaiting).         // names in the ledger match ignoring case
		deploy("Api", "3.0.0", "Test", "", ledger.StateSuccess).            // another project
		other(ledger.ReleaseSnapshot, "acme-web", "1.1.0")
	m := dashboard.Build(load(t), ledger.ProjectsOf(es), "")
	web := row(t, m, "acme-web")

	dep := func(version, state string, i int) *dashboard.Deployment {
		e := es[i].Event
		return &dashboard.Deployment{Version: version, State: state, Finished: e.Deployment.Finished, ID: e.Deployment.ID}
	}
	tests := []struct {
		env               string
		current, previous *dashboard.Deployment
	}{
		{"Development", dep("1.1.0", "Success", 3), dep("1.0.0", "Success", 1)},
		{"Test", dep("1.1.0", "Failed", 5), dep("1.0.0", "Success", 4)},
		{"Production", dep("1.0.0", "Success", 7), nil},
		{"DR", dep("1.1.0", "Waiting", 8), nil},
	}
	for _, tt := range tests {
		c := cell(t, web, tt.env)
		if !reflect.DeepEqual(c.Current, tt.current) || !reflect.DeepEqual(c.Previous, tt.previous) {
			t.Errorf("%s: current %+v previous %+v\nwant current %+v previous %+v", tt.env, c.Current, c.Previous, tt.current, tt.previous)
		}
	}
	if c := cell(t, row(t, m, "Api"), "Test"); c.Current == nil || c.Current.Version != "3.0.0" {
		t.Errorf("Api/Test: %+v", c)
	}
	for _, env := range []string{"Sandbox", "Development", "Production", "DR"} {
		if c := cell(t, row(t, m, "Api"), env); c.Current != nil || c.Previous != nil {
			t.Errorf("Api/%s untouched, but shows %+v", env, c)
		}
	}
	if c := cell(t, row(t, m, "billing"), "Test"); c.Current != nil {
		t.Errorf("billing/Test untouched, but shows %+v", c)
	}
}

// Previous is the latest success of a version other than the current one,
// passing over failures and successes of the current version.
func TestPreviousSkipsFailuresAndTheCurrentVersion(t *testing.T) {
	var es entries
	es.deploy("acme-web", "1.0.0", "Test", "", ledger.StateSuccess).
		deploy("acme-web", "1.1.0", "Test", "", ledger.StateFailed).
		deploy("acme-web", "1.2.0", "Test", "", ledger.StateSuccess).
		deploy("acme-web", "1.3.0", "Test", "", ledger.StateFailed).
		deploy("acme-web", "1.3.0", "Test", "", ledger.StateFailed)
	c := cell(t, row(t, dashboard.Build(load(t), ledger.ProjectsOf(es), ""), "acme-web"), "Test")
	if c.Current == nil || c.Current.Version != "1.3.0" || c.Current.State != "Failed" {
		t.Errorf("current %+v, want 1.3.0 Failed", c.Current)
	}
	if c.Previous == nil || c.Previous.Version != "1.2.0" || c.Previous.State != "Success" {
		t.Errorf("previous %+v, want 1.2.0 Success", c.Previous)
	}

	// A retried deployment that succeeds becomes current; the previous
	// success is of another version.
	es.deploy("acme-web", "1.3.0", "Test", "", ledger.StateSuccess)
	c = cell(t, row(t, dashboard.Build(load(t), ledger.ProjectsOf(es), ""), "acme-web"), "Test")
	if c.Current.Version != "1.3.0" || c.Current.State != "Success" || c.Previous == nil || c.Previous.Version != "1.2.0" {
		t.Errorf("after the retry: current %+v previous %+v", c.Current, c.Previous)
	}
}

func TestTenantShown(t *testing.T) {
	var es entries
	es.deploy("acme-web", "1.0.0", "Test", "Contoso", ledger.StateSuccess).
		deploy("acme-web", "1.1.0", "Test", "Fabrikam", ledger.StateFailed)
	c := cell(t, row(t, dashboard.Build(load(t), ledger.ProjectsOf(es), ""), "acme-web"), "Test")
	if c.Current.Tenant != "Fabrikam" || c.Previous == nil || c.Previous.Tenant != "Contoso" {
		t.Errorf("current %+v previous %+v", c.Current, c.Previous)
	}
}

func TestProjectFilter(t *testing.T) {
	cfg := load(t)
	for _, tt := range []struct {
		filter string
		want   []string
	}{
		{"", []string{"acme-web", "Api", "billing", "zeta"}},
		{"api", []string{"Api"}},
		{"BILLING", []string{"billing"}},
		{"nope", nil},
	} {
		m := dashboard.Build(cfg, nil, tt.filter)
		var names []string
		for _, p := range m.Projects {
			names = append(names, p.Name)
		}
		if !reflect.DeepEqual(names, tt.want) {
			t.Errorf("Build(%q) rows %v, want %v", tt.filter, names, tt.want)
		}
		if m.Projects == nil {
			t.Errorf("Build(%q): Projects is nil; want an empty list for JSON", tt.filter)
		}
	}
}

func TestJSONShape(t *testing.T) {
	var es entries
	es.deploy("acme-web", "1.0.0", "Production", "", ledger.StateSuccess)
	m := dashboard.Build(load(t), ledger.ProjectsOf(es), "acme-web")
	data, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, want := range []string{
		`"space":"devtest"`, `"projects":[{"name":"acme-web","lifecycle":"Default","environments":[`,
		`{"environment":"Development","phase":"Dev"}`,
		`{"environment":"Production","remote":true,"space":"prod","phase":"Live","current":{"version":"1.0.0","state":"Success","finished":"2025-03-14T09:26:53Z","id":"D-1.0.0-Production"}}`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("JSON lacks %s:\n%s", want, text)
		}
	}
	empty, err := json.Marshal(dashboard.Build(load(t), nil, "nope"))
	if err != nil {
		t.Fatal(err)
	}
	if string(empty) != `{"space":"devtest","projects":[]}` {
		t.Errorf("empty dashboard JSON %s", empty)
	}
}
