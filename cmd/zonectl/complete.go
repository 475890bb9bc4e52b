package main

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/inbox"
	"github.com/zonectl/zonectl/internal/release"
)

// completeProjects completes the first argument with the Space's local and
// imported project names.
func completeProjects(g *globals) cobra.CompletionFunc {
	return func(cmd *cobra.Command, a []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(a) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		sp, err := g.openSpace()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, _ := sp.Load()
		return cfg.ProjectNames(), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeFromConfig completes a flag with names read from the Space's
// configuration; completion never fails, it offers nothing instead.
func completeFromConfig(g *globals, names func(*config.Space) []string) cobra.CompletionFunc {
	return func(cmd *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		sp, err := g.openSpace()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		cfg, _ := sp.Load()
		return names(cfg), cobra.ShellCompDirectiveNoFileComp
	}
}

// completeEnvironments completes a flag with the Space's own environments
// (not remote ones: this Space does not deploy there).
func completeEnvironments(g *globals) cobra.CompletionFunc {
	return completeFromConfig(g, func(cfg *config.Space) []string {
		var names []string
		for _, e := range cfg.Environments {
			names = append(names, e.Name)
		}
		return names
	})
}

// completeTenants completes a flag with the Space's tenants.
func completeTenants(g *globals) cobra.CompletionFunc {
	return completeFromConfig(g, func(cfg *config.Space) []string {
		var names []string
		for _, t := range cfg.Tenants {
			names = append(names, t.Name)
		}
		return names
	})
}

// completePeers completes the Space's peers: a peer command's argument,
// or promote's --to.
func completePeers(g *globals) cobra.CompletionFunc {
	peers := completeFromConfig(g, (*config.Space).PeerNames)
	return func(cmd *cobra.Command, a []string, s string) ([]string, cobra.ShellCompDirective) {
		if len(a) > 0 && cmd.Name() != "promote" {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return peers(cmd, a, s)
	}
}

// completeReleases completes a project, then one of its versions, newest
// first: deploy, promote, release show and release snapshot.
func completeReleases(g *globals) cobra.CompletionFunc {
	projects := completeProjects(g)
	return func(cmd *cobra.Command, a []string, s string) ([]string, cobra.ShellCompDirective) {
		switch len(a) {
		case 0:
			return projects(cmd, a, s)
		case 1:
			sp, err := g.openSpace()
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			versions, _ := release.Versions(sp.Repo, a[0])
			return versions, cobra.ShellCompDirectiveNoFileComp | cobra.ShellCompDirectiveKeepOrder
		}
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeInbox completes a project in the inbox, then its versions
// there: review, accept and reject.
func completeInbox(g *globals) cobra.CompletionFunc {
	return func(cmd *cobra.Command, a []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(a) > 1 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		sp, err := g.openSpace()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		entries, _ := inbox.List(sp.Repo)
		var out []string
		seen := map[string]bool{}
		for _, e := range entries {
			word, note := e.Release.Project, "from "+e.Source
			if len(a) == 1 {
				if !strings.EqualFold(e.Release.Project, a[0]) {
					continue
				}
				word = e.Release.Version
			}
			if !seen[strings.ToLower(word)] {
				seen[strings.ToLower(word)] = true
				out = append(out, word+"\t"+note)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
