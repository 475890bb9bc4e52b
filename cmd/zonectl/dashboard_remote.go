package main

import (
	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/dashboard"
	"github.com/zonectl/zonectl/internal/receipt"
	"github.com/zonectl/zonectl/internal/space"
)

// addReceipts fills the dashboard's remote cells from the receipts this
// Space verified from each peer it accepts receipts from.
func addReceipts(sp *space.Space, cfg *config.Space, m *dashboard.Model) error {
	for _, p := range cfg.Peers {
		if !p.AcceptsKind(config.AcceptReceipts) {
			continue
		}
		entries, err := receipt.Merged(sp.Repo, p.Name)
		if err != nil {
			return err
		}
		m.AddReceipts(p.Name, entries)
	}
	return nil
}
