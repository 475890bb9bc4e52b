package feeds

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"

	"github.com/zonectl/zonectl/internal/meter"
	"github.com/zonectl/zonectl/internal/refusal"
	"github.com/zonectl/zonectl/internal/registry"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

// Ensure makes the bytes of ref present in the cache: there already, or
// fetched by digest and verified against the SHA-256 and size ref records
// before they take their name. They are looked for in the feed ref names
// when this Space declares it, then in the Space's store on a registry
// (where import publishes what it receives): a release imported from
// another Space names that Space's feeds. Bytes that are in no registry
// (the store in a directory) are left for the caller to find missing,
// as before.
func (s *Sources) Ensure(ctx context.Context, ref snapshot.PackageRef) error {
	if s.Cache.Has(ref.SHA256) {
		return nil
	}
	var tried []string
	for _, c := range s.candidates(ref.Feed) {
		err := s.fetch(ctx, c, ref)
		if err == nil || !errors.Is(err, registry.ErrNotFound) {
			return err
		}
		tried = append(tried, c.Location().String())
	}
	if len(tried) == 0 {
		return nil
	}
	return fmt.Errorf("package %s %s (sha256 %s) is in none of %s: %w", ref.ID, ref.Version, ref.SHA256, strings.Join(tried, ", "), registry.ErrNotFound)
}

// candidates are the registries that may hold a package from feed.
func (s *Sources) candidates(feed string) []*registry.Client {
	var out []*registry.Client
	if f, ok := s.feeds[strings.ToLower(feed)]; ok && feed != "" {
		if c, err := s.feedClient(f); err == nil {
			out = append(out, c)
		}
	}
	if s.Remote != nil {
		out = append(out, s.Remote)
	}
	return out
}

// fetch copies ref's bytes from c into the cache.
func (s *Sources) fetch(ctx context.Context, c *registry.Client, ref snapshot.PackageRef) error {
	blob := ocispec.Descriptor{MediaType: registry.LayerMediaType, Digest: digest.NewDigestFromEncoded(digest.SHA256, ref.SHA256), Size: ref.Size}
	rc, err := c.Fetch(ctx, ref.ID, blob)
	if err != nil {
		return err
	}
	defer rc.Close()
	r := &meter.Reader{R: rc, Add: s.Progress.Step(fmt.Sprintf("fetch %s %s", ref.ID, ref.Version), ref.Size)}
	err = s.Cache.PutBlob(ctx, r, ref.SHA256, ref.Size)
	var bad *store.IntegrityError
	if errors.As(err, &bad) {
		// The registry served other bytes than the release pinned: a
		// verification failure, not a transfer's.
		return refusal.Wrap(fmt.Sprintf("package %s %s from %s", ref.ID, ref.Version, c.Location()),
			"its bytes do not hash to the digest the release records", err)
	}
	if err != nil {
		return fmt.Errorf("fetch %s %s from %s: %w", ref.ID, ref.Version, c.Location(), err)
	}
	return nil
}

// EnsureAll is Ensure for each of refs.
func (s *Sources) EnsureAll(ctx context.Context, refs []snapshot.PackageRef) error {
	for _, ref := range refs {
		if err := s.Ensure(ctx, ref); err != nil {
			return err
		}
	}
	return nil
}

// Pull fetches package id at version (the highest there is when empty)
// from feed, or from the Space's store on a registry when feed is empty,
// into the cache: the packages arrive before deployment day.
func (s *Sources) Pull(ctx context.Context, feed, id, version string) (snapshot.PackageRef, error) {
	c, err := s.client(feed)
	if err != nil {
		return snapshot.PackageRef{}, err
	}
	if c == nil {
		return snapshot.PackageRef{}, fmt.Errorf("the package store is the directory %s, which has nothing to pull from: name a feed with --feed, or keep the store on a registry (a store block)", s.Cache.Dir())
	}
	ref, err := resolveIn(ctx, c, feed, id, version)
	if err != nil || s.Cache.Has(ref.SHA256) {
		return ref, err
	}
	return ref, s.fetch(ctx, c, ref)
}
