package main

import (
	"github.com/spf13/cobra"

	"github.com/zonectl/zonectl/hcl/config"
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
