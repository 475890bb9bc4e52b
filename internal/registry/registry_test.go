package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/registrytest"
)

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// client points at reg under path, with reg's credentials and CA in the
// environment, as a zonectl process would have them.
func client(t *testing.T, reg *registrytest.Registry, path string) *Client {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", reg.DockerConfig)
	if reg.DockerConfig == "" {
		t.Setenv("DOCKER_CONFIG", t.TempDir()) // none: not the user's own
	}
	if reg.CAFile != "" {
		t.Setenv("SSL_CERT_FILE", reg.CAFile)
	}
	c, err := New(Location{Host: reg.Host, Path: path, PlainHTTP: reg.PlainHTTP, Name: "feed \"test\""})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// roundTrip pushes a package, resolves it, fetches it and checks the
// bytes; chunk is the upload chunk size for the test.
func roundTrip(t *testing.T, c *Client, data []byte) {
	t.Helper()
	ctx := context.Background()
	var last int64
	a, existed, err := c.Push(ctx, "Acme-Web", "1.4.0+build.7", bytes.NewReader(data), sum(data), int64(len(data)),
		PushOptions{FileName: "web.tar.gz", Progress: func(n int64) { last = n }})
	if err != nil || existed {
		t.Fatalf("push: %v (existed %v)", err, existed)
	}
	if last != int64(len(data)) {
		t.Errorf("progress ended at %d of %d", last, len(data))
	}
	if a.Tag != "1.4.0_build.7" || !strings.HasSuffix(a.Repository, "/acme-web") {
		t.Errorf("pushed as %s:%s", a.Repository, a.Tag)
	}
	got, err := c.Resolve(ctx, "acme-web", "1.4.0+build.7")
	if err != nil {
		t.Fatal(err)
	}
	if got.SHA256() != sum(data) || got.Blob.Size != int64(len(data)) || got.Manifest.Digest != a.Manifest.Digest {
		t.Errorf("resolved %+v, pushed %+v", got, a)
	}
	rc, err := c.Fetch(ctx, "acme-web", got.Blob)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	back, err := io.ReadAll(rc)
	if err != nil || !bytes.Equal(back, data) {
		t.Fatalf("fetched %d bytes (%v), pushed %d", len(back), err, len(data))
	}
	// The same bytes again: a no-op. Other bytes: refused.
	if _, existed, err := c.Push(ctx, "acme-web", "1.4.0+build.7", bytes.NewReader(data), sum(data), int64(len(data)), PushOptions{}); err != nil || !existed {
		t.Errorf("second push: existed %v, %v", existed, err)
	}
	other := append(bytes.Clone(data), 'x')
	_, _, err = c.Push(ctx, "acme-web", "1.4.0+build.7", bytes.NewReader(other), sum(other), int64(len(other)), PushOptions{})
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Have != sum(data) {
		t.Errorf("push of other bytes: %v", err)
	}
	if tags, err := c.Tags(ctx, "acme-web"); err != nil || len(tags) != 1 || tags[0] != "1.4.0_build.7" {
		t.Errorf("tags %q, %v", tags, err)
	}
	if ids, err := c.Packages(ctx); err != nil || len(ids) != 1 || ids[0] != "acme-web" {
		t.Errorf("packages %q, %v", ids, err)
	}
}

func TestPlainHTTP(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{})
	// More than one chunk, and not a whole number of them.
	data := bytes.Repeat([]byte("0123456789abcdef"), (chunkSize+12345)/16)
	roundTrip(t, client(t, reg, "team/packages"), data)
}

func TestBasicAuth(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{User: "ci", Password: "s3cret"})
	roundTrip(t, client(t, reg, "acme"), []byte("web package bytes\n"))

	// No credentials, then wrong ones: a clear error with the fix.
	anon := client(t, &registrytest.Registry{Host: reg.Host, PlainHTTP: true}, "acme")
	_, err := anon.Resolve(context.Background(), "acme-web", "1.4.0+build.7")
	wantError(t, err, "credential", "none are configured for "+reg.Host, "docker login "+reg.Host)

	wrong := t.TempDir()
	os.WriteFile(wrong+"/config.json", []byte(`{"auths":{"`+reg.Host+`":{"auth":"Y2k6d3Jvbmc="}}}`), 0o600) // ci:wrong
	t.Setenv("DOCKER_CONFIG", wrong)
	c, err := New(Location{Host: reg.Host, Path: "acme", PlainHTTP: true, Name: "feed \"test\""})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Resolve(context.Background(), "acme-web", "1.4.0+build.7")
	wantError(t, err, "401", "not taken", "docker login "+reg.Host)
}

// Credentials from a credential helper, as docker login writes them for
// a cloud registry: docker-credential-NAME on the PATH, asked with the
// registry's host on stdin.
func TestCredentialHelper(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{User: "ci", Password: "from-the-helper"})
	bin := t.TempDir()
	helper := "#!/bin/sh\n[ \"$1\" = get ] || exit 1\nread host\n[ \"$host\" = \"" + reg.Host + "\" ] || { echo \"credentials not found in native keychain\"; exit 1; }\n" +
		"echo '{\"ServerURL\":\"'$host'\",\"Username\":\"ci\",\"Secret\":\"from-the-helper\"}'\n"
	if err := os.WriteFile(bin+"/docker-credential-zonectltest", []byte(helper), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	cfg := t.TempDir()
	if err := os.WriteFile(cfg+"/config.json", []byte(`{"credHelpers":{"`+reg.Host+`":"zonectltest"}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DOCKER_CONFIG", cfg)
	c, err := New(Location{Host: reg.Host, Path: "acme", PlainHTTP: true, Name: "feed \"test\""})
	if err != nil {
		t.Fatal(err)
	}
	roundTrip(t, c, []byte("bytes behind a helper\n"))
}

func TestTLS(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{TLS: true, User: "ci", Password: "s3cret"})
	// An untrusted CA is tested end to end (cmd/zonectl), in a process
	// of its own: Go reads the system's roots once per process.
	roundTrip(t, client(t, reg, ""), []byte("web package bytes\n"))
}

func TestNotThere(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{})
	c := client(t, reg, "acme")
	_, err := c.Resolve(context.Background(), "acme-web", "9.9.9")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("missing tag: %v", err)
	}
	wantError(t, err, `no tag "9.9.9"`)
	reg.Stop()
	_, err = c.Resolve(context.Background(), "acme-web", "1.0.0")
	wantError(t, err, "connection refused", "cannot be reached")
}

func wantError(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", want)
	}
	text := err.Error()
	var e *Error
	if errors.As(err, &e) {
		text += " hint: " + e.Hint
	}
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("error %q does not mention %q", text, w)
		}
	}
}

// A blob another repository of the registry holds is mounted, not sent
// again: the source of the second push cannot even be read.
func TestMount(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{User: "ci", Password: "s3cret"})
	data := []byte("mounted package bytes\n")
	a := client(t, reg, "store")
	first, _, err := a.Push(context.Background(), "web", "1.0.0", bytes.NewReader(data), sum(data), int64(len(data)), PushOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b := client(t, reg, "deploy")
	var done int64
	got, _, err := b.Push(context.Background(), "web", "1.0.0", unreadable{}, sum(data), int64(len(data)),
		PushOptions{MountFrom: []string{first.Repository}, Progress: func(n int64) { done = n }})
	if err != nil {
		t.Fatalf("push with a mount: %v", err)
	}
	if got.SHA256() != sum(data) || done != int64(len(data)) {
		t.Errorf("mounted %s, progress %d", got.SHA256(), done)
	}
	rc, err := b.Fetch(context.Background(), "web", got.Blob)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(back, data) {
		t.Errorf("the mounted blob reads %q", back)
	}
	// Without a repository to mount from, the push must read the bytes.
	if _, _, err := b.Push(context.Background(), "api", "1.0.0", unreadable{}, sum(data), int64(len(data)), PushOptions{}); err == nil {
		t.Error("a push with nothing to mount from and nothing to read succeeded")
	}
}

type unreadable struct{}

func (unreadable) ReadAt([]byte, int64) (int, error) { return 0, errors.New("the bytes were read") }

// A version is the same in any case and whatever its build metadata, as
// the package store matches versions: other bytes under another spelling
// of a version the registry holds are refused, the same bytes are a
// no-op, and resolving any spelling finds it.
func TestVersionsMatchAsInTheStore(t *testing.T) {
	reg := registrytest.Start(t, registrytest.Options{})
	c := client(t, reg, "acme")
	ctx := context.Background()
	a, b := []byte("bytes a"), []byte("bytes b")
	pushAs := func(version string, data []byte) (bool, error) {
		_, existed, err := c.Push(ctx, "web", version, bytes.NewReader(data), sum(data), int64(len(data)), PushOptions{})
		return existed, err
	}
	if _, err := pushAs("1.4.0+b1", a); err != nil {
		t.Fatal(err)
	}
	var conflict *ConflictError
	if _, err := pushAs("1.4.0+b2", b); !errors.As(err, &conflict) {
		t.Errorf("other bytes as 1.4.0+b2: %v", err)
	}
	if existed, err := pushAs("1.4.0+b2", a); err != nil || !existed {
		t.Errorf("the same bytes as 1.4.0+b2: existed %v, %v", existed, err)
	}
	if got, err := c.Resolve(ctx, "web", "1.4.0"); err != nil || got.Tag != "1.4.0_b1" || got.SHA256() != sum(a) {
		t.Errorf("resolve 1.4.0: %+v, %v", got, err)
	}
	if _, err := pushAs("2.0.0-RC.1", a); err != nil {
		t.Fatal(err)
	}
	if _, err := pushAs("2.0.0-rc.1", b); !errors.As(err, &conflict) {
		t.Errorf("other bytes as 2.0.0-rc.1: %v", err)
	}
}
