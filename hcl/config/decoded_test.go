package config_test

import (
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/zonectl/zonectl/hcl/config"
)

// loadValid loads testdata/valid/<name>.txtar and fails on any diagnostic.
func loadValid(t *testing.T, name string) *config.Space {
	t.Helper()
	a, err := txtar.ParseFile("testdata/valid/" + name + ".txtar")
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := spaceFS(a)
	s, diags := config.Load(fsys)
	if len(diags) > 0 {
		t.Fatalf("unexpected diagnostics:\n%s", describe(diags))
	}
	return s
}

// The valid fixtures load without a word; these tests check that they also
// decode to what they say, so that a fixture cannot pass by being ignored.

func TestDecodedFunctions(t *testing.T) {
	s := loadValid(t, "functions")
	if got := s.Space.Description; got != "Development and TEST" {
		t.Errorf("space description = %q", got)
	}
	if got := config.Names(s.Lifecycle("Default").Phases[0].Environments); len(got) != 2 || got[0] != "Test" || got[1] != "Staging" {
		t.Errorf("concat() environments = %q", got)
	}
	if got := config.Names(s.TagSet("Tier").Tags); len(got) != 2 || got[1] != "Silver" {
		t.Errorf("split() tags = %q", got)
	}
	if !s.Tenant("Contoso").HasTag("Tier/Gold") {
		t.Errorf("join() tag not carried: %q", config.Names(s.Tenant("Contoso").Tags))
	}
	p := s.Project("web")
	if p.Tenanted != config.TenantedAllowed {
		t.Errorf("lower() tenanted = %q", p.Tenanted)
	}
	if p.Description != "The web front end." {
		t.Errorf("trimspace(file()) description = %q", p.Description)
	}
	if got := p.Step("Migrate").RunScript.Body; got != "echo a\n" {
		t.Errorf("file(\"scripts/a.sh\") = %q", got)
	}
	if got := p.Step("Migrate").Timeout.String(); got != "1m30s" {
		t.Errorf("timeout = %s", got)
	}
	if got := p.Step("Shared").RunScript.Body; got != "echo b\n\necho c\n" {
		t.Errorf("file() of ../shared/b.sh and ../../common/c.sh = %q", got)
	}
	if got := p.Step("Deploy").DeployPackage.Destination; got != "/srv/web" {
		t.Errorf("replace() destination = %q", got)
	}
	tmpl := p.Templates[0]
	if tmpl.Default == nil || *tmpl.Default != "eu" || len(tmpl.Options) != 2 {
		t.Errorf("select template = %+v", tmpl)
	}
}

func TestDecodedTargetSpace(t *testing.T) {
	s := loadValid(t, "target_space")
	if len(s.Projects) != 0 || len(s.Imports) != 2 {
		t.Fatalf("%d projects, %d imports", len(s.Projects), len(s.Imports))
	}
	web := s.Import("ACME-WEB")
	if web == nil || web.Source != "devtest" || web.File != "imports/devtest/acme-web.hcl" || web.Lifecycle.Name != "Prod" {
		t.Fatalf("import acme-web = %+v", web)
	}
	if len(web.TemplateValues) != 6 {
		t.Fatalf("%d template values", len(web.TemplateValues))
	}
	for _, tv := range web.TemplateValues {
		if tv.Name == "FeatureFlagUrl" && tv.Value != nil {
			t.Errorf("value = null decoded as %q", *tv.Value)
		}
		if tv.Name == "Banner" && tv.Tenant.Name == "Fabrikam" && tv.Environment.Name == "Production" && (tv.Value == nil || *tv.Value != "Welcome to Fabrikam") {
			t.Errorf("tenant and environment template value = %+v", tv)
		}
	}
	if !s.Peer("devtest").AcceptsKind(config.AcceptReleases) || s.Peer("devtest").PublicKey == "" {
		t.Errorf("peer = %+v", s.Peer("devtest"))
	}
}

func TestDecodedLifecycles(t *testing.T) {
	s := loadValid(t, "lifecycles")
	want := map[string][]string{
		"Default":       {"optional", "2", "1", "all"},
		"Quick":         {"0", "all"},
		"Anything goes": nil,
	}
	for name, reqs := range want {
		l := s.Lifecycle(name)
		if l == nil {
			t.Fatalf("no lifecycle %q", name)
		}
		var got []string
		for _, ph := range l.Phases {
			got = append(got, ph.Required.String())
		}
		if len(got) != len(reqs) {
			t.Errorf("lifecycle %q: required %q, want %q", name, got, reqs)
			continue
		}
		for i := range got {
			if got[i] != reqs[i] {
				t.Errorf("lifecycle %q: required %q, want %q", name, got, reqs)
				break
			}
		}
	}
	if ph := s.Lifecycle("Default").Phases[3]; len(ph.Environments) != 0 || len(ph.Automatic) != 1 {
		t.Errorf("phase with no environments = %+v", ph)
	}
}

func TestDecodedTemplatesAndSteps(t *testing.T) {
	s := loadValid(t, "templates_and_steps")
	p := s.Project("web")
	defaults := map[string]string{"Banner": "Welcome", "Terms": "Line one\nLine two", "EnableCache": "False", "Region": "us"}
	for _, tmpl := range p.Templates {
		want, ok := defaults[tmpl.Name]
		switch {
		case !ok && tmpl.Default != nil:
			t.Errorf("template %q: default %q, want none", tmpl.Name, *tmpl.Default)
		case ok && (tmpl.Default == nil || *tmpl.Default != want):
			t.Errorf("template %q: default %v, want %q", tmpl.Name, tmpl.Default, want)
		}
	}
	actions := map[string]string{"Approve": "manual_intervention", "Deploy": "deploy_package", "Roll back": "run_script", "Notify": "run_script"}
	for name, want := range actions {
		if got := p.Step(name).Action(); got != want {
			t.Errorf("step %q: action %q, want %q", name, got, want)
		}
	}
	if st := p.Step("Roll back"); st.Condition != config.ConditionFailure || !st.Disabled {
		t.Errorf("step Roll back = %+v", st)
	}
	for _, v := range p.Variables[0].Values {
		if !v.Encrypted() {
			t.Errorf("value at %s not seen as encrypted", v.DeclRange)
		}
	}
}

func TestDecodedFeedsAndStore(t *testing.T) {
	s := loadValid(t, "feeds_and_store")
	if len(s.Feeds) != 2 {
		t.Fatalf("%d feeds, want 2", len(s.Feeds))
	}
	harbor := s.Feed("HARBOR")
	if harbor == nil {
		t.Fatal(`Feed("HARBOR") = nil; feed names are matched ignoring case`)
	}
	want := config.Feed{
		Name:        "Harbor",
		Type:        config.FeedOCI,
		URL:         "oci://registry.example.com/acme",
		Host:        "registry.example.com",
		Path:        "acme",
		Description: "The team's registry",
	}
	if got := *harbor; got.Name != want.Name || got.Type != want.Type || got.URL != want.URL || got.Host != want.Host || got.Path != want.Path || got.PlainHTTP || got.Description != want.Description {
		t.Errorf("feed Harbor = %+v", got)
	}
	if r := harbor.URLRange; r.Filename != "feeds.hcl" || r.Start.Line != 3 || r.Start.Column != 17 || r.End.Column != 50 {
		t.Errorf("feed Harbor's URLRange = %s", r)
	}
	if r := harbor.DeclRange; r.Filename != "feeds.hcl" || r.Start.Line != 1 || r.Start.Column != 1 {
		t.Errorf("feed Harbor's DeclRange = %s", r)
	}
	local := s.Feed("local")
	if local == nil || local.Host != "localhost:5000" || local.Path != "" || !local.PlainHTTP {
		t.Errorf("feed local = %+v", local)
	}

	st := s.Store
	if st == nil {
		t.Fatal("no store")
	}
	if st.URL != "oci://127.0.0.1:5000/devtest/packages" || st.Host != "127.0.0.1:5000" || st.Path != "devtest/packages" || !st.PlainHTTP {
		t.Errorf("store = %+v; the trailing slash of its url is dropped", st)
	}
	if r := st.URLRange; r.Filename != "space.hcl" || r.Start.Line != 4 || r.Start.Column != 16 {
		t.Errorf("store's URLRange = %s", r)
	}
	if r := st.DeclRange; r.Filename != "space.hcl" || r.Start.Line != 3 {
		t.Errorf("store's DeclRange = %s", r)
	}

	p := s.Project("web")
	feeds := map[string]string{"acme-web": "harbor", "acme-tools": "local", "acme-docs": ""}
	for id, feed := range feeds {
		pk := p.Package(id)
		if pk.Feed != feed {
			t.Errorf("package %q: feed %q, want %q", id, pk.Feed, feed)
		}
		if feed != "" && (pk.FeedRange.Filename != "projects/web/project.hcl" || pk.FeedRange.Start.Column != 10) {
			t.Errorf("package %q: FeedRange %s", id, pk.FeedRange)
		}
	}
	if s.Feed(p.Package("acme-web").Feed) != harbor {
		t.Errorf("package acme-web's feed does not resolve to feed Harbor")
	}
}

// A Space without a store block has no Store: its packages live in each
// clone's .zonectl/store alone.
func TestDecodedNoStore(t *testing.T) {
	if s := loadValid(t, "spec"); s.Store != nil || len(s.Feeds) != 0 {
		t.Errorf("store = %+v, feeds = %v; want none", s.Store, s.Feeds)
	}
}
