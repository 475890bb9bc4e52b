package dashboard

import (
	"testing"
	"time"

	"github.com/zonectl/zonectl/internal/receipt"
)

func TestAddReceiptsAndPromotions(t *testing.T) {
	t0 := time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)
	cell := func() *Model {
		return &Model{Projects: []Project{{Name: "web", Cells: []Cell{{Environment: "Production", Remote: true, Space: "prod"}}}}}
	}
	rec := func(pos int, version, state string, at time.Time) receipt.Entry {
		return receipt.Entry{Receipt: receipt.Receipt{Position: pos, Project: "web", Version: version, Environment: "production", State: state, Finished: at}}
	}
	accepted := func(pos int, version string, at time.Time) receipt.Entry {
		return receipt.Entry{Receipt: receipt.Receipt{Position: pos, Project: "web", Version: version, State: receipt.StateAccepted, Finished: at}}
	}
	// Current is what runs there; what is on its way (promoted, accepted,
	// rejected) is Pending, beside it.
	tests := []struct {
		name     string
		promoted *Deployment
		receipts []receipt.Entry
		current  string
		previous string
		pending  string
		reporter string
	}{
		{name: "nothing"},
		{name: "promoted, no receipt", promoted: &Deployment{Version: "1.1.0", State: StatePromoted, Finished: t0}, pending: "1.1.0 Promoted"},
		{name: "receipt", receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0)}, current: "1.0.0 Success", reporter: "prod"},
		{name: "failed after a success", receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0), rec(2, "1.1.0", "Failed", t0.Add(time.Hour))},
			current: "1.1.0 Failed", previous: "1.0.0 Success", reporter: "prod"},
		{name: "newer promotion of another version is pending beside what runs", promoted: &Deployment{Version: "1.2.0", State: StatePromoted, Finished: t0.Add(2 * time.Hour)},
			receipts: []receipt.Entry{rec(1, "1.1.0", "Success", t0)}, current: "1.1.0 Success", pending: "1.2.0 Promoted", reporter: "prod"},
		{name: "previous success kept beside a promotion", promoted: &Deployment{Version: "1.2.0", State: StatePromoted, Finished: t0.Add(3 * time.Hour)},
			receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0), rec(2, "1.1.0", "Failed", t0.Add(time.Hour))},
			current:  "1.1.0 Failed", previous: "1.0.0 Success", pending: "1.2.0 Promoted", reporter: "prod"},
		{name: "re-promotion of the deployed version is not pending", promoted: &Deployment{Version: "1.1.0", State: StatePromoted, Finished: t0.Add(2 * time.Hour)},
			receipts: []receipt.Entry{rec(1, "1.1.0", "Success", t0)}, current: "1.1.0 Success", reporter: "prod"},
		{name: "receipts of another Space are not prod's", receipts: nil},
		{name: "accepted, not deployed yet", receipts: []receipt.Entry{accepted(1, "1.1.0", t0)}, pending: "1.1.0 Accepted"},
		{name: "accepted while an older version runs", receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0), accepted(2, "2.2.0", t0.Add(time.Hour))},
			current: "1.0.0 Success", pending: "2.2.0 Accepted", reporter: "prod"},
		{name: "promoted after the acceptance of another", promoted: &Deployment{Version: "2.3.0", State: StatePromoted, Finished: t0.Add(2 * time.Hour)},
			receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0), accepted(2, "2.2.0", t0.Add(time.Hour))},
			current:  "1.0.0 Success", pending: "2.3.0 Promoted", reporter: "prod"},
		{name: "deployed after acceptance", receipts: []receipt.Entry{accepted(1, "1.1.0", t0), rec(2, "1.1.0", "Success", t0.Add(time.Hour))},
			current: "1.1.0 Success", reporter: "prod"},
		{name: "rejected", receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0), {Receipt: receipt.Receipt{Position: 2, Project: "web", Version: "1.1.0", State: receipt.StateRejected, Finished: t0.Add(time.Hour)}}},
			current: "1.0.0 Success", pending: "1.1.0 Rejected", reporter: "prod"},
	}
	words := func(d *Deployment) string {
		if d == nil {
			return ""
		}
		return d.Version + " " + d.State
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := cell()
			m.Projects[0].Cells[0].Pending = tt.promoted
			m.AddReceipts("PROD", tt.receipts)
			m.AddReceipts("other", []receipt.Entry{rec(1, "9.9.9", "Success", t0.Add(5*time.Hour))})
			c := m.Projects[0].Cells[0]
			if words(c.Current) != tt.current || words(c.Previous) != tt.previous || words(c.Pending) != tt.pending {
				t.Errorf("current %q previous %q pending %q, want %q, %q and %q", words(c.Current), words(c.Previous), words(c.Pending), tt.current, tt.previous, tt.pending)
			}
			if tt.reporter != "" && (c.Current.ReportedBy != "PROD" || c.Current.Reported == nil) {
				t.Errorf("reported by %q at %v", c.Current.ReportedBy, c.Current.Reported)
			}
		})
	}
}
