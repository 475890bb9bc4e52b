package feeds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/zonectl/zonectl/internal/ctxio"
	"github.com/zonectl/zonectl/internal/names"
	"github.com/zonectl/zonectl/internal/registry"
	"github.com/zonectl/zonectl/internal/semver"
	"github.com/zonectl/zonectl/internal/store"
)

// Annotations a package pushed by zonectl carries on its manifest.
const (
	annotationID       = "dev.zonectl.package.id"
	annotationPushedBy = "dev.zonectl.package.pushed-by"
)

// Push stores the bytes r reads as a package version: in the store's
// directory, or on the registry when the Space's store is there, where
// any clone or CI runner finds it. A file pushed to a registry is hashed
// while it uploads, and the upload is closed with the digest; it is not
// copied into this clone's cache, which fetches what it needs by digest
// when it needs it.
func (s *Sources) Push(ctx context.Context, r io.Reader, opts store.PushOptions) (store.Package, bool, error) {
	f, isFile := r.(*os.File)
	if s.Remote == nil || !isFile {
		pkg, existed, err := s.Cache.Push(ctx, r, opts)
		if err != nil || s.Remote == nil {
			return pkg, existed, err
		}
		if _, existed, err = s.publish(ctx, s.Remote, pkg, opts.Progress); err != nil {
			return store.Package{}, false, err
		}
		return pkg, existed, nil
	}
	info, err := f.Stat()
	if err != nil {
		return store.Package{}, false, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type hashed struct {
		pkg store.Package
		err error
	}
	done := make(chan hashed, 1)
	go func() {
		h := sha256.New()
		n, err := io.CopyBuffer(h, ctxio.NewReader(ctx, io.NewSectionReader(f, 0, info.Size())), make([]byte, 1<<20))
		done <- hashed{store.Package{ID: opts.ID, Version: opts.Version, SHA256: hex.EncodeToString(h.Sum(nil)), Size: n,
			PushedAt: opts.Now.UTC().Truncate(time.Second), PushedBy: opts.PushedBy, FileName: opts.FileName}, err}
	}()
	wait := sync.OnceValue(func() hashed { return <-done })
	sum := func() (string, error) {
		c := wait()
		return c.pkg.SHA256, c.err
	}
	pkg := store.Package{ID: opts.ID, Version: opts.Version, FileName: opts.FileName, PushedAt: opts.Now, PushedBy: opts.PushedBy}
	a, existed, err := s.Remote.PushHashing(ctx, opts.ID, opts.Version, f, info.Size(), sum,
		registry.PushOptions{FileName: opts.FileName, Annotations: annotations(pkg), Progress: opts.Progress})
	if err != nil {
		cancel()
	}
	c := wait()
	switch {
	case err != nil:
		return store.Package{}, false, err
	case existed:
		// As first pushed: its spelling, when and by whom.
		return fromArtifact(opts.ID, strings.ReplaceAll(a.Tag, "_", "+"), a), true, c.err
	}
	return c.pkg, false, c.err
}

// Publish puts package pkg, whose bytes are in the cache, on the
// registry of feed (the Space's store for ""), for deployments in this
// zone to pull from there. mountFrom names repositories (host/path/id)
// that hold the bytes already: a registry that has them mounts them
// rather than take them again.
func (s *Sources) Publish(ctx context.Context, feed string, pkg store.Package, progress func(int64), mountFrom ...string) (*registry.Artifact, bool, error) {
	c, err := s.client(feed)
	if err != nil {
		return nil, false, err
	}
	if c == nil {
		return nil, false, fmt.Errorf("publish %s %s: no registry to publish to (declare a feed, or a store block)", pkg.ID, pkg.Version)
	}
	return s.publish(ctx, c, pkg, progress, mountFrom...)
}

func (s *Sources) publish(ctx context.Context, c *registry.Client, pkg store.Package, progress func(int64), mountFrom ...string) (*registry.Artifact, bool, error) {
	path, err := s.Cache.BlobPath(pkg.SHA256)
	if err != nil {
		return nil, false, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	return c.Push(ctx, pkg.ID, pkg.Version, f, pkg.SHA256, pkg.Size, registry.PushOptions{FileName: pkg.FileName, Annotations: annotations(pkg), Progress: progress, MountFrom: mountFrom})
}

// annotations are what a package's manifest says of it beside its bytes.
func annotations(pkg store.Package) map[string]string {
	ann := map[string]string{
		"org.opencontainers.image.version": pkg.Version,
		annotationID:                       pkg.ID,
	}
	if !pkg.PushedAt.IsZero() {
		ann["org.opencontainers.image.created"] = pkg.PushedAt.UTC().Format(time.RFC3339)
	}
	if pkg.PushedBy != "" {
		ann[annotationPushedBy] = pkg.PushedBy
	}
	return ann
}

// List is every package version in the store, newest first within an
// ID as store.List gives them; with the store on a registry, from there.
func (s *Sources) List(ctx context.Context) ([]store.Package, error) {
	if s.Remote == nil {
		return s.Cache.List()
	}
	ids, err := s.Remote.Packages(ctx)
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	var all []store.Package
	for _, id := range ids {
		pkgs, err := s.Versions(ctx, id)
		if err != nil {
			return nil, err
		}
		all = append(all, pkgs...)
	}
	return all, nil
}

// Versions lists the versions of package id, newest first.
func (s *Sources) Versions(ctx context.Context, id string) ([]store.Package, error) {
	if s.Remote == nil {
		return s.Cache.Versions(id)
	}
	tags, err := s.Remote.Tags(ctx, id)
	if err != nil {
		return nil, err
	}
	var out []store.Package
	for _, t := range tags {
		version := strings.ReplaceAll(t, "_", "+")
		if _, err := semver.Parse(version); err != nil {
			continue
		}
		a, err := s.Remote.Resolve(ctx, id, version)
		if err != nil {
			return nil, err
		}
		out = append(out, fromArtifact(id, version, a))
	}
	slices.SortFunc(out, func(a, b store.Package) int {
		va, _ := semver.Parse(a.Version)
		vb, _ := semver.Parse(b.Version)
		return semver.Compare(vb, va)
	})
	return out, nil
}

// fromArtifact is what the package store says of an artifact. What its
// annotations say comes from the registry: the ID and version only when
// they are the same package version spelt otherwise, the rest only when
// printable.
func fromArtifact(id, version string, a *registry.Artifact) store.Package {
	p := store.Package{ID: id, Version: version, SHA256: a.SHA256(), Size: a.Blob.Size, PushedBy: printable(a.Annotations[annotationPushedBy])}
	if v := a.Annotations[annotationID]; strings.EqualFold(v, id) && names.CheckPackageID(v) == nil {
		p.ID = v
	}
	if v := a.Annotations["org.opencontainers.image.version"]; registry.SameVersion(registry.Tag(v), version) {
		if _, err := names.CheckPackageVersion(v); err == nil {
			p.Version = v
		}
	}
	if t, err := time.Parse(time.RFC3339, a.Annotations["org.opencontainers.image.created"]); err == nil {
		p.PushedAt = t
	}
	if a.Blob.Annotations != nil {
		p.FileName = printable(a.Blob.Annotations["org.opencontainers.image.title"])
	}
	return p
}

// printable is s when it holds no control or bidi-override characters
// (a registry's text reaches terminals), else "".
func printable(s string) string {
	for _, r := range s {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return ""
		}
	}
	return s
}
