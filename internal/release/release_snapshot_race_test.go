package release_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/release"
)

// Two re-snapshots of one release at once, from two refs with different
// variables: each commit must count, so the release ends with snapshots 2
// (or one of them is refused), never two commits that both say 1.
func TestConcurrentSnapshotsCount(t *testing.T) {
	bad := 0
	const trials = 10
	for range trials {
		f := newFixture(t)
		f.pushDefaults(t)
		f.create(t, createOpts("acme-web", "1.4.0"))
		for i, ref := range []string{"refs/heads/a", "refs/heads/b"} {
			files := map[string]string{}
			for k, v := range f.config {
				files[k] = v
			}
			files["projects/acme-web/project.hcl"] = strings.Replace(files["projects/acme-web/project.hcl"], `value "localhost"`, `value "host-`+string(rune('a'+i))+`"`, 1)
			f.commit(t, ref, files)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i, ref := range []string{"a", "b"} {
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
				_, _, errs[i] = release.Snapshot(context.Background(), env, release.SnapshotOptions{Project: "acme-web", Version: "1.4.0", Ref: ref, Author: author()})
			}()
		}
		close(start)
		wg.Wait()
		l, err := release.Load(f.env.Repo, "acme-web", "1.4.0")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for c, err := f.env.Repo.Git().CommitObject(l.Commit); err == nil && c.NumParents() > 0; c, err = c.Parent(0) {
			n++
		}
		if errs[0] == nil && errs[1] == nil && l.Release.Snapshots != n {
			bad++
			t.Logf("both re-snapshots succeeded; the release has %d re-snapshot commits but release.json says snapshots %d", n, l.Release.Snapshots)
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d trials miscounted", bad, trials)
	}
}
