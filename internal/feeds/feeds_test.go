package feeds

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/hcl/config"
	"github.com/zonectl/zonectl/internal/registry"
	"github.com/zonectl/zonectl/internal/registrytest"
	"github.com/zonectl/zonectl/internal/snapshot"
	"github.com/zonectl/zonectl/internal/store"
)

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// setup starts a registry and returns sources whose store is on it under
// "store", with a feed "team" under "team".
func setup(t *testing.T) (*Sources, *config.Space, *registrytest.Registry) {
	t.Helper()
	reg := registrytest.Start(t, registrytest.Options{})
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	cache, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Space{Feeds: []*config.Feed{{Name: "team", Type: "oci", Host: reg.Host, Path: "team", PlainHTTP: true}}}
	srcs, err := New(cache, cfg, &registry.Location{Host: reg.Host, Path: "store", PlainHTTP: true, Name: "the Space's store"})
	if err != nil {
		t.Fatal(err)
	}
	return srcs, cfg, reg
}

func push(t *testing.T, c *registry.Client, id, version string, data []byte) {
	t.Helper()
	if _, _, err := c.Push(context.Background(), id, version, bytes.NewReader(data), sum(data), int64(len(data)), registry.PushOptions{}); err != nil {
		t.Fatal(err)
	}
}

// With no version asked for, the highest Semantic Version among the tags
// is pinned, pre-releases included, other tags ignored; the digest the tag
// points at is recorded.
func TestPinLatest(t *testing.T) {
	srcs, cfg, _ := setup(t)
	feed, err := srcs.client("team")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"1.0.0", "1.10.0", "1.9.0", "2.0.0-rc.1", "latest"} {
		push(t, feed, "web", v, []byte("web "+v))
	}
	pk := &config.Package{ID: "web", Feed: "team"}
	ref, err := srcs.Pin(context.Background(), cfg, pk, "")
	if err != nil {
		t.Fatal(err)
	}
	if ref.Version != "2.0.0-rc.1" || ref.SHA256 != sum([]byte("web 2.0.0-rc.1")) || ref.Feed != "team" || !strings.HasPrefix(ref.Digest, "sha256:") {
		t.Errorf("pinned %+v", ref)
	}
	if ref, err = srcs.Pin(context.Background(), cfg, pk, "1.9.0"); err != nil || ref.SHA256 != sum([]byte("web 1.9.0")) {
		t.Errorf("pinned %+v, %v", ref, err)
	}
	if _, err = srcs.Pin(context.Background(), cfg, pk, "3.0.0"); !IsNotFound(err) {
		t.Errorf("a missing version: %v", err)
	}
}

// A release imported from another Space names that Space's feed; its
// bytes are found in this Space's store, where import published them.
func TestEnsureLooksInTheStore(t *testing.T) {
	srcs, _, _ := setup(t)
	data := []byte("published by import")
	push(t, srcs.Remote, "web", "1.0.0", data)
	ref := snapshot.PackageRef{ID: "web", Version: "1.0.0", SHA256: sum(data), Size: int64(len(data)), Feed: "their-feed"}
	if err := srcs.Ensure(context.Background(), ref); err != nil {
		t.Fatal(err)
	}
	if !srcs.Cache.Has(ref.SHA256) {
		t.Error("the bytes are not in the cache")
	}
	missing := snapshot.PackageRef{ID: "api", Version: "1.0.0", SHA256: sum([]byte("nowhere")), Size: 7, Feed: "team"}
	err := srcs.Ensure(context.Background(), missing)
	if !errors.Is(err, registry.ErrNotFound) || !strings.Contains(err.Error(), "/team") || !strings.Contains(err.Error(), "/store") {
		t.Errorf("bytes in no registry: %v", err)
	}
}

func TestRemoteStore(t *testing.T) {
	for _, tc := range []struct {
		env   string
		store *config.StoreBlock
		want  string
		err   string
	}{
		{env: "oci://registry.example.com/acme", want: "oci://registry.example.com/acme"},
		{env: "oci+http://127.0.0.1:5000/acme", want: "oci+http://127.0.0.1:5000/acme"},
		{env: "oci://user:pw@registry.example.com/acme", err: "credentials"},
		{env: "/srv/store", store: &config.StoreBlock{Host: "r.example.com", Path: "x"}, want: ""},
		{store: &config.StoreBlock{Host: "r.example.com", Path: "x"}, want: "oci://r.example.com/x"},
		{want: ""},
	} {
		loc, err := RemoteStore(&config.Space{Store: tc.store}, tc.env)
		got := ""
		if loc != nil {
			got = loc.String()
		}
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%q: error %v, want one mentioning %q", tc.env, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("%q: %q, %v; want %q", tc.env, got, err, tc.want)
		}
	}
}
