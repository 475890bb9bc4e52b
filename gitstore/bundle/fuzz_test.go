package bundle

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
)

// FuzzReadHeader: ReadHeader never panics, fails only with *HeaderError,
// and a header it reads writes back to bytes that read to the same header.
func FuzzReadHeader(f *testing.F) {
	for _, s := range []string{
		"# v2 git bundle\n" + idA + " refs/heads/main\n\n",
		"# v2 git bundle\n-" + idB + " commit 4\n" + idA + " refs/heads/main\n" + idA + " HEAD\n\nPACK",
		"# v3 git bundle\n@object-format=sha1\n-" + idB + "\n" + idA + " refs/tags/v1\n\n",
		"# v3 git bundle\n@filter=blob:none\n" + idA + " refs/heads/main\n\n",
		"# v3 git bundle\n" + idA + " refs/heads/a/b/c\n\n",
		"# v2 git bundle\n" + idA + " refs/heads/a..b\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := ReadHeader(bufio.NewReader(bytes.NewReader(data)))
		if err != nil {
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("ReadHeader failed with %T, not *HeaderError: %v", err, err)
			}
			return
		}
		var buf bytes.Buffer
		if _, err := h.WriteTo(&buf); err != nil {
			t.Fatalf("a header that reads does not write: %v\n%+v", err, h)
		}
		h2, err := ReadHeader(bufio.NewReader(bytes.NewReader(buf.Bytes())))
		if err != nil {
			t.Fatalf("what WriteTo wrote does not read: %v\n%q", err, buf.Bytes())
		}
		if !headersEqual(h, h2) {
			t.Fatalf("round trip changed the header:\n%+v\n%+v", h, h2)
		}
	})
}

// maxFuzzBundle bounds FuzzUnbundle's input, so an iteration stays fast.
const maxFuzzBundle = 1 << 20

// FuzzUnbundle feeds arbitrary bytes to Unbundle with a store that holds
// the history the seeds' thin bundles need: no panic, no hang, and a
// bundle that is accepted has every reference's object stored.
func FuzzUnbundle(f *testing.F) {
	m := newMemRepo(f)
	c := m.history(5)
	f.Add(m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/heads/main", Hash: c[2]}}}))
	f.Add(m.bundle(CreateOptions{Version: 3, Refs: []Reference{{Name: "refs/heads/main", Hash: c[4]}, {Name: "HEAD", Hash: c[4]}},
		Exclude: []plumbing.Hash{c[2]}}))
	f.Add(m.bundle(CreateOptions{Refs: []Reference{{Name: "refs/heads/main", Hash: c[4]}}, Exclude: []plumbing.Hash{c[3]}}))

	// The store the bundles go into: the first three commits.
	base := newMemRepo(f)
	if _, err := Unbundle(context.Background(), bytes.NewReader(m.bundle(CreateOptions{
		Refs: []Reference{{Name: "refs/heads/main", Hash: c[2]}}})), base.st, UnbundleOptions{}); err != nil {
		f.Fatal(err)
	}

	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > maxFuzzBundle {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		st := newOverlay(base.st)
		h, err := Unbundle(ctx, bytes.NewReader(data), st, UnbundleOptions{})
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Unbundle of %d bytes ran for 20 s", len(data))
		}
		if err != nil {
			return
		}
		for _, r := range h.References {
			if err := st.HasEncodedObject(r.Hash); err != nil {
				t.Fatalf("Unbundle accepted a bundle but reference %q's object %s is not stored: %v", r.Name, r.Hash, err)
			}
		}
	})
}
