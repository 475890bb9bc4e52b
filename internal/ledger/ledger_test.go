package ledger_test

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/canonjson"
	"github.com/zonectl/zonectl/internal/ledger"
)

const releaseCommit = "0123456789abcdef0123456789abcdef01234567"

func created(project, version string, at time.Time) ledger.Event {
	return ledger.Event{Type: ledger.ReleaseCreated, Time: at, Who: "Release Engineer <re@example.com>", Project: project, Version: version, Release: releaseCommit}
}

// fullDeployment sets every field of a deployment event.
func fullDeployment() ledger.Event {
	return ledger.Event{
		Type:    ledger.Deployment,
		Time:    testNow.Add(3 * time.Minute),
		Who:     "Release Engineer <re@example.com>",
		Project: "acme-web",
		Version: "1.4.0",
		Release: releaseCommit,
		Deployment: &ledger.DeploymentRecord{
			ID:          "D-20250314T092653Z-a1b2c3",
			Environment: "Test",
			Tenant:      "Contoso",
			State:       ledger.StateFailed,
			Started:     testNow.Add(time.Minute),
			Finished:    testNow.Add(3 * time.Minute),
			Packages:    []ledger.PackageRef{{ID: "acme-web", Version: "1.4.0", SHA256: strings.Repeat("ab", 32), Size: 1234}},
			Steps: []ledger.StepResult{
				{Name: "Migrate", State: ledger.StateSuccess},
				{Name: "Approve", State: "Skipped", Reason: "an earlier step failed"},
				{Name: "Deploy web", State: ledger.StateFailed, Reason: "the script exited with status 3"},
			},
			Approved:  []string{"Approve"},
			Skipped:   []string{"Smoke test"},
			LogSHA256: strings.Repeat("cd", 32),
			Error:     "boom",
		},
	}
}

func TestAppendThenEventsOldestFirst(t *testing.T) {
	s := newSpace(t)
	evs := []ledger.Event{
		created("acme-web", "1.4.0", testNow),
		{Type: ledger.ReleaseSnapshot, Time: testNow.Add(time.Minute), Who: "Release Engineer <re@example.com>", Project: "acme-web", Version: "1.4.0", Release: releaseCommit},
		fullDeployment(),
		{Type: ledger.Promotion, Time: testNow.Add(5 * time.Minute), Who: "Release Engineer <re@example.com>", Project: "acme-web", Version: "1.4.0", Release: releaseCommit,
			Promotion: &ledger.PromotionRecord{Target: "prod", TargetFingerprint: strings.Repeat("AB", 20), Commit: releaseCommit, Revision: 1, Sequence: 3, BundleSHA256: strings.Repeat("ef", 32)}},
	}
	var commits []plumbing.Hash
	for i, ev := range evs {
		var extra []gitstore.File
		if ev.Type == ledger.Deployment {
			extra = append(extra, gitstore.File{Path: "log.txt", Data: []byte("Step 1: Migrate\nmigrating\n")})
		}
		commits = append(commits, s.append(t, ev, extra...))
		evs[i].Schema = ledger.Schema // what Append records
	}

	got, err := ledger.Events(s.repo)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(evs) {
		t.Fatalf("Events returned %d entries, want %d", len(got), len(evs))
	}
	for i := range evs {
		if got[i].Commit != commits[i].String() {
			t.Errorf("entry %d: commit %s, want %s (oldest first)", i, got[i].Commit, commits[i])
		}
		if !reflect.DeepEqual(got[i].Event, evs[i]) {
			a, _ := json.MarshalIndent(got[i].Event, "", "  ")
			b, _ := json.MarshalIndent(evs[i], "", "  ")
			t.Errorf("entry %d read back as\n%s\nwant\n%s", i, a, b)
		}
	}

	tip, ok, err := s.repo.Ref(ledger.Ref)
	if err != nil || !ok {
		t.Fatalf("ledger ref: %v %v", ok, err)
	}
	if tip != commits[len(commits)-1] {
		t.Errorf("ledger tip %s, want the last commit %s", tip, commits[len(commits)-1])
	}
	// A linear chain: each commit's only parent is the one before.
	for i, h := range commits {
		c, err := s.repo.Git().CommitObject(h)
		if err != nil {
			t.Fatal(err)
		}
		var want []plumbing.Hash
		if i > 0 {
			want = []plumbing.Hash{commits[i-1]}
		}
		if !reflect.DeepEqual(c.ParentHashes, want) {
			t.Errorf("commit %d parents %v, want %v", i, c.ParentHashes, want)
		}
		if subject := strings.TrimSuffix(c.Message, "\n"); subject != ledger.Summary(evs[i]) {
			t.Errorf("commit %d message %q, want the summary %q", i, c.Message, ledger.Summary(evs[i]))
		}
	}
}

func TestAppendSetsSchemaAndTime(t *testing.T) {
	s := newSpace(t)
	ev := created("web", "1.0.0", time.Time{})
	ev.Schema = "something/else"
	s.append(t, ev)
	got, err := ledger.Events(s.repo)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d events, want 1", len(got))
	}
	if got[0].Event.Schema != ledger.Schema {
		t.Errorf("schema %q, want %q whatever the caller set", got[0].Event.Schema, ledger.Schema)
	}
	if got[0].Event.Time.IsZero() {
		t.Error("an event appended without a time has none; want the time it was appended")
	}
	if loc := got[0].Event.Time.Location(); loc != time.UTC {
		t.Errorf("time recorded in %v, want UTC", loc)
	}
}

func TestEventJSONFieldNames(t *testing.T) {
	s := newSpace(t)
	h := s.append(t, fullDeployment())
	c, err := s.repo.Git().CommitObject(h)
	if err != nil {
		t.Fatal(err)
	}
	f, err := c.File("event.json")
	if err != nil {
		t.Fatal(err)
	}
	text, err := f.Contents()
	if err != nil {
		t.Fatal(err)
	}
	// The documented field names of docs/releases.md, in the canonical
	// two-space form.
	for _, want := range []string{
		`"schema": "zonectl.ledger/v1"`, `"type": "deployment"`, `"time": "2025-03-14T09:29:53Z"`,
		`"who": `, `"project": "acme-web"`, `"version": "1.4.0"`, `"release": "` + releaseCommit + `"`,
		`"deployment": {`, `"id": "D-`, `"environment": "Test"`, `"tenant": "Contoso"`, `"state": "Failed"`,
		`"started": `, `"finished": `, `"packages": [`, `"sha256": `, `"size": 1234`, `"steps": [`,
		`"reason": "an earlier step failed"`, `"approved": [`, `"skipped": [`, `"log_sha256": `,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("event.json lacks %s:\n%s", want, text)
		}
	}
	if !strings.HasSuffix(text, "}\n") || !strings.HasPrefix(text, "{\n  \"schema\"") {
		t.Errorf("event.json is not canonical JSON with schema first:\n%s", text)
	}
}

func TestLedgerCommitsVerify(t *testing.T) {
	s := newSpace(t)
	s.append(t, created("acme-web", "1.4.0", testNow))
	s.append(t, fullDeployment(), gitstore.File{Path: "log.txt", Data: []byte("log\n")})
	entries, err := ledger.Events(s.repo)
	if err != nil {
		t.Fatal(err)
	}
	v := s.verifier()
	for _, e := range entries {
		if err := s.repo.VerifyCommit(plumbing.NewHash(e.Commit), v); err != nil {
			t.Errorf("ledger commit %s does not verify: %v", e.Commit, err)
		}
	}

	// Another Space's key does not verify them.
	other := newSpace(t)
	if err := s.repo.VerifyCommit(plumbing.NewHash(entries[0].Commit), other.verifier()); err == nil {
		t.Error("a ledger commit verified with another Space's key")
	}
}

func TestSummary(t *testing.T) {
	deploy := func(env, tenant, state string) ledger.Event {
		return ledger.Event{Type: ledger.Deployment, Project: "acme-web", Version: "1.4.0",
			Deployment: &ledger.DeploymentRecord{Environment: env, Tenant: tenant, State: state}}
	}
	tests := []struct {
		ev   ledger.Event
		want string
	}{
		{created("acme-web", "1.4.0", testNow), "Create release acme-web 1.4.0"},
		{ledger.Event{Type: ledger.ReleaseSnapshot, Project: "acme-web", Version: "1.4.0"}, "Re-snapshot the variables of release acme-web 1.4.0"},
		{deploy("Test", "", ledger.StateSuccess), "Deploy acme-web 1.4.0 to Test: Success"},
		{deploy("Test", "", ledger.StateFailed), "Deploy acme-web 1.4.0 to Test: Failed"},
		{deploy("Production", "Contoso", ledger.StateWaiting), "Deploy acme-web 1.4.0 to Production for Contoso: Waiting"},
		// A deployment event without its record, and a type this version
		// does not know, still read as something.
		{ledger.Event{Type: ledger.Promotion, Project: "acme-web", Version: "1.4.0", Promotion: &ledger.PromotionRecord{Target: "prod", Revision: 2, Sequence: 7}}, "Promote acme-web 1.4.0 to prod (revision 2, sequence 7)"},
		{ledger.Event{Type: ledger.Deployment, Project: "acme-web", Version: "1.4.0"}, "deployment acme-web 1.4.0"},
		{ledger.Event{Type: ledger.Promotion, Project: "acme-web", Version: "1.4.0"}, "promotion acme-web 1.4.0"},
		{ledger.Event{Type: "receipts.merged", Project: "acme-web", Version: "1.4.0"}, "receipts.merged acme-web 1.4.0"},
	}
	for _, tt := range tests {
		if got := ledger.Summary(tt.ev); got != tt.want {
			t.Errorf("Summary(%+v) = %q, want %q", tt.ev, got, tt.want)
		}
	}
}

func TestLog(t *testing.T) {
	s := newSpace(t)
	logText := "Deploying acme-web 1.4.0 to Test\nStep 1: Migrate\n********\n"
	withLog := s.append(t, fullDeployment(), gitstore.File{Path: "log.txt", Data: []byte(logText)})
	without := s.append(t, created("acme-web", "1.5.0", testNow))

	got, err := ledger.Log(s.repo, withLog.String())
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != logText {
		t.Errorf("Log = %q, want %q", got, logText)
	}
	got, err = ledger.Log(s.repo, without.String())
	if err != nil || got != nil {
		t.Errorf("Log of an event without log.txt = %q, %v; want nil, nil", got, err)
	}
	if _, err := ledger.Log(s.repo, strings.Repeat("0", 40)); err == nil {
		t.Error("Log of a commit that does not exist returned no error")
	}
}

func TestEmptyLedgerHasNoEvents(t *testing.T) {
	s := newSpace(t)
	got, err := ledger.Events(s.repo)
	if err != nil || len(got) != 0 {
		t.Fatalf("Events on an empty ledger = %v, %v; want none, nil", got, err)
	}
}

func TestEventsRefusesCommitsThatAreNotEvents(t *testing.T) {
	tests := []struct {
		name  string
		files []gitstore.File
		want  string
	}{
		{"no event.json", []gitstore.File{{Path: "notes.txt", Data: []byte("hello\n")}}, "has no event.json"},
		{"another schema", []gitstore.File{{Path: "event.json", Data: []byte(`{"schema": "zonectl.ledger/v2", "type": "deployment"}` + "\n")}}, `unknown event schema "zonectl.ledger/v2"`},
		{"no schema", []gitstore.File{{Path: "event.json", Data: []byte(`{"type": "deployment"}` + "\n")}}, `unknown event schema ""`},
		{"not JSON", []gitstore.File{{Path: "event.json", Data: []byte("schema: v1\n")}}, "event.json of ledger commit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSpace(t)
			s.append(t, created("acme-web", "1.4.0", testNow))
			bad := s.commitRaw(t, tt.files...)
			// Nothing is appended on top of it: its state cannot be known.
			if _, err := appendOnce(s.repo, s.signer, created("acme-web", "1.5.0", testNow)); err == nil || !strings.Contains(err.Error(), bad.String()) {
				t.Errorf("Append on top of commit %s: %v; want an error naming it", bad, err)
			}
			// One good event after the bad one, written by hand: reading
			// must still stop at the bad one.
			ev := created("acme-web", "1.5.0", testNow)
			ev.Schema = ledger.Schema
			good, err := canonjson.Encode(ev)
			if err != nil {
				t.Fatal(err)
			}
			s.commitRaw(t, gitstore.File{Path: "event.json", Data: good})

			got, err := ledger.Events(s.repo)
			if err == nil {
				t.Fatalf("Events = %d entries, nil; want an error for commit %s", len(got), bad)
			}
			if !strings.Contains(err.Error(), bad.String()) {
				t.Errorf("error %q does not name the commit %s", err, bad)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestEventsFollowsFirstParents(t *testing.T) {
	s := newSpace(t)
	first := s.append(t, created("acme-web", "1.4.0", testNow))

	// A peer's receipt history merged into the ledger: its commits are not
	// this Space's events and must not be read as such.
	foreign, err := s.repo.WriteTree([]gitstore.File{{Path: "receipt.json", Data: []byte("{}\n")}})
	if err != nil {
		t.Fatal(err)
	}
	peer, err := s.repo.Commit(context.Background(), gitstore.CommitOptions{
		Ref: "refs/zonectl/peers/prod/receipts", Tree: foreign, Message: "receipt\n", Author: author(), Signer: s.signer,
	})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte(`{"schema": "zonectl.ledger/v1", "type": "receipts.merged", "project": "acme-web", "version": "1.4.0"}` + "\n")
	tree, err := s.repo.WriteTree([]gitstore.File{{Path: "event.json", Data: data}})
	if err != nil {
		t.Fatal(err)
	}
	merge, err := s.repo.Commit(context.Background(), gitstore.CommitOptions{
		Ref: ledger.Ref, Tree: tree, ExtraParents: []plumbing.Hash{peer}, Message: "Merge receipts from prod\n", Author: author(), Signer: s.signer,
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ledger.Events(s.repo)
	if err != nil {
		t.Fatalf("Events on a ledger with a merge: %v", err)
	}
	if len(got) != 2 || got[0].Commit != first.String() || got[1].Commit != merge.String() {
		t.Fatalf("Events = %+v; want the first event then the merge", got)
	}
}

func TestAppendMovesTheLedgerOnlyWhenTheTransactionCommits(t *testing.T) {
	s := newSpace(t)
	tx, err := s.repo.Begin(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Append(tx, s.signer, author(), created("web", "1.0.0", testNow), nil); err != nil {
		t.Fatal(err)
	}
	if got, err := ledger.Events(s.repo); err != nil || len(got) != 0 {
		t.Fatalf("before Commit the ledger holds %v, %v; want nothing", got, err)
	}
	if err := tx.Rollback(); err != nil {
		t.Fatal(err)
	}
	if got, err := ledger.Events(s.repo); err != nil || len(got) != 0 {
		t.Fatalf("after Rollback the ledger holds %v, %v; want nothing", got, err)
	}

	tx, err = s.repo.Begin(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, v := range []string{"1.0.0", "1.1.0"} {
		if _, err := ledger.Append(tx, s.signer, author(), created("web", v, testNow), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := ledger.Events(s.repo)
	if err != nil || len(got) != 2 || got[0].Event.Version != "1.0.0" || got[1].Event.Version != "1.1.0" {
		t.Fatalf("after Commit Events = %v, %v; want 1.0.0 then 1.1.0", got, err)
	}
}

func TestConcurrentAppendsAllLand(t *testing.T) {
	s := newSpace(t)
	const n = 8
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			repo, err := gitstore.Open(s.repo.Root())
			if err != nil {
				errs[i] = err
				return
			}
			ev := created("web", "1.0."+string(rune('0'+i)), testNow)
			_, errs[i] = appendOnce(repo, s.signer, ev)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("append %d: %v", i, err)
		}
	}
	got, err := ledger.Events(s.repo)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, e := range got {
		seen[e.Event.Version] = true
	}
	if len(got) != n || len(seen) != n {
		t.Errorf("after %d concurrent appends the ledger holds %d events (%d versions); want every one", n, len(got), len(seen))
	}
}
