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
	tests := []struct {
		name     string
		promoted *Deployment
		receipts []receipt.Entry
		current  string
		previous string
		reporter string
	}{
		{name: "nothing", current: "", previous: ""},
		{name: "promoted, no receipt", promoted: &Deployment{Version: "1.1.0", State: StatePromoted, Finished: t0}, current: "1.1.0 Promoted"},
		{name: "receipt", receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0)}, current: "1.0.0 Success", reporter: "prod"},
		{name: "failed after a success", receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0), rec(2, "1.1.0", "Failed", t0.Add(time.Hour))},
			current: "1.1.0 Failed", previous: "1.0.0 Success", reporter: "prod"},
		{name: "newer promotion of another version shows", promoted: &Deployment{Version: "1.2.0", State: StatePromoted, Finished: t0.Add(2 * time.Hour)},
			receipts: []receipt.Entry{rec(1, "1.1.0", "Success", t0)}, current: "1.2.0 Promoted"},
		{name: "re-promotion of the deployed version does not hide it", promoted: &Deployment{Version: "1.1.0", State: StatePromoted, Finished: t0.Add(2 * time.Hour)},
			receipts: []receipt.Entry{rec(1, "1.1.0", "Success", t0)}, current: "1.1.0 Success", reporter: "prod"},
		{name: "receipts of another Space are not prod's", receipts: nil, current: ""},
		{name: "accepted, not deployed yet", receipts: []receipt.Entry{{Receipt: receipt.Receipt{Position: 1, Project: "web", Version: "1.1.0", State: receipt.StateAccepted, Finished: t0}}},
			current: "1.1.0 Accepted", reporter: "prod"},
		{name: "deployed after acceptance", receipts: []receipt.Entry{{Receipt: receipt.Receipt{Position: 1, Project: "web", Version: "1.1.0", State: receipt.StateAccepted, Finished: t0}}, rec(2, "1.1.0", "Success", t0.Add(time.Hour))},
			current: "1.1.0 Success", reporter: "prod"},
		{name: "rejected", receipts: []receipt.Entry{rec(1, "1.0.0", "Success", t0), {Receipt: receipt.Receipt{Position: 2, Project: "web", Version: "1.1.0", State: receipt.StateRejected, Finished: t0.Add(time.Hour)}}},
			current: "1.1.0 Rejected", previous: "1.0.0 Success", reporter: "prod"},
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
			m.Projects[0].Cells[0].Current = tt.promoted
			m.AddReceipts("PROD", tt.receipts)
			m.AddReceipts("other", []receipt.Entry{rec(1, "9.9.9", "Success", t0.Add(5*time.Hour))})
			c := m.Projects[0].Cells[0]
			if words(c.Current) != tt.current || words(c.Previous) != tt.previous {
				t.Errorf("current %q previous %q, want %q and %q", words(c.Current), words(c.Previous), tt.current, tt.previous)
			}
			if tt.reporter != "" && (c.Current.ReportedBy != "PROD" || c.Current.Reported == nil) {
				t.Errorf("reported by %q at %v", c.Current.ReportedBy, c.Current.Reported)
			}
		})
	}
}
