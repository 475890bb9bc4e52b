package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/internal/feeds"
	"github.com/zonectl/zonectl/internal/remote"
	"github.com/zonectl/zonectl/internal/space"
	"github.com/zonectl/zonectl/internal/store"
)

// statusReport is where a clone of the Space stands.
type statusReport struct {
	Space   string             `json:"space"`
	Remote  string             `json:"remote"`
	URL     string             `json:"url,omitempty"`
	Fetched bool               `json:"fetched"`
	InStep  bool               `json:"in_step"`
	Refs    []remote.RefStatus `json:"refs"`
	Pending string             `json:"pending_transaction"`
	Store   string             `json:"store"`
	// StoreFrom says where the store's location comes from.
	StoreFrom string `json:"store_from"`
}

func newStatusCommand(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "status",
		Short: "Where this clone stands: ahead or behind the Space's remote, pending work, where the store is",
		Long: `Show where this clone of the Space stands: its remote, each shared ref that
is ahead of, behind or diverged from the remote (fetched first, unless
--offline: then as last fetched), an interrupted transaction if one is
pending, and where the package store is. Nothing is changed but the
clone's view of the remote.`,
		Args: args(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			sp, err := g.openSpace()
			if err != nil {
				return err
			}
			rep := statusReport{Refs: []remote.RefStatus{}}
			if rep.Space, err = sp.Name(); err != nil {
				return err
			}
			rep.Store, rep.StoreFrom = storeLocation(sp)
			if rep.Pending, err = sp.Repo.Pending(); err != nil {
				return err
			}
			// Offline, the remote is still compared with: as last fetched.
			name, err := g.configuredRemote(sp)
			if err != nil {
				return err
			}
			if name != "" {
				if err := sp.Repo.SetRemote(name); err != nil {
					return err
				}
				rep.Remote, rep.URL = name, redactURL(sp.Repo.RemoteURL())
				if !g.isOffline() {
					if err := sp.Repo.WithFetchLock(cmd.Context(), func() error { return sp.Repo.Fetch(cmd.Context()) }); err != nil {
						g.out.infof("zonectl: warning: %v; comparing with what was fetched last\n", err)
					} else {
						rep.Fetched = true
					}
				}
				if rep.Refs, err = remote.Status(sp.Repo); err != nil {
					return err
				}
			}
			rep.InStep = len(rep.Refs) == 0
			if g.out.json() {
				return g.out.printJSON(rep)
			}
			g.printStatus(rep)
			return nil
		},
	}
}

func (g *globals) printStatus(rep statusReport) {
	if rep.Remote == "" {
		g.out.printf("Space %s: no remote; this clone is the Space (name one with space \"%s\" { remote = \"origin\" })\n", rep.Space, rep.Space)
	} else {
		when := "as fetched just now"
		if !rep.Fetched {
			when = "as last fetched"
		}
		g.out.printf("Space %s, remote %s (%s), %s\n", rep.Space, rep.Remote, rep.URL, when)
		if rep.InStep {
			g.out.printf("  in step with %s\n", rep.Remote)
		}
		for _, r := range rep.Refs {
			g.out.printf("  %s: %s\n", r.Ref, refStatusWords(rep.Remote, r))
		}
	}
	if rep.Pending != "" {
		g.out.printf("Interrupted transaction: %s (the next zonectl command finishes or undoes it)\n", rep.Pending)
	}
	g.out.printf("Package store: %s (%s)\n", rep.Store, rep.StoreFrom)
}

func refStatusWords(remoteName string, r remote.RefStatus) string {
	switch r.State {
	case "ahead":
		return fmt.Sprintf("%s ahead; the next command that writes, or zonectl sync, pushes it", plural(r.Ahead, "commit"))
	case "behind":
		if r.Ref == "refs/heads/main" {
			return fmt.Sprintf("%s behind %s; git pull takes it", plural(r.Behind, "commit"), remoteName)
		}
		return fmt.Sprintf("%s behind; the next command takes it", plural(r.Behind, "commit"))
	case "diverged":
		return fmt.Sprintf("diverged: %s ahead, %s behind; zonectl sync joins a ledger, anything else needs a person", plural(r.Ahead, "commit"), plural(r.Behind, "commit"))
	case "only-here":
		return "only in this clone; zonectl sync pushes it"
	}
	return fmt.Sprintf("only on %s; the next command takes it", remoteName)
}

// storeLocation says where the Space's package store is and why: a
// registry (ZONECTL_STORE's url, or the store block, with the clone's
// cache), a directory ZONECTL_STORE names, or the default.
func storeLocation(sp *space.Space) (where, from string) {
	env := getenv(store.EnvDir)
	cache := store.DefaultDir(sp.Repo.MainRoot())
	cfg, diags := sp.LoadRoot()
	if diags.HasErrors() {
		cfg = nil
	}
	loc, err := feeds.RemoteStore(cfg, env)
	switch {
	case err == nil && loc != nil && env != "":
		return loc.String(), store.EnvDir + ", cached in " + cache
	case err == nil && loc != nil:
		return loc.String(), "the store block, cached in " + cache
	case env != "":
		return cache, store.EnvDir
	}
	return cache, "the default, beside the clone"
}
