package feeds

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/registry"
	"github.com/zonectl/zonectl/internal/semver"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

// Pin resolves package pk to what a release records of it: version, or
// the highest version there is when version is empty, as Octopus picks
// the latest. For bytes in a registry it records the digest the tag
// points at now. cfg is the configuration the release snapshots, whose
// feed pk names.
func (s *Sources) Pin(ctx context.Context, cfg *config.Space, pk *config.Package, version string) (snapshot.PackageRef, error) {
	if version != "" {
		if _, err := names.CheckPackageVersion(version); err != nil {
			return snapshot.PackageRef{}, err
		}
	}
	c, err := s.Remote, error(nil)
	if pk.Feed != "" {
		f := cfg.Feed(pk.Feed)
		if f == nil {
			return snapshot.PackageRef{}, fmt.Errorf("package %q names feed %q, which the Space does not declare", pk.ID, pk.Feed)
		}
		c, err = s.feedClient(f)
	}
	if err != nil {
		return snapshot.PackageRef{}, err
	}
	if c == nil {
		return PinLocal(s.Cache, pk, version)
	}
	return resolveIn(ctx, c, pk.Feed, pk.ID, version)
}

// resolveIn finds package id at version in the registry c (feed names
// it, "" for the Space's store), or the highest version there when
// version is empty: what a release records of it, the version spelt as
// the registry's tag spells it.
func resolveIn(ctx context.Context, c *registry.Client, feed, id, version string) (snapshot.PackageRef, error) {
	if version == "" {
		var err error
		if version, err = latest(ctx, c, id); err != nil {
			return snapshot.PackageRef{}, err
		}
	}
	a, err := c.Resolve(ctx, id, version)
	if err != nil {
		return snapshot.PackageRef{}, err
	}
	version = strings.ReplaceAll(a.Tag, "_", "+")
	return snapshot.PackageRef{ID: id, Version: version, SHA256: a.SHA256(), Size: a.Blob.Size, Feed: feed, Digest: a.Manifest.Digest.String()}, nil
}

// PinLocal pins pk to version in the store in a directory st, or to the
// highest version there.
func PinLocal(st *store.Store, pk *config.Package, version string) (snapshot.PackageRef, error) {
	var (
		got store.Package
		err error
	)
	if version != "" {
		got, err = st.Get(pk.ID, version)
	} else {
		got, err = st.Latest(pk.ID)
	}
	if err != nil {
		return snapshot.PackageRef{}, err
	}
	return snapshot.PackageRef{ID: pk.ID, Version: got.Version, SHA256: got.SHA256, Size: got.Size}, nil
}

// latest is the highest version of package id among its repository's
// tags, ignoring tags that are not Semantic Versions.
func latest(ctx context.Context, c *registry.Client, id string) (string, error) {
	tags, err := c.Tags(ctx, id)
	if err != nil {
		return "", err
	}
	var best string
	var bestV semver.Version
	for _, t := range tags {
		v, err := semver.Parse(strings.ReplaceAll(t, "_", "+"))
		if err != nil {
			continue
		}
		if best == "" || semver.Compare(v, bestV) > 0 {
			best, bestV = v.String(), v
		}
	}
	if best == "" {
		return "", fmt.Errorf("%s has no version of %s: none of its %d tags is a Semantic Version: %w", c.Location(), id, len(tags), registry.ErrNotFound)
	}
	return best, nil
}

// IsNotFound says whether err is a package version that is not there.
func IsNotFound(err error) bool {
	return errors.Is(err, registry.ErrNotFound) || errors.Is(err, store.ErrNotFound)
}
