package dashboard

import (
	"strings"

	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// AddReceipts fills the cells of remote environments owned by peer from
// the receipts this Space verified from it: the latest deployment there,
// the previous success of another version, and what is pending there (an
// acceptance or rejection newer than that deployment, or this Space's own
// promotion when it is newer still), each saying which Space reported it
// and when.
func (m *Model) AddReceipts(peer string, entries []receipt.Entry) {
	for pi := range m.Projects {
		p := &m.Projects[pi]
		for ci := range p.Cells {
			c := &p.Cells[ci]
			if !c.Remote || !strings.EqualFold(c.Space, peer) {
				continue
			}
			current, previous, pending := fromReceipts(peer, p.Name, c.Environment, entries)
			if promo := c.Pending; promo != nil && newer(promo, current) && newer(promo, pending) {
				pending = promo
			}
			c.Current, c.Previous, c.Pending = current, previous, pending
		}
	}
}

// fromReceipts reads, newest first, what peer's receipts say of project
// in env: an acceptance or rejection names no environment and stands for
// all of that Space's until a deployment there says more.
func fromReceipts(peer, project, env string, entries []receipt.Entry) (current, previous, pending *Deployment) {
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if !strings.EqualFold(e.Project, project) || (e.Environment != "" && !strings.EqualFold(e.Environment, env)) {
			continue
		}
		finished := e.Finished
		// What a peer says is shown with whatever would not show itself
		// made visible (control characters, bidi overrides, look-alikes),
		// on a terminal and in the page alike.
		d := &Deployment{Version: snapshot.VisibleLine(e.Version), State: snapshot.VisibleLine(e.State), Tenant: snapshot.VisibleLine(e.Tenant),
			Finished: e.Finished, ID: snapshot.VisibleLine(e.DeploymentID), ReportedBy: peer, Reported: &finished}
		switch {
		case e.Environment == "":
			if current == nil && pending == nil {
				pending = d
			}
		case current == nil:
			current = d
		case e.State == "Success" && e.Version != current.Version:
			return current, d, pending
		}
	}
	return current, previous, pending
}

// newer reports whether a is later than b, or b is nothing; a version
// already deployed is never pending.
func newer(a, b *Deployment) bool {
	if b == nil {
		return true
	}
	return a.Finished.After(b.Finished) && (b.State == StatePromoted || b.State == receipt.StateAccepted || b.State == receipt.StateRejected || a.Version != b.Version)
}
