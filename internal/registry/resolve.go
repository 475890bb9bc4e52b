package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"

	"github.com/zonectl/zonectl/internal/semver"
)

// Media types of a package zonectl pushes.
const (
	ArtifactType   = "application/vnd.zonectl.package.v1"
	LayerMediaType = "application/vnd.zonectl.package.layer.v1"
)

// maxManifestSize bounds a manifest read into memory.
const maxManifestSize = 4 << 20

// docker's schema 2 manifest, which has the same shape as OCI's.
const dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"

// An Artifact is a package version in a registry.
type Artifact struct {
	Repository string             // host/path/id
	Tag        string             // the version as a tag
	Manifest   ocispec.Descriptor // what the tag pointed at when resolved
	Blob       ocispec.Descriptor // the one layer: the package's bytes
	// Annotations are the manifest's: who pushed, when, from which file.
	Annotations map[string]string
}

// SHA256 is the hex SHA-256 of the package's bytes.
func (a *Artifact) SHA256() string { return a.Blob.Digest.Encoded() }

// Resolve finds package id at version: the tag's manifest and its one
// layer. A tag moved later does not change what a caller recorded.
func (c *Client) Resolve(ctx context.Context, id, version string) (*Artifact, error) {
	what := fmt.Sprintf("resolve %s %s", id, version)
	tag, desc, err := c.resolveTag(ctx, id, version)
	if err != nil {
		return nil, c.fail(what, err)
	}
	a, err := c.artifact(ctx, id, desc)
	if err != nil {
		return nil, c.fail(what, err)
	}
	a.Tag = tag
	return a, nil
}

// resolveTag finds the tag of package id that names version: its own
// spelling, else a tag of the same version spelt otherwise (in another
// case, or with other build metadata), which the package store takes for
// the same version too.
func (c *Client) resolveTag(ctx context.Context, id, version string) (string, ocispec.Descriptor, error) {
	repo, ref := c.repository(id)
	desc, err := repo.Resolve(ctx, Tag(version))
	if !errors.Is(err, ErrNotFound) {
		return Tag(version), desc, err
	}
	tags, terr := c.Tags(ctx, id)
	if terr != nil {
		return "", desc, terr
	}
	for _, t := range tags {
		if t != Tag(version) && SameVersion(t, version) {
			desc, err := repo.Resolve(ctx, t)
			return t, desc, err
		}
	}
	return "", desc, fmt.Errorf("%s has no tag %q: %w", ref, Tag(version), ErrNotFound)
}

// SameVersion reports whether tag names version: the same Semantic
// Version without build metadata, in any case, as the package store
// matches versions. A tag that is no Semantic Version names only itself.
func SameVersion(tag, version string) bool {
	a, err1 := semver.Parse(strings.ReplaceAll(tag, "_", "+"))
	b, err2 := semver.Parse(version)
	if err1 != nil || err2 != nil {
		return tag == Tag(version)
	}
	a.Build, b.Build = nil, nil
	return strings.EqualFold(a.String(), b.String())
}

// ResolveDigest reads the manifest a release recorded, by its digest.
func (c *Client) ResolveDigest(ctx context.Context, id string, manifest digest.Digest) (*Artifact, error) {
	repo, _ := c.repository(id)
	desc, err := repo.Resolve(ctx, manifest.String())
	if err != nil {
		return nil, c.fail(fmt.Sprintf("resolve %s %s", id, manifest), err)
	}
	a, err := c.artifact(ctx, id, desc)
	return a, c.fail(fmt.Sprintf("resolve %s %s", id, manifest), err)
}

// artifact reads the manifest desc describes and finds its one layer.
func (c *Client) artifact(ctx context.Context, id string, desc ocispec.Descriptor) (*Artifact, error) {
	repo, ref := c.repository(id)
	switch desc.MediaType {
	case ocispec.MediaTypeImageManifest, dockerManifest:
	case ocispec.MediaTypeImageIndex, "application/vnd.docker.distribution.manifest.list.v2+json":
		return nil, fmt.Errorf("%s@%s is an index of several manifests (an image for several platforms); a package is an artifact of one layer", ref, desc.Digest)
	default:
		return nil, fmt.Errorf("%s@%s is a %q, not an OCI manifest", ref, desc.Digest, desc.MediaType)
	}
	if desc.Size > maxManifestSize {
		return nil, fmt.Errorf("%s@%s: the manifest is %d bytes; at most %d are read", ref, desc.Digest, desc.Size, maxManifestSize)
	}
	rc, err := repo.Manifests().Fetch(ctx, desc)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	data, err := content.ReadAll(rc, desc) // checks size and digest
	if err != nil {
		return nil, fmt.Errorf("%s@%s: %w", ref, desc.Digest, err)
	}
	var m ocispec.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s@%s: malformed manifest: %w", ref, desc.Digest, err)
	}
	if len(m.Layers) != 1 {
		return nil, fmt.Errorf("%s@%s has %d layers; a package is an artifact of exactly one (a Helm chart, a file pushed with oras, or `zonectl package push`)", ref, desc.Digest, len(m.Layers))
	}
	blob := m.Layers[0]
	if blob.Digest.Algorithm() != digest.SHA256 || blob.Digest.Validate() != nil || blob.Size < 0 {
		return nil, fmt.Errorf("%s@%s: its layer's digest %q is not a SHA-256, which zonectl records", ref, desc.Digest, blob.Digest)
	}
	return &Artifact{Repository: ref.String(), Manifest: desc, Blob: blob, Annotations: m.Annotations}, nil
}
