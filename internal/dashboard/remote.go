package dashboard

import (
	"strings"

	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/snapshot"
)

// AddReceipts fills the cells of remote environments owned by peer from
// the receipts this Space verified from it: the latest deployment there,
// and the previous success of another version, each saying which Space
// reported it and when.
func (m *Model) AddReceipts(peer string, entries []receipt.Entry) {
	for pi := range m.Projects {
		p := &m.Projects[pi]
		for ci := range p.Cells {
			c := &p.Cells[ci]
			if !c.Remote || !strings.EqualFold(c.Space, peer) {
				continue
			}
			var current, previous *Deployment
			for i := len(entries) - 1; i >= 0; i-- {
				e := entries[i]
				// An acceptance or rejection names no environment: it is
				// where the release stands in all of that Space's until a
				// deployment there says more.
				if !strings.EqualFold(e.Project, p.Name) || (e.Environment != "" && !strings.EqualFold(e.Environment, c.Environment)) {
					continue
				}
				finished := e.Finished
				// What a peer says is shown with whatever would not show
				// itself made visible (control characters, bidi overrides,
				// look-alikes), on a terminal and in the page alike.
				d := &Deployment{Version: snapshot.VisibleLine(e.Version), State: snapshot.VisibleLine(e.State), Tenant: snapshot.VisibleLine(e.Tenant),
					Finished: e.Finished, ID: snapshot.VisibleLine(e.DeploymentID), ReportedBy: peer, Reported: &finished}
				if current == nil {
					current = d
					continue
				}
				if e.State == "Success" && e.Version != current.Version {
					previous = d
					break
				}
			}
			// A promotion of another version, newer than every receipt,
			// stays on show: that is where the release stands now.
			if current != nil && (c.Current == nil || c.Current.State != StatePromoted ||
				c.Current.Version == current.Version || !current.Finished.Before(c.Current.Finished)) {
				c.Current, c.Previous = current, previous
			}
		}
	}
}
