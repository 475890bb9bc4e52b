package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/internal/ledger"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// publisher says where import puts the packages it receives, in this
// zone's registries: the Space's store when it is on a registry, the
// feeds named with --publish, and the feeds that say publish_imports. It
// returns nil when there is nowhere; a feed the Space does not declare is
// a usage error, before anything is read.
func (s *session) publisher(asked []string) (func(context.Context, []zbundle.PackageRef) ([]ledger.Published, error), error) {
	srcs, err := s.sources()
	if err != nil {
		return nil, err
	}
	cfg := s.rootConfig() // feeds are declared at the top
	var targets []string  // feed names; "" for the Space's store
	if srcs.Remote != nil {
		targets = append(targets, "")
	}
	seen := map[string]bool{}
	for _, name := range asked {
		if cfg == nil || cfg.Feed(name) == nil {
			return nil, usagef(fmt.Errorf("--publish %s: the Space declares no feed %q (a feed block in space.hcl)", name, name))
		}
		seen[strings.ToLower(name)] = true
		targets = append(targets, cfg.Feed(name).Name)
	}
	if cfg != nil {
		for _, f := range cfg.Feeds {
			if f.PublishImports && !seen[strings.ToLower(f.Name)] {
				targets = append(targets, f.Name)
			}
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	who := s.who()
	return func(ctx context.Context, pkgs []zbundle.PackageRef) ([]ledger.Published, error) {
		var out []ledger.Published
		for _, p := range pkgs {
			pkg := store.Package{ID: p.ID, Version: p.Version, SHA256: p.SHA256, Size: p.Size, PushedBy: fmt.Sprintf("%s <%s>", who.Name, who.Email), PushedAt: who.When}
			var have []string // repositories that hold the bytes now
			for _, feed := range targets {
				a, _, err := srcs.Publish(ctx, feed, pkg, nil, have...)
				if err != nil {
					return nil, err
				}
				have = append(have, a.Repository)
				out = append(out, ledger.Published{ID: p.ID, Version: p.Version, SHA256: p.SHA256, Feed: feed, Repository: a.Repository, Digest: a.Manifest.Digest.String()})
			}
		}
		return out, nil
	}, nil
}
