package ledger_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/ledger"
)

// The state each ledger commit carries, read at the tip, is what the
// events add up to, whatever the order of a join's histories: checked
// against a fold of the events written here independently, over random
// histories of deployments, promotions and imports in two lines joined
// now and then.
func TestStateAtTheTipIsTheFoldOfTheEvents(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			s := newSpace(t)
			r := rand.New(rand.NewPCG(seed, 7))
			at := testNow
			var other plumbing.Hash // the tip of a second line of history, to join
			for i := range 60 {
				at = at.Add(time.Duration(r.IntN(3)) * time.Second) // equal times happen
				switch {
				case i%17 == 16 && !other.IsZero():
					join(t, s, other)
					other = plumbing.ZeroHash
				case i%13 == 5:
					other = branch(t, s, r, at)
				default:
					s.append(t, randomEvent(r, at))
				}
				if i%10 == 9 {
					checkState(t, s.repo)
				}
			}
			checkState(t, s.repo)
		})
	}
}

var (
	projects = []string{"web", "Api"}
	versions = []string{"1.0.0", "1.1.0", "2.0.0"}
	envs     = []string{"Test", "Production"}
	peers    = []string{"prod", "dr"}
)

func randomEvent(r *rand.Rand, at time.Time) ledger.Event {
	p, v := projects[r.IntN(len(projects))], versions[r.IntN(len(versions))]
	ev := ledger.Event{Time: at, Who: "t", Project: p, Version: v, Release: strings.Repeat("a", 40)}
	switch r.IntN(4) {
	case 0, 1:
		state := []string{ledger.StateSuccess, ledger.StateFailed}[r.IntN(2)]
		ev.Type = ledger.Deployment
		ev.Deployment = &ledger.DeploymentRecord{ID: fmt.Sprintf("D-%d", r.Int()), Environment: envs[r.IntN(len(envs))], State: state, Started: at, Finished: at, Packages: []ledger.PackageRef{}, Steps: []ledger.StepResult{}}
	case 2:
		ev.Type = ledger.Promotion
		ev.Promotion = &ledger.PromotionRecord{Target: peers[r.IntN(len(peers))], Revision: 1 + r.IntN(3), Sequence: uint64(1 + r.IntN(20))}
	default:
		ev.Type = ledger.Import
		ev.Release = fmt.Sprintf("%040x", r.Int())
		ev.Import = &ledger.ImportRecord{Source: peers[r.IntN(len(peers))], Sequence: uint64(1 + r.IntN(20)), Revision: 1}
	}
	return ev
}

// branch writes a few events on a second line of history from the
// ledger's tip, and puts the ledger back: it returns that line's tip.
func branch(t *testing.T, s *space, r *rand.Rand, at time.Time) plumbing.Hash {
	t.Helper()
	base, _, err := s.repo.Ref(ledger.Ref)
	if err != nil {
		t.Fatal(err)
	}
	var tip plumbing.Hash
	for range 1 + r.IntN(4) {
		tip = s.append(t, randomEvent(r, at))
	}
	setRef(t, s.repo, tip, base)
	return tip
}

func setRef(t *testing.T, repo *gitstore.Repo, from, to plumbing.Hash) {
	t.Helper()
	tx, err := repo.Begin(context.Background(), "test reset")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if err := tx.Update(ledger.Ref, to, from); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func join(t *testing.T, s *space, theirs plumbing.Hash) {
	t.Helper()
	tx, err := s.repo.Begin(context.Background(), "test join")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := ledger.Join(tx, s.signer, author(), "origin", theirs); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// checkState holds what ReleaseAt, ProjectAt and PeersAt say against the
// events.
func checkState(t *testing.T, repo *gitstore.Repo) {
	t.Helper()
	entries, err := ledger.Events(repo)
	if err != nil {
		t.Fatal(err)
	}
	later := func(a, b ledger.Entry) bool { // a after b
		return a.Event.Time.After(b.Event.Time) || a.Event.Time.Equal(b.Event.Time) && a.Commit > b.Commit
	}
	for _, p := range projects {
		for _, v := range versions {
			rs, err := ledger.ReleaseAt(repo, p, v)
			if err != nil {
				t.Fatal(err)
			}
			latestTo, successTo := map[string]ledger.Entry{}, map[string]ledger.Entry{}
			revisions := map[string]int{}
			for _, e := range entries {
				if !strings.EqualFold(e.Event.Project, p) || e.Event.Version != v {
					continue
				}
				if d := e.Event.Deployment; d != nil {
					key := ledger.DeployedKey(d.Environment, d.Tenant)
					if l, ok := latestTo[key]; !ok || later(e, l) {
						latestTo[key] = e
					}
					if l, ok := successTo[key]; d.State == ledger.StateSuccess && (!ok || later(e, l)) {
						successTo[key] = e
					}
				}
				if pr := e.Event.Promotion; pr != nil {
					revisions[strings.ToLower(pr.Target)] = max(revisions[strings.ToLower(pr.Target)], pr.Revision)
				}
			}
			if len(rs.Deployed) != len(latestTo) {
				t.Errorf("%s %s: deployed to %d places, want %d", p, v, len(rs.Deployed), len(latestTo))
			}
			for key, want := range latestTo {
				d := rs.Deployed[key]
				switch {
				case d == nil:
					t.Errorf("%s %s: nothing deployed to %q", p, v, key)
				case d.Latest.Commit != want.Commit:
					t.Errorf("%s %s to %q: latest %s, want %s", p, v, key, d.Latest.Commit, want.Commit)
				case (d.Success == nil) != (successTo[key].Commit == ""):
					t.Errorf("%s %s to %q: success %v, want %q", p, v, key, d.Success, successTo[key].Commit)
				case d.Success != nil && d.Success.Commit != successTo[key].Commit:
					t.Errorf("%s %s to %q: success %s, want %s", p, v, key, d.Success.Commit, successTo[key].Commit)
				}
			}
			for tgt, n := range revisions {
				if rs.Promotions[tgt] != n {
					t.Errorf("%s %s: revision to %s %d, want %d", p, v, tgt, rs.Promotions[tgt], n)
				}
			}
		}
		ps, err := ledger.ProjectAt(repo, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, env := range envs {
			var cur *ledger.Entry
			for i, e := range entries {
				if d := e.Event.Deployment; d != nil && strings.EqualFold(e.Event.Project, p) && d.Environment == env && (cur == nil || later(e, *cur)) {
					cur = &entries[i]
				}
			}
			es := ps.Environments[strings.ToLower(env)]
			switch {
			case cur == nil && es != nil:
				t.Errorf("%s in %s: a current deployment where there is none", p, env)
			case cur != nil && (es == nil || es.Current.Commit != cur.Commit):
				t.Errorf("%s in %s: current %+v, want %s", p, env, es, cur.Commit)
			}
		}
	}
	all, err := ledger.ProjectsAt(repo, projects)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range projects {
		one, err := ledger.ProjectAt(repo, p)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(one, all[strings.ToLower(p)]) {
			t.Errorf("ProjectsAt(%s) = %+v; ProjectAt says %+v", p, all[strings.ToLower(p)], one)
		}
	}
	peersState, err := ledger.PeersAt(repo)
	if err != nil {
		t.Fatal(err)
	}
	sent, imported := map[string]uint64{}, map[string]uint64{}
	for _, e := range entries {
		if pr := e.Event.Promotion; pr != nil {
			sent[strings.ToLower(pr.Target)] = max(sent[strings.ToLower(pr.Target)], pr.Sequence)
		}
		if im := e.Event.Import; im != nil {
			imported[strings.ToLower(im.Source)] = max(imported[strings.ToLower(im.Source)], im.Sequence)
		}
	}
	for tgt, n := range sent {
		if peersState.Sent[tgt] != n {
			t.Errorf("sent to %s: %d, want %d", tgt, peersState.Sent[tgt], n)
		}
	}
	for src, n := range imported {
		if im := peersState.Imported[src]; im == nil || im.Record.Sequence != n {
			t.Errorf("imported from %s: %+v, want sequence %d", src, im, n)
		}
	}
}
