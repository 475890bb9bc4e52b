package audit

import (
	"fmt"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/release"
)

// checkReferences is step 5: what the ledger names must exist.
func (a *auditor) checkReferences() error {
	for _, e := range a.events {
		ev := e.Event
		add := func(ok bool, detail string) {
			c := Check{What: WhatLedger, Ref: ledger.Ref, Commit: e.Commit, Result: Pass, Detail: detail}
			if !ok {
				c.Result = Fail
			}
			a.rep.add(c)
		}
		what := fmt.Sprintf("%s event for %s %s", ev.Type, ev.Project, ev.Version)
		if ev.Release != "" {
			if a.commitExists(ev.Release) {
				add(true, fmt.Sprintf("%s: release commit %s exists", what, ev.Release))
			} else {
				add(false, fmt.Sprintf("%s names release commit %s, which is not in the repository", what, ev.Release))
			}
		}
		if ev.Type == ledger.Deployment {
			// Looked up among the refs listed when the audit began, as
			// every other step sees them.
			ref, err := release.Ref(ev.Project, ev.Version)
			if err == nil && a.refNames[ref] {
				add(true, fmt.Sprintf("%s: the release exists", what))
			} else {
				add(false, fmt.Sprintf("%s: the Space has no such release", what))
			}
		}
		if acc := ev.Acceptance; acc != nil && (ev.Type == ledger.Acceptance || ev.Type == ledger.Rejection) {
			if a.commitExists(acc.InboxCommit) {
				add(true, fmt.Sprintf("%s: inbox commit %s exists", what, acc.InboxCommit))
			} else {
				add(false, fmt.Sprintf("%s names inbox commit %q, which is not in the repository", what, acc.InboxCommit))
			}
		}
	}
	return nil
}

// buildView is step 6: the successful deployments the verified ledger
// records, oldest first.
func (a *auditor) buildView() error {
	for _, e := range a.events {
		ev := e.Event
		d := ev.Deployment
		if ev.Type != ledger.Deployment || d == nil || d.State != ledger.StateSuccess {
			continue
		}
		if !a.verified[plumbing.NewHash(e.Commit)] {
			continue // its signature failed: reported in step 1, not vouched for here
		}
		row := Deployment{
			Project: ev.Project, Version: ev.Version, Environment: d.Environment, Tenant: d.Tenant,
			ID: d.ID, Who: ev.Who, When: d.Finished, Approved: d.Approved, Packages: d.Packages,
			Release: ev.Release, LedgerEvent: e.Commit,
		}
		if row.When.IsZero() {
			row.When = ev.Time
		}
		row.Imported = a.origin(ev)
		a.rep.Deployments = append(a.rep.Deployments, row)
	}
	return nil
}

// origin says where the release an event concerns came from, when it was
// imported: from its release.json, with the sequence from the import event.
func (a *auditor) origin(ev ledger.Event) *Origin {
	if !a.commitExists(ev.Release) {
		return nil
	}
	l, err := a.release(ev.Release)
	if err != nil || l.Release.ImportedFrom == nil {
		return nil
	}
	im := l.Release.ImportedFrom
	o := &Origin{Space: im.Space, Fingerprint: im.Fingerprint, PromotionCommit: im.Commit, Revision: im.Revision}
	for _, e := range a.events {
		r := e.Event.Import
		if e.Event.Type == ledger.Import && r != nil &&
			strings.EqualFold(e.Event.Project, ev.Project) && e.Event.Version == ev.Version &&
			strings.EqualFold(r.Source, im.Space) && r.Revision == im.Revision {
			o.Sequence = r.Sequence
		}
	}
	return o
}

// checkTransactions is step 0: no transaction is left half-done. A
// journal still in place means a zonectl command was interrupted and no
// command has run since to finish or undo it.
func (a *auditor) checkTransactions() error {
	pending, err := a.repo.Pending()
	if err != nil {
		a.rep.add(Check{What: WhatTransaction, Result: Fail, Detail: err.Error()})
		return nil
	}
	if pending != "" {
		a.rep.add(Check{What: WhatTransaction, Result: Fail, Detail: "an interrupted transaction is pending: " + pending + "; any zonectl command that opens the Space finishes or undoes it"})
		return nil
	}
	a.rep.add(Check{What: WhatTransaction, Result: Pass, Detail: "no interrupted transaction"})
	return nil
}

// checkRefsReadable is part of step 0: every ref points at an object the
// repository holds, whatever its name. A ref to a missing object is what a
// crash between naming an object and writing it leaves, or a repository
// damaged by hand; other steps only read the refs they know.
func (a *auditor) checkRefsReadable() error {
	bad, err := a.repo.UnreadableRefs()
	if err != nil {
		return fmt.Errorf("audit: list refs: %w", err)
	}
	for _, r := range bad {
		a.rep.add(Check{What: WhatRef, Ref: r.Name, Commit: r.Hash.String(), Result: Fail,
			Detail: fmt.Sprintf("the ref points at an object this repository cannot read: %v", r.Err)})
	}
	return nil
}

// checkReleasesRecorded is step 7: every release ref's tip is an event in
// the ledger (its creation, acceptance or last re-snapshot), so that no
// release exists that the Space's history does not account for, as a
// crash between writing a release and its event once could leave.
func (a *auditor) checkReleasesRecorded() error {
	recorded := map[string]bool{}
	for _, e := range a.events {
		switch e.Event.Type {
		case ledger.ReleaseCreated, ledger.ReleaseSnapshot, ledger.Acceptance:
			recorded[e.Event.Release] = true
		}
	}
	for _, r := range a.refs {
		name := r.Name().String()
		if !strings.HasPrefix(name, "refs/zonectl/releases/") {
			continue
		}
		c := Check{What: WhatRelease, Ref: name, Commit: r.Hash().String(), Result: Pass, Detail: "the ledger records this release"}
		if !recorded[r.Hash().String()] {
			c.Result, c.Detail = Fail, "no ledger event records this release's tip: it was written without its event"
		}
		a.rep.add(c)
	}
	return nil
}

// release reads a release commit once per audit: every deployment of it
// names it.
func (a *auditor) release(commit string) (*release.Loaded, error) {
	if l, ok := a.releases[commit]; ok {
		return l, nil
	}
	l, err := release.LoadCommit(a.repo, "release commit "+commit, plumbing.NewHash(commit))
	if err != nil {
		return nil, err
	}
	if a.releases == nil {
		a.releases = map[string]*release.Loaded{}
	}
	a.releases[commit] = l
	return l, nil
}
