package registry

import (
	"context"
	"fmt"
	"net/http"
	"strings"

	"oras.land/oras-go/v2/registry"
	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/credentials"
	"oras.land/oras-go/v2/registry/remote/retry"
)

// A Location is a place in a registry: a host and the path under which
// each package is a repository.
type Location struct {
	Host      string // host[:port]
	Path      string // without leading or trailing slash; may be empty
	PlainHTTP bool   // HTTP instead of HTTPS
	// Name says what the location is to people, for errors: `feed "ghcr"`,
	// "the Space's store".
	Name string
}

func (l Location) String() string {
	scheme := "oci://"
	if l.PlainHTTP {
		scheme = "oci+http://"
	}
	if l.Path == "" {
		return scheme + l.Host
	}
	return scheme + l.Host + "/" + l.Path
}

// A Client talks to the registry of one Location.
type Client struct {
	loc  Location
	auth *auth.Client
}

// New returns a client for loc, with the credentials the Docker
// configuration holds for its host, if any.
func New(loc Location) (*Client, error) {
	store, err := credentials.NewStoreFromDocker(credentials.StoreOptions{})
	if err != nil {
		return nil, fmt.Errorf("%s: read the Docker configuration for credentials: %w", loc.Name, err)
	}
	return &Client{loc: loc, auth: &auth.Client{
		Client:     retry.NewClient(),
		Header:     http.Header{"User-Agent": {"zonectl"}},
		Cache:      auth.NewCache(),
		Credential: credentials.Credential(store),
	}}, nil
}

// Location is where the client points.
func (c *Client) Location() Location { return c.loc }

// RepositoryName is the repository of package id, without the host.
func (c *Client) RepositoryName(id string) string {
	if c.loc.Path == "" {
		return strings.ToLower(id)
	}
	return c.loc.Path + "/" + strings.ToLower(id)
}

// Tag is the tag of a package version: SemVer's "+" is not allowed in a
// tag, so it is spelled "_", as Helm does.
func Tag(version string) string { return strings.ReplaceAll(version, "+", "_") }

func (c *Client) repository(id string) (*remote.Repository, registry.Reference) {
	ref := registry.Reference{Registry: c.loc.Host, Repository: c.RepositoryName(id)}
	return c.repo(ref), ref
}

func (c *Client) repo(ref registry.Reference) *remote.Repository {
	return &remote.Repository{Reference: ref, Client: c.auth, PlainHTTP: c.loc.PlainHTTP}
}

// baseURL is the registry's scheme and host.
func (c *Client) baseURL() string {
	if c.loc.PlainHTTP {
		return "http://" + c.loc.Host
	}
	return "https://" + c.loc.Host
}

func (c *Client) do(ctx context.Context, req *http.Request) (*http.Response, error) {
	return c.auth.Do(req.WithContext(ctx))
}
