package release_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
)

func snapshotOpts(project, version string) release.SnapshotOptions {
	return release.SnapshotOptions{Project: project, Version: version, Author: author()}
}

func TestSnapshotReplacesOnlyTheVariables(t *testing.T) {
	f := newFixture(t)
	f.pushDefaults(t)
	first := f.create(t, createOpts("acme-web", "1.4.0"))
	createdMain := f.main

	// main changes a variable, a template and a step in one commit; a new
	// package version arrives too.
	project := baseConfig["projects/acme-web/project.hcl"]
	project = strings.Replace(project, `value "test-db.internal"`, `value "test-db-2.internal"`, 1)
	project = strings.Replace(project, `default = "info"`, `default = "debug"`, 1)
	project = strings.Replace(project, `instructions = "Check the change ticket"`, `instructions = "Ask the CAB"`, 1)
	f.edit(t, map[string]string{"projects/acme-web/project.hcl": project, "projects/acme-web/scripts/migrate.sh": "echo changed\n"})
	f.push(t, "acme-web", "1.5.0")

	l, changed, err := release.Snapshot(context.Background(), f.env, snapshotOpts("Acme-Web", "1.4.0"))
	if err != nil {
		t.Fatal(err)
	}
	if !changed {
		t.Fatal("Snapshot reports no change after the variables changed on main")
	}
	if l.Ref != first.Ref || l.Commit == first.Commit {
		t.Fatalf("Snapshot wrote %s at %s; want a new commit on %s", l.Ref, l.Commit, first.Ref)
	}
	tip, _, err := f.env.Repo.Ref(first.Ref)
	if err != nil || tip != l.Commit {
		t.Fatalf("release ref at %s (%v), want the new commit %s", tip, err, l.Commit)
	}
	if err := f.env.Repo.VerifyCommit(l.Commit, f.verifier()); err != nil {
		t.Errorf("re-snapshot commit does not verify: %v", err)
	}

	// Never rewritten: the new commit sits on top of the old one, which is
	// unchanged and still reachable.
	c, err := f.env.Repo.Git().CommitObject(l.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.ParentHashes, []plumbing.Hash{first.Commit}) {
		t.Errorf("re-snapshot parents %v, want the release commit %s", c.ParentHashes, first.Commit)
	}
	if old := fileText(t, f.env.Repo, first.Commit, "release.json"); !strings.Contains(old, `"snapshots": 0`) {
		t.Errorf("the first release commit changed:\n%s", old)
	}

	// process.json is the same blob; variables.json is new.
	if a, b := blob(t, f.env.Repo, first.Commit, "process.json"), blob(t, f.env.Repo, l.Commit, "process.json"); a != b {
		t.Errorf("process.json blob changed from %s to %s", a, b)
	}
	if a, b := blob(t, f.env.Repo, first.Commit, "variables.json"), blob(t, f.env.Repo, l.Commit, "variables.json"); a == b {
		t.Error("variables.json blob did not change")
	}
	sameJSON(t, "process after re-snapshot", l.Process, first.Process)
	if got := l.Variables.Variables[0].Values[1].Value; got != "test-db-2.internal" {
		t.Errorf("re-snapshotted value %q, want test-db-2.internal", got)
	}
	if got := *l.Variables.Templates[0].Default; got != "debug" {
		t.Errorf("re-snapshotted template default %q, want debug", got)
	}

	// release.json: counted, with the commit the variables came from; the
	// packages stay pinned as created.
	want := first.Release
	want.Snapshots = 1
	want.VariablesCommit = f.main.String()
	sameJSON(t, "release.json after re-snapshot", l.Release, want)
	if l.Release.SourceCommit != createdMain.String() {
		t.Errorf("source commit %s, want %s (the process's)", l.Release.SourceCommit, createdMain)
	}

	loaded, err := release.Load(f.env.Repo, "acme-web", "1.4.0")
	if err != nil {
		t.Fatal(err)
	}
	if loaded.Commit != l.Commit || loaded.Release.Snapshots != 1 {
		t.Errorf("Load reads %s with %d snapshots", loaded.Commit, loaded.Release.Snapshots)
	}

	events := f.events(t)
	last := events[len(events)-1].Event
	if len(events) != 2 || last.Type != ledger.ReleaseSnapshot || last.Release != l.Commit.String() || last.Project != "acme-web" || last.Version != "1.4.0" || last.Who != "Release Engineer <re@example.com>" {
		t.Errorf("ledger after re-snapshot: %d events, last %+v", len(events), last)
	}
	if s := ledger.Summary(last); s != "Re-snapshot the variables of release acme-web 1.4.0" {
		t.Errorf("summary %q", s)
	}

	// A second re-snapshot counts on.
	project = strings.Replace(project, `value "localhost"`, `value "127.0.0.1"`, 1)
	f.edit(t, map[string]string{"projects/acme-web/project.hcl": project})
	second, changed, err := release.Snapshot(context.Background(), f.env, snapshotOpts("acme-web", "1.4.0"))
	if err != nil || !changed {
		t.Fatalf("second re-snapshot: %v, changed %v", err, changed)
	}
	if second.Release.Snapshots != 2 || blob(t, f.env.Repo, second.Commit, "process.json") != blob(t, f.env.Repo, first.Commit, "process.json") {
		t.Errorf("second re-snapshot: %d snapshots", second.Release.Snapshots)
	}
	c, err = f.env.Repo.Git().CommitObject(second.Commit)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c.ParentHashes, []plumbing.Hash{l.Commit}) {
		t.Errorf("second re-snapshot parents %v, want %s", c.ParentHashes, l.Commit)
	}
}

func TestSnapshotUnchangedIsANoOp(t *testing.T) {
	f := newFixture(t)
	f.pushDefaults(t)
	first := f.create(t, createOpts("acme-web", "1.4.0"))
	// main moves, but not the variables: a step changes only.
	f.edit(t, map[string]string{"projects/acme-web/scripts/migrate.sh": "echo changed\n"})
	refsBefore := f.refs(t)
	eventsBefore := len(f.events(t))

	l, changed, err := release.Snapshot(context.Background(), f.env, snapshotOpts("acme-web", "1.4.0"))
	if err != nil {
		t.Fatal(err)
	}
	if changed {
		t.Error("Snapshot reports a change when the variables are the same")
	}
	if l.Commit != first.Commit || l.Release.Snapshots != 0 {
		t.Errorf("Snapshot returned %s with %d snapshots, want the release as it was", l.Commit, l.Release.Snapshots)
	}
	if after := f.refs(t); !reflect.DeepEqual(after, refsBefore) {
		t.Errorf("a no-op Snapshot moved refs: %v → %v", refsBefore, after)
	}
	if n := len(f.events(t)); n != eventsBefore {
		t.Errorf("a no-op Snapshot wrote %d ledger events", n-eventsBefore)
	}
}

func TestSnapshotRefusals(t *testing.T) {
	f := newFixture(t)
	f.pushDefaults(t)
	f.create(t, createOpts("acme-web", "1.4.0"))
	f.commit(t, "refs/heads/broken", map[string]string{"space.hcl": `space "devtest" {`})
	f.commit(t, "refs/heads/gone", map[string]string{"space.hcl": baseConfig["space.hcl"], "environments.hcl": baseConfig["environments.hcl"]})
	refsBefore := f.refs(t)

	for _, tt := range []struct {
		name string
		opts release.SnapshotOptions
		want string
	}{
		{"no such release", snapshotOpts("acme-web", "9.9.9"), `project "acme-web" has no release 9.9.9`},
		{"no such project", snapshotOpts("nope", "1.4.0"), `project "nope" has no release 1.4.0`},
		{"invalid config", release.SnapshotOptions{Project: "acme-web", Version: "1.4.0", Ref: "broken", Author: author()}, "the configuration at broken is not valid"},
		{"project gone at the ref", release.SnapshotOptions{Project: "acme-web", Version: "1.4.0", Ref: "gone", Author: author()}, `project "acme-web" does not exist at gone: the Space has no projects`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := release.Snapshot(context.Background(), f.env, tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Snapshot error %v, want %q", err, tt.want)
			}
			if tt.name == "no such release" && !errors.Is(err, release.ErrNotFound) {
				t.Errorf("error %v does not match ErrNotFound", err)
			}
		})
	}
	if after := f.refs(t); !reflect.DeepEqual(after, refsBefore) {
		t.Errorf("refused snapshots moved refs: %v → %v", refsBefore, after)
	}
}

func TestVersionsAndList(t *testing.T) {
	f := newFixture(t)
	f.pushDefaults(t)
	f.edit(t, map[string]string{"projects/zeta/project.hcl": `project "Zeta" {
  lifecycle = "Default"
}

step "Hi" {
  run_script {
    body = "echo hi"
  }
}
`})
	for _, v := range []string{"1.0.0", "1.10.0", "1.2.0", "1.10.0-rc.1", "2.0.0-alpha", "1.10.0-rc.10", "1.10.0-rc.2", "1.3.0+build.5"} {
		f.create(t, createOpts("acme-web", v))
	}
	f.create(t, createOpts("api", "0.1.0"))
	f.create(t, createOpts("zeta", "1.0.0"))
	f.create(t, createOpts("zeta", "0.9.0"))

	wantWeb := []string{"2.0.0-alpha", "1.10.0", "1.10.0-rc.10", "1.10.0-rc.2", "1.10.0-rc.1", "1.3.0+build.5", "1.2.0", "1.0.0"}
	got, err := release.Versions(f.env.Repo, "ACME-WEB")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, wantWeb) {
		t.Errorf("Versions(acme-web) = %v, want %v", got, wantWeb)
	}
	got, err = release.Versions(f.env.Repo, "nope")
	if err != nil || len(got) != 0 {
		t.Errorf("Versions(nope) = %v, %v; want none", got, err)
	}

	all, err := release.List(f.env.Repo, "")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, l := range all {
		names = append(names, l.Release.Project+" "+l.Release.Version)
	}
	var want []string
	for _, v := range wantWeb {
		want = append(want, "acme-web "+v)
	}
	want = append(want, "api 0.1.0", "Zeta 1.0.0", "Zeta 0.9.0")
	if !reflect.DeepEqual(names, want) {
		t.Errorf("List = %v\nwant %v", names, want)
	}

	one, err := release.List(f.env.Repo, "zeta")
	if err != nil {
		t.Fatal(err)
	}
	if len(one) != 2 || one[0].Release.Version != "1.0.0" || one[0].Ref != "refs/zonectl/releases/zeta/1.0.0" {
		t.Errorf("List(zeta) = %+v", one)
	}
	for _, l := range all {
		tip, _, err := f.env.Repo.Ref(l.Ref)
		if err != nil || tip != l.Commit {
			t.Errorf("List gave %s at %s, but the ref is at %s", l.Ref, l.Commit, tip)
		}
	}
}

// Other refs under refs/zonectl/ (the ledger, a project whose name is a
// prefix of another's) are not read as releases.
func TestListIgnoresOtherRefs(t *testing.T) {
	f := newFixture(t)
	f.edit(t, map[string]string{"projects/ap/project.hcl": `project "ap" {
  lifecycle = "Default"
}

step "Hi" {
  run_script {
    body = "echo hi"
  }
}
`})
	f.create(t, createOpts("api", "1.0.0"))
	f.create(t, createOpts("ap", "2.0.0"))
	got, err := release.Versions(f.env.Repo, "ap")
	if err != nil || !reflect.DeepEqual(got, []string{"2.0.0"}) {
		t.Errorf("Versions(ap) = %v, %v; want [2.0.0]", got, err)
	}
	ls, err := release.List(f.env.Repo, "ap")
	if err != nil || len(ls) != 1 || ls[0].Release.Project != "ap" {
		t.Errorf("List(ap) = %v, %v", ls, err)
	}
}
