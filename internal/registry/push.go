package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	"github.com/opencontainers/image-spec/specs-go"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/content"
	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// PushOptions say what Push records beside the bytes.
type PushOptions struct {
	FileName    string            // the layer's title
	Annotations map[string]string // on the manifest
	// MountFrom names repositories of the same registry (host/path/id or
	// path/id) that may hold the blob already: it is mounted from them,
	// not uploaded again, when the registry allows it.
	MountFrom []string
	// Progress, if set, is told how many of the bytes the registry has.
	Progress func(done int64)
}

// A ConflictError is a push of other bytes under a version the registry
// already holds: an ID and version always mean the same bytes.
type ConflictError struct {
	Repository, Tag string
	Have, Pushed    string // hex SHA-256s
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("%s:%s already holds other bytes (sha256 %s; these are sha256 %s)", e.Repository, e.Tag, e.Have, e.Pushed)
}

// Push makes the size bytes of src, whose SHA-256 is sum, package id at
// version: the blob (uploaded in chunks, or mounted, or found there),
// an empty config, and a manifest tagged with the version. Pushing the
// same bytes again is a no-op that returns existed; other bytes are a
// *ConflictError and change nothing.
func (c *Client) Push(ctx context.Context, id, version string, src io.ReaderAt, sum string, size int64, opts PushOptions) (a *Artifact, existed bool, err error) {
	what := fmt.Sprintf("push %s %s", id, version)
	have, err := c.holding(ctx, id, version)
	switch {
	case err != nil:
		return nil, false, err
	case have != nil:
		a, err := sameBytes(have, sum)
		return a, err == nil, err
	}
	blob := layer(sum, size, opts.FileName)
	_, ref := c.repository(id)
	ctx = auth.AppendRepositoryScope(ctx, ref, auth.ActionPull, auth.ActionPush)
	if err := c.ensureBlob(ctx, ref, blob, src, opts); err != nil {
		return nil, false, c.fail(what, err)
	}
	a, err = c.tagPackage(ctx, id, version, blob, opts)
	return a, false, c.fail(what, err)
}

// PushHashing is Push for bytes whose SHA-256 is being computed while
// they upload, so that hashing adds no time to the push: sum is called
// once the bytes are sent (or to compare with a version already there),
// and says what they hash to (or why it could not tell, which drops the
// upload).
func (c *Client) PushHashing(ctx context.Context, id, version string, src io.ReaderAt, size int64, sum func() (string, error), opts PushOptions) (a *Artifact, existed bool, err error) {
	what := fmt.Sprintf("push %s %s", id, version)
	have, err := c.holding(ctx, id, version)
	switch {
	case err != nil:
		return nil, false, err
	case have != nil:
		got, err := sum()
		if err != nil {
			return nil, false, err
		}
		a, err := sameBytes(have, got)
		return a, err == nil, err
	}
	_, ref := c.repository(id)
	ctx = auth.AppendRepositoryScope(ctx, ref, auth.ActionPull, auth.ActionPush)
	loc, err := c.send(ctx, ref, src, size, opts.Progress)
	if err != nil {
		return nil, false, c.fail(what, err)
	}
	got, err := sum()
	if err != nil {
		c.cancelUpload(loc)
		return nil, false, err
	}
	blob := layer(got, size, opts.FileName)
	if err := c.finishUpload(ctx, loc, blob.Digest); err != nil {
		c.cancelUpload(loc)
		return nil, false, c.fail(what, err)
	}
	a, err = c.tagPackage(ctx, id, version, blob, opts)
	return a, false, c.fail(what, err)
}

// layer describes a package's bytes as the one layer of its artifact.
func layer(sum string, size int64, fileName string) ocispec.Descriptor {
	blob := ocispec.Descriptor{MediaType: LayerMediaType, Digest: digest.NewDigestFromEncoded(digest.SHA256, sum), Size: size}
	if fileName != "" {
		blob.Annotations = map[string]string{ocispec.AnnotationTitle: fileName}
	}
	return blob
}

// tagPackage pushes the empty config and the manifest of package id,
// whose blob its repository holds, tagged with its version.
func (c *Client) tagPackage(ctx context.Context, id, version string, blob ocispec.Descriptor, opts PushOptions) (*Artifact, error) {
	repo, ref := c.repository(id)
	empty := ocispec.DescriptorEmptyJSON
	if ok, err := repo.Blobs().Exists(ctx, empty); err != nil {
		return nil, err
	} else if !ok {
		if err := repo.Blobs().Push(ctx, empty, bytes.NewReader(empty.Data)); err != nil {
			return nil, err
		}
	}
	m := ocispec.Manifest{
		Versioned:    specs.Versioned{SchemaVersion: 2},
		MediaType:    ocispec.MediaTypeImageManifest,
		ArtifactType: ArtifactType,
		Config:       ocispec.Descriptor{MediaType: empty.MediaType, Digest: empty.Digest, Size: empty.Size},
		Layers:       []ocispec.Descriptor{blob},
		Annotations:  opts.Annotations,
	}
	data, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	desc := content.NewDescriptorFromBytes(ocispec.MediaTypeImageManifest, data)
	// A registry has no compare-and-swap on tags: look again right before
	// and right after tagging, so that of two pushes of other bytes at
	// once, the one whose tag does not stand is told so.
	if err := c.stillFree(ctx, id, version, blob); err != nil {
		return nil, err
	}
	if err := repo.PushReference(ctx, desc, bytes.NewReader(data), Tag(version)); err != nil {
		return nil, err
	}
	if err := c.stillFree(ctx, id, version, blob); err != nil {
		return nil, err
	}
	return &Artifact{Repository: ref.String(), Tag: Tag(version), Manifest: desc, Blob: blob, Annotations: opts.Annotations}, nil
}

// stillFree checks that version of package id names no other bytes than
// blob.
func (c *Client) stillFree(ctx context.Context, id, version string, blob ocispec.Descriptor) error {
	have, err := c.holding(ctx, id, version)
	if err != nil || have == nil {
		return err
	}
	_, err = sameBytes(have, blob.Digest.Encoded())
	return err
}

// holding is what version of package id already is on the registry, or
// nil when the version is free.
func (c *Client) holding(ctx context.Context, id, version string) (*Artifact, error) {
	have, err := c.Resolve(ctx, id, version)
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return have, err
}

// sameBytes is have when it holds the bytes whose SHA-256 is sum: a
// version, once pushed, always means the same bytes, so other bytes are a
// *ConflictError.
func sameBytes(have *Artifact, sum string) (*Artifact, error) {
	if have.SHA256() != sum {
		return nil, &ConflictError{Repository: have.Repository, Tag: have.Tag, Have: have.SHA256(), Pushed: sum}
	}
	return have, nil
}

// ensureBlob makes the repository hold blob: already there, mounted from
// another repository, or uploaded from src.
func (c *Client) ensureBlob(ctx context.Context, ref registry.Reference, blob ocispec.Descriptor, src io.ReaderAt, opts PushOptions) error {
	repo := c.repo(ref)
	if ok, err := repo.Blobs().Exists(ctx, blob); err != nil || ok {
		if ok && opts.Progress != nil {
			opts.Progress(blob.Size)
		}
		return err
	}
	for _, from := range opts.MountFrom {
		from = c.relative(from)
		if from == "" || from == ref.Repository {
			continue
		}
		fromCtx := auth.AppendRepositoryScope(ctx, registry.Reference{Registry: ref.Registry, Repository: from}, auth.ActionPull)
		mounted, err := c.mount(fromCtx, ref, blob.Digest, from)
		if err != nil {
			return err
		}
		if mounted {
			if opts.Progress != nil {
				opts.Progress(blob.Size)
			}
			return nil
		}
	}
	return c.upload(ctx, ref, blob, src, opts.Progress)
}

// relative is a repository name without this registry's host, or "" for
// one on another registry.
func (c *Client) relative(repo string) string {
	host := c.loc.Host + "/"
	if len(repo) > len(host) && repo[:len(host)] == host {
		return repo[len(host):]
	}
	for i := 0; i < len(repo); i++ {
		if repo[i] == '/' {
			first := repo[:i]
			if strings.ContainsAny(first, ".:") || first == "localhost" {
				return "" // another registry's host
			}
			break
		}
	}
	return repo
}

// backoff waits before attempt n (from 1), or until ctx ends.
func backoff(ctx context.Context, n int) error {
	select {
	case <-time.After(time.Duration(n*n) * 100 * time.Millisecond):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
