package zbundle

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzRead reads arbitrary bytes as a bundle: it must never panic, hold no
// more than the manifest and signature in memory, and never write outside
// the directory it extracts to.
func FuzzRead(f *testing.F) {
	fx := newFixture(f, []byte("git bundle"))
	f.Add(fx.bundle)
	f.Add(fx.bundle[:len(fx.bundle)-700])
	f.Add(rawTar(f, append(fx.entries(), tarEntry{name: "../x", data: []byte("x")})))
	f.Add(rawTar(f, fx.entries()[:2]))
	f.Add(rawTar(f, []tarEntry{{name: ManifestName, data: []byte(`{"type": "zonectl.release-bundle.manifest", "schema": "1.0"}`)}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewReader(bytes.NewReader(data))
		if err != nil {
			wantCheckOrIO(t, err)
			return
		}
		if len(r.Manifest()) > MaxManifestSize || len(r.Signature()) > MaxSignatureSize {
			t.Fatalf("read a %d-byte manifest and a %d-byte signature", len(r.Manifest()), len(r.Signature()))
		}
		m, err := ParseManifest(r.Manifest())
		if err != nil {
			if _, err := r.Scan(); err != nil {
				wantCheckOrIO(t, err)
			}
			return
		}
		parent := t.TempDir()
		dir := filepath.Join(parent, "x")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		members, err := r.Extract(dir, m, ExtractOptions{})
		if err != nil {
			wantCheckOrIO(t, err)
		} else if err := Check(m, members); err != nil {
			t.Fatalf("Extract accepted what Check refuses: %v", err)
		}
		if entries, _ := os.ReadDir(parent); len(entries) != 1 {
			t.Fatalf("Extract wrote beside its directory: %v", entries)
		}
	})
}

func wantCheckOrIO(t *testing.T, err error) {
	t.Helper()
	var ce *CheckError
	if !errors.As(err, &ce) && !strings.HasPrefix(err.Error(), "extract bundle") {
		t.Fatalf("error %v (%T) is not a *CheckError", err, err)
	}
}

// FuzzManifest parses arbitrary manifests: it must never panic, and a
// manifest it accepts must encode, and encode again, to the same bytes.
func FuzzManifest(f *testing.F) {
	fx := newFixture(f, []byte("git bundle"))
	f.Add(fx.manifest)
	f.Add(bytes.Replace(fx.manifest, []byte(`"schema": "1.1"`), []byte(`"schema": "1.9"`), 1))
	f.Add(bytes.Replace(fx.manifest, []byte(`"kind": "none"`), []byte(`"kind": "delta"`), 1))
	f.Add(bytes.Replace(fx.manifest, []byte(`12:00:00Z`), []byte(`12:00:00.5+01:00`), 1))
	f.Add([]byte(`{"type": "zonectl.release-bundle.manifest", "schema": "1.0", "packages": [{"data": {}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseManifest(data)
		if err != nil {
			return
		}
		enc, err := EncodeManifest(m)
		if err != nil {
			t.Fatalf("a manifest that parses does not encode: %v", err)
		}
		m2, err := ParseManifest(enc)
		if err != nil {
			t.Fatalf("an encoded manifest does not parse: %v\n%s", err, enc)
		}
		enc2, err := EncodeManifest(m2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(enc, enc2) {
			t.Fatalf("encoding is not stable:\n%s\n%s", enc, enc2)
		}
	})
}
