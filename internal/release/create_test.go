package release_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

func TestCreate(t *testing.T) {
	f := newFixture(t)
	web := f.push(t, "acme-web", "1.4.0")
	db := f.push(t, "acme-db", "3.0.0")

	opts := createOpts("ACME-WEB", "1.4.0") // the project as the user typed it
	opts.Notes = "First cut"
	opts.Now = testNow.Add(1234567) // sub-second: recorded to the second
	l := f.create(t, opts)

	wantRel := release.Release{
		Schema:          release.Schema,
		Project:         "acme-web",
		Version:         "1.4.0",
		Lifecycle:       "Default",
		Notes:           "First cut",
		Created:         testNow,
		CreatedBy:       "Release Engineer <re@example.com>",
		SourceRef:       "main",
		SourceCommit:    f.main.String(),
		Packages:        []snapshot.PackageRef{{ID: "acme-web", Version: "1.4.0", SHA256: web.SHA256, Size: web.Size}, {ID: "acme-db", Version: "3.0.0", SHA256: db.SHA256, Size: db.Size}},
		Snapshots:       0,
		VariablesCommit: f.main.String(),
	}
	if !reflect.DeepEqual(l.Release, wantRel) {
		t.Errorf("release.json =\n%+v\nwant\n%+v", l.Release, wantRel)
	}
	if l.Ref != "refs/zonectl/releases/acme-web/1.4.0" {
		t.Errorf("ref %q", l.Ref)
	}
	tip, ok, err := f.env.Repo.Ref(l.Ref)
	if err != nil || !ok || tip != l.Commit {
		t.Fatalf("ref %s = %s, %v, %v; want the release commit %s", l.Ref, tip, ok, err, l.Commit)
	}
	if err := f.env.Repo.VerifyCommit(l.Commit, f.verifier()); err != nil {
		t.Errorf("release commit does not verify with the Space's key: %v", err)
	}
	c, err := f.env.Repo.Git().CommitObject(l.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if c.NumParents() != 0 {
		t.Errorf("a new release's commit has %d parents, want none", c.NumParents())
	}

	wantProc := snapshot.Process{
		Project:   "acme-web",
		Lifecycle: "Default",
		Tenanted:  "allowed",
		Packages:  []snapshot.Package{{ID: "acme-web"}, {ID: "acme-db"}},
		Steps: []snapshot.Step{
			{
				Name: "Migrate database", Environments: []string{"Test", "Production"}, Condition: "success", Required: true, Timeout: "1m30s",
				RunScript: &snapshot.RunScript{Syntax: "bash", Body: "echo migrating #{DatabaseHost}\n", Packages: []string{"acme-db"}},
			},
			{
				Name: "Deploy web", Condition: "success",
				DeployPackage: &snapshot.DeployPackage{Package: "acme-web", Destination: "/srv/acme/#{Octopus.Environment.Name}", Substitute: []string{"config/*.json"}},
			},
			{
				Name: "Approve", Environments: []string{"Production"}, Condition: "success",
				ManualIntervention: &snapshot.ManualIntervention{Instructions: "Check the change ticket"},
			},
		},
	}
	sameJSON(t, "process.json", l.Process, wantProc)
	info := "info"
	wantVars := snapshot.Variables{
		Variables: []snapshot.Variable{{Name: "DatabaseHost", Values: []snapshot.Value{
			{Value: "localhost"},
			{Value: "test-db.internal", Scope: snapshot.Scope{Environment: []string{"Test"}}},
		}}},
		Templates: []snapshot.Template{{Name: "LogLevel", Label: "Log level", Type: "text", Default: &info, Per: "environment", Required: true}},
	}
	sameJSON(t, "variables.json", l.Variables, wantVars)

	// The tree holds the three documents, canonical, file() inlined.
	proc := fileText(t, f.env.Repo, l.Commit, "process.json")
	if !strings.Contains(proc, `"body": "echo migrating #{DatabaseHost}\n"`) {
		t.Errorf("process.json does not inline the script file:\n%s", proc)
	}
	relJSON := fileText(t, f.env.Repo, l.Commit, "release.json")
	for _, want := range []string{`"schema": "zonectl.release/v1"`, `"created": "2025-03-14T09:26:53Z"`, `"source_ref": "main"`, `"snapshots": 0`, `"variables_commit": "` + f.main.String() + `"`} {
		if !strings.Contains(relJSON, want) {
			t.Errorf("release.json lacks %s:\n%s", want, relJSON)
		}
	}
	enc, err := canonjson.Encode(wantRel)
	if err != nil {
		t.Fatal(err)
	}
	if relJSON != string(enc) {
		t.Errorf("release.json is not the canonical encoding:\n%s\nwant\n%s", relJSON, enc)
	}

	// Load reads back what Create returned.
	loaded, err := release.Load(f.env.Repo, "Acme-Web", "1.4.0")
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Commit != l.Commit || loaded.Ref != l.Ref {
		t.Errorf("Load read %s at %s, want %s at %s", loaded.Ref, loaded.Commit, l.Ref, l.Commit)
	}
	sameJSON(t, "loaded release.json", loaded.Release, l.Release)
	sameJSON(t, "loaded process.json", loaded.Process, l.Process)
	sameJSON(t, "loaded variables.json", loaded.Variables, l.Variables)
	if p, ok := loaded.Package("ACME-DB"); !ok || p.Version != "3.0.0" {
		t.Errorf("Package(ACME-DB) = %+v, %v", p, ok)
	}

	// The ledger records the release.
	events := f.events(t)
	if len(events) != 1 {
		t.Fatalf("ledger holds %d events, want 1", len(events))
	}
	ev := events[0].Event
	wantEv := ledger.Event{Schema: ledger.Schema, Type: ledger.ReleaseCreated, Time: testNow, Who: "Release Engineer <re@example.com>", Project: "acme-web", Version: "1.4.0", Release: l.Commit.String()}
	if !reflect.DeepEqual(ev, wantEv) {
		t.Errorf("ledger event %+v, want %+v", ev, wantEv)
	}
	if err := f.env.Repo.VerifyCommit(plumbing.NewHash(events[0].Commit), f.verifier()); err != nil {
		t.Errorf("ledger commit does not verify: %v", err)
	}
}

func TestCreateFromAnotherRef(t *testing.T) {
	f := newFixture(t)
	f.pushDefaults(t)
	old := f.main
	f.edit(t, map[string]string{"projects/api/project.hcl": strings.Replace(baseConfig["projects/api/project.hcl"], "echo hello", "echo bonjour", 1)})

	opts := createOpts("api", "1.0.0")
	opts.Ref = old.String()
	l := f.create(t, opts)
	if l.Release.SourceRef != old.String() || l.Release.SourceCommit != old.String() {
		t.Errorf("source %q at %s, want the commit %s", l.Release.SourceRef, l.Release.SourceCommit, old)
	}
	if body := l.Process.Steps[0].RunScript.Body; body != "echo hello" {
		t.Errorf("snapshot of %s has body %q, want the old one", old, body)
	}

	f.commit(t, "refs/heads/feature", f.config)
	opts = createOpts("api", "1.1.0")
	opts.Ref = "feature"
	l = f.create(t, opts)
	if body := l.Process.Steps[0].RunScript.Body; l.Release.SourceRef != "feature" || body != "echo bonjour" {
		t.Errorf("snapshot of feature: source %q, body %q", l.Release.SourceRef, body)
	}
}

func TestCreatePinsTheLatestPackageBySemVer(t *testing.T) {
	tests := []struct {
		pushed []string
		want   string
	}{
		{[]string{"1.2.0", "1.10.0", "1.9.9"}, "1.10.0"},
		{[]string{"1.10.0", "1.11.0-rc.1"}, "1.11.0-rc.1"},
		{[]string{"1.11.0-rc.2", "1.11.0-rc.10", "1.11.0-rc.1"}, "1.11.0-rc.10"},
		{[]string{"1.11.0", "1.11.0-rc.1"}, "1.11.0"},
		{[]string{"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta"}, "1.0.0-beta"},
		{[]string{"1.0.0-beta.11", "1.0.0-rc.1", "1.0.0-beta.2"}, "1.0.0-rc.1"},
		{[]string{"2.0.0+build.9", "1.99.0"}, "2.0.0+build.9"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.pushed, ","), func(t *testing.T) {
			f := newFixture(t)
			var want store.Package
			for _, v := range tt.pushed {
				p := f.push(t, "acme-web", v)
				if v == tt.want {
					want = p
				}
			}
			f.push(t, "acme-db", "3.0.0")
			l := f.create(t, createOpts("acme-web", "1.0.0"))
			got, ok := l.Package("acme-web")
			if !ok {
				t.Fatal("acme-web is not pinned")
			}
			if got.Version != tt.want || got.SHA256 != want.SHA256 || got.Size != want.Size {
				t.Errorf("pinned %+v, want %s (sha256 %s, %d bytes)", got, tt.want, want.SHA256, want.Size)
			}
		})
	}
}

func TestCreatePackageOverride(t *testing.T) {
	f := newFixture(t)
	old := f.push(t, "acme-web", "1.2.0")
	f.push(t, "acme-web", "1.4.0")
	db := f.push(t, "acme-db", "3.0.0")
	opts := createOpts("acme-web", "1.2.1")
	opts.Packages = map[string]string{"ACME-WEB": "1.2.0"}
	l := f.create(t, opts)
	want := []snapshot.PackageRef{
		{ID: "acme-web", Version: "1.2.0", SHA256: old.SHA256, Size: old.Size},
		{ID: "acme-db", Version: "3.0.0", SHA256: db.SHA256, Size: db.Size},
	}
	if !reflect.DeepEqual(l.Release.Packages, want) {
		t.Errorf("packages %+v, want %+v", l.Release.Packages, want)
	}
}

// A project that deploys no package pins none, and release.json says so
// with an empty list rather than null.
func TestCreateWithoutPackages(t *testing.T) {
	f := newFixture(t)
	l := f.create(t, createOpts("api", "0.1.0"))
	if l.Release.Packages == nil || len(l.Release.Packages) != 0 {
		t.Errorf("packages %#v, want an empty list", l.Release.Packages)
	}
	if text := fileText(t, f.env.Repo, l.Commit, "release.json"); !strings.Contains(text, `"packages": []`) {
		t.Errorf("release.json:\n%s", text)
	}
}

func TestCreateRefusals(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, f *fixture)
		opts  func(f *fixture) release.CreateOptions
		check func(t *testing.T, err error)
	}{
		{
			name: "invalid config at the ref",
			setup: func(t *testing.T, f *fixture) {
				f.pushDefaults(t)
				broken := map[string]string{}
				for k, v := range f.config {
					broken[k] = v
				}
				broken["projects/acme-web/project.hcl"] = strings.Replace(baseConfig["projects/acme-web/project.hcl"], `lifecycle = "Default"`, `lifecycle = "Nope"`, 1)
				f.commit(t, "refs/heads/broken", broken)
			},
			opts: func(*fixture) release.CreateOptions {
				o := createOpts("acme-web", "1.4.0")
				o.Ref = "broken"
				return o
			},
			check: func(t *testing.T, err error) {
				var ice *release.InvalidConfigError
				if !errors.As(err, &ice) {
					t.Fatalf("error %T %v, want *InvalidConfigError", err, err)
				}
				if ice.Ref != "broken" || !ice.Diags.HasErrors() || len(ice.Files) == 0 {
					t.Errorf("InvalidConfigError{Ref: %q, %d diagnostics, %d files}", ice.Ref, len(ice.Diags), len(ice.Files))
				}
				if !strings.Contains(ice.Diags.Error(), "Nope") {
					t.Errorf("diagnostics do not name the unknown lifecycle: %s", ice.Diags.Error())
				}
				if !strings.Contains(err.Error(), "broken") || !strings.Contains(err.Error(), "zonectl validate") {
					t.Errorf("error %q", err)
				}
			},
		},
		{
			name:  "unknown project",
			setup: func(t *testing.T, f *fixture) { f.pushDefaults(t) },
			opts:  func(*fixture) release.CreateOptions { return createOpts("acme", "1.4.0") },
			check: wantErr(`project "acme" does not exist at main; the projects are "acme-web", "api"`),
		},
		{
			name:  "package not in the store",
			setup: func(t *testing.T, f *fixture) { f.push(t, "acme-db", "3.0.0") },
			opts:  func(*fixture) release.CreateOptions { return createOpts("acme-web", "1.4.0") },
			check: func(t *testing.T, err error) {
				wantErr(`package "acme-web" of project "acme-web"`)(t, err)
				wantErr("zonectl package push FILE --id acme-web")(t, err)
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("error %v does not match store.ErrNotFound", err)
				}
			},
		},
		{
			name:  "--package version not in the store",
			setup: func(t *testing.T, f *fixture) { f.pushDefaults(t) },
			opts: func(*fixture) release.CreateOptions {
				o := createOpts("acme-web", "1.4.0")
				o.Packages = map[string]string{"acme-web": "9.9.9"}
				return o
			},
			check: func(t *testing.T, err error) {
				wantErr("acme-web 9.9.9")(t, err)
				if !errors.Is(err, store.ErrNotFound) {
					t.Errorf("error %v does not match store.ErrNotFound", err)
				}
			},
		},
		{
			name:  "--package the project does not deploy",
			setup: func(t *testing.T, f *fixture) { f.pushDefaults(t); f.push(t, "other", "1.0.0") },
			opts: func(*fixture) release.CreateOptions {
				o := createOpts("acme-web", "1.4.0")
				o.Packages = map[string]string{"other": "1.0.0"}
				return o
			},
			check: wantErr(`project "acme-web" does not deploy a package "other" (it deploys "acme-web", "acme-db")`),
		},
		{
			name:  "--package on a project without packages",
			setup: func(t *testing.T, f *fixture) { f.pushDefaults(t) },
			opts: func(*fixture) release.CreateOptions {
				o := createOpts("api", "1.4.0")
				o.Packages = map[string]string{"acme-web": "1.4.0"}
				return o
			},
			check: wantErr(`project "api" does not deploy a package "acme-web" (it deploys none)`),
		},
		{
			name: "version already used",
			setup: func(t *testing.T, f *fixture) {
				f.pushDefaults(t)
				f.create(t, createOpts("acme-web", "1.4.0"))
			},
			opts:  func(*fixture) release.CreateOptions { return createOpts("Acme-Web", "1.4.0") },
			check: wantErr(`project "acme-web" already has release 1.4.0, created by Release Engineer <re@example.com> at `),
		},
		{
			name: "version equal but for build metadata",
			setup: func(t *testing.T, f *fixture) {
				f.pushDefaults(t)
				f.create(t, createOpts("acme-web", "1.4.0"))
			},
			opts:  func(*fixture) release.CreateOptions { return createOpts("acme-web", "1.4.0+build.7") },
			check: wantErr(`project "acme-web" already has release 1.4.0, created by`),
		},
		{
			name: "version equal but for build metadata, the other way",
			setup: func(t *testing.T, f *fixture) {
				f.pushDefaults(t)
				f.create(t, createOpts("acme-web", "1.4.0+build.7"))
			},
			opts:  func(*fixture) release.CreateOptions { return createOpts("acme-web", "1.4.0+build.8") },
			check: wantErr(`project "acme-web" already has release 1.4.0+build.7, created by`),
		},
		{
			name:  "not SemVer",
			setup: func(t *testing.T, f *fixture) { f.pushDefaults(t) },
			opts:  func(*fixture) release.CreateOptions { return createOpts("acme-web", "1.4") },
			check: wantErr(`release version "1.4"`),
		},
		{
			name:  "a ref that does not exist",
			setup: func(t *testing.T, f *fixture) { f.pushDefaults(t) },
			opts: func(*fixture) release.CreateOptions {
				o := createOpts("acme-web", "1.4.0")
				o.Ref = "no-such-branch"
				return o
			},
			check: wantErr(`cannot resolve "no-such-branch" to a commit`),
		},
		{
			name:  "no author",
			setup: func(t *testing.T, f *fixture) { f.pushDefaults(t) },
			opts: func(*fixture) release.CreateOptions {
				o := createOpts("acme-web", "1.4.0")
				o.Author.Name = ""
				return o
			},
			check: wantErr("no author given"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(t, f)
			refsBefore := f.refs(t)
			eventsBefore := len(f.events(t))

			l, err := release.Create(context.Background(), f.env, tt.opts(f))
			if err == nil {
				t.Fatalf("Create made %s at %s; want a refusal", l.Ref, l.Commit)
			}
			tt.check(t, err)
			if after := f.refs(t); !reflect.DeepEqual(after, refsBefore) {
				t.Errorf("a refused Create changed the refs:\nbefore %v\nafter  %v", refsBefore, after)
			}
			if n := len(f.events(t)); n != eventsBefore {
				t.Errorf("a refused Create wrote %d ledger events", n-eventsBefore)
			}
		})
	}
}

// sameJSON compares two documents as their canonical encodings, so that a
// nil and an empty list, which encode alike, compare equal.
func sameJSON(t *testing.T, what string, got, want any) {
	t.Helper()
	a, err := canonjson.Encode(got)
	if err != nil {
		t.Fatal(err)
	}
	b, err := canonjson.Encode(want)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("%s =\n%s\nwant\n%s", what, a, b)
	}
}

func wantErr(substr string) func(t *testing.T, err error) {
	return func(t *testing.T, err error) {
		t.Helper()
		if !strings.Contains(err.Error(), substr) {
			t.Errorf("error %q\ndoes not say %q", err, substr)
		}
	}
}

// Two creates of one version at once, through separate repository
// handles as two zonectl processes would have: exactly one wins, and the
// ledger records one release.
func TestConcurrentCreateOfOneVersion(t *testing.T) {
	for _, versions := range [][2]string{{"1.4.0", "1.4.0"}, {"1.4.0", "1.4.0+build.2"}} {
		t.Run(versions[0]+" and "+versions[1], func(t *testing.T) {
			f := newFixture(t)
			f.pushDefaults(t)
			var wg sync.WaitGroup
			var results [2]*release.Loaded
			var errs [2]error
			start := make(chan struct{})
			for i := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					repo, err := gitstore.Open(f.env.Repo.Root())
					if err != nil {
						errs[i] = err
						return
					}
					env := release.Env{Repo: repo, Signer: f.env.Signer, Store: f.env.Store}
					<-start
					results[i], errs[i] = release.Create(context.Background(), env, createOpts("acme-web", versions[i]))
				}()
			}
			close(start)
			wg.Wait()

			won := 0
			for i, err := range errs {
				switch {
				case err == nil:
					won++
				case !strings.Contains(err.Error(), "already has release"):
					t.Errorf("create %d failed with %v; want success or \"already has release\"", i, err)
				}
			}
			if won != 1 {
				t.Fatalf("%d creates succeeded (errors %v), want exactly one", won, errs)
			}
			vs, err := release.Versions(f.env.Repo, "acme-web")
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != 1 {
				t.Errorf("versions %v, want one", vs)
			}
			var created int
			for _, e := range f.events(t) {
				if e.Event.Type == ledger.ReleaseCreated {
					created++
				}
			}
			if created != 1 {
				t.Errorf("ledger records %d releases created, want 1", created)
			}
		})
	}
}

// A CI job run again creates the same version from the same commit with
// the same packages: that is nothing to do, not an error. The same
// version from other content is refused, naming who made the first.
func TestCreateAgainIsANoOp(t *testing.T) {
	f := newFixture(t)
	f.pushDefaults(t)
	opts := createOpts("acme-web", "1.4.0")
	first := f.create(t, opts)
	opts.Resume = true
	again := f.create(t, opts)
	if !again.Existing || again.Commit != first.Commit {
		t.Fatalf("created again: existing %v, commit %s; want the first release %s, marked existing", again.Existing, again.Commit, first.Commit)
	}
	var created int
	for _, e := range f.events(t) {
		if e.Event.Type == ledger.ReleaseCreated {
			created++
		}
	}
	if created != 1 {
		t.Errorf("ledger records %d releases created, want 1", created)
	}

	other := createOpts("acme-web", "1.4.0")
	other.Resume = true
	f.push(t, "acme-web", "1.5.0")
	_, err := release.Create(context.Background(), f.env, other)
	var exists *release.ExistsError
	if !errors.As(err, &exists) || exists.Existing.CreatedBy != "Release Engineer <re@example.com>" {
		t.Fatalf("create with other packages: %v; want an ExistsError naming who created 1.4.0", err)
	}
}

// A release of one project reads the root files and that project's
// directory: a mistake in another project does not stop it (validate, in
// CI, finds that one), and a mistake in its own does.
func TestCreateReadsItsOwnProject(t *testing.T) {
	f := newFixture(t)
	f.pushDefaults(t)
	files := map[string]string{}
	for k, v := range f.config {
		files[k] = v
	}
	files["projects/api/project.hcl"] = strings.Replace(baseConfig["projects/api/project.hcl"], `lifecycle = "Default"`, `lifecycle = "Nope"`, 1)
	f.commit(t, "refs/heads/other-broken", files)
	o := createOpts("acme-web", "1.4.0")
	o.Ref = "other-broken"
	if _, err := release.Create(context.Background(), f.env, o); err != nil {
		t.Fatalf("a mistake in another project stopped the release: %v", err)
	}
}
