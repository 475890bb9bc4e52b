package zbundle

import (
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/recompress"
	"github.com/zonectl/zonectl/internal/refusal"
)

func TestManifestValidate(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	hex40 := strings.Repeat("0a", 20)
	for _, tc := range []struct {
		name   string
		change func(m *Manifest)
		want   string // "" for valid
	}{
		{"valid", func(m *Manifest) {}, ""},
		{"no packages", func(m *Manifest) { m.Packages = nil }, ""},
		{"prerequisites", func(m *Manifest) { m.Git.Prerequisites = []string{hex40} }, ""},
		{"shared data", func(m *Manifest) {
			p := m.Packages[0]
			p.ID = "acme-web-copy"
			m.Packages = append(m.Packages, p)
		}, ""},
		{"v6 fingerprint", func(m *Manifest) { m.Target.Fingerprint = strings.Repeat("AB", 32) }, ""},
		{"bad source space", func(m *Manifest) { m.Source.Space = "dev test" }, "source space: invalid Space name"},
		{"no target space", func(m *Manifest) { m.Target.Space = "" }, "target space"},
		{"lower-case fingerprint", func(m *Manifest) { m.Target.Fingerprint = strings.ToLower(m.Target.Fingerprint) }, "target fingerprint"},
		{"short fingerprint", func(m *Manifest) { m.Source.Fingerprint = "ABCD" }, "source fingerprint"},
		{"same key", func(m *Manifest) { m.Target.Fingerprint = m.Source.Fingerprint }, "same Space"},
		{"no project", func(m *Manifest) { m.Project = "" }, "project: empty"},
		{"control in project", func(m *Manifest) { m.Project = "a\nb" }, "control character"},
		{"spaced project", func(m *Manifest) { m.Project = " a" }, "leading or trailing space"},
		{"bad version", func(m *Manifest) { m.Version = "1.4" }, "version"},
		{"long version", func(m *Manifest) { m.Version = "1.0.0-" + strings.Repeat("a", 200) }, "at most 128"},
		{"revision 0", func(m *Manifest) { m.Revision = 0 }, "revision 0"},
		{"sequence 0", func(m *Manifest) { m.Sequence = 0 }, "sequence 0"},
		{"no created", func(m *Manifest) { m.Created = time.Time{} }, "before 1970"},
		{"expires at created", func(m *Manifest) { m.Expires = m.Created }, "not after created"},
		{"expires before created", func(m *Manifest) { m.Expires = m.Created.Add(-time.Second) }, "not after created"},
		{"bundle hash", func(m *Manifest) { m.Git.BundleSHA256 = strings.ToUpper(m.Git.BundleSHA256) }, "git bundle_sha256"},
		{"bundle size", func(m *Manifest) { m.Git.BundleSize = 0 }, "bundle_size 0"},
		{"object format", func(m *Manifest) { m.Git.ObjectFormat = "sha256" }, `object_format "sha256"`},
		{"no refs", func(m *Manifest) { m.Git.Refs = nil }, "no ref"},
		{"bad ref", func(m *Manifest) { m.Git.Refs[0].Name = "refs/a..b" }, "bad ref name"},
		{"short ref", func(m *Manifest) { m.Git.Refs[0].Name = "main" }, "bad ref name"},
		{"duplicate ref", func(m *Manifest) { m.Git.Refs = append(m.Git.Refs, m.Git.Refs[0]) }, "listed twice"},
		{"ref hash", func(m *Manifest) { m.Git.Refs[0].Hash = "abc" }, "want 40 lower-case hex"},
		{"prerequisite hash", func(m *Manifest) { m.Git.Prerequisites = []string{strings.ToUpper(hex40)} }, "git prerequisite"},
		{"duplicate prerequisite", func(m *Manifest) { m.Git.Prerequisites = []string{hex40, hex40} }, "listed twice"},
		{"package id", func(m *Manifest) { m.Packages[0].ID = "../x" }, "invalid package ID"},
		{"package version", func(m *Manifest) { m.Packages[0].Version = "latest" }, "package acme-web"},
		{"duplicate package", func(m *Manifest) {
			p := m.Packages[0]
			p.ID = "ACME-WEB"
			m.Packages = append(m.Packages, p)
		}, "listed twice"},
		{"negative size", func(m *Manifest) { m.Packages[2].Size = -1 }, "negative"},
		{"package hash", func(m *Manifest) { m.Packages[2].SHA256 = "x" }, "invalid sha256"},
		{"unknown kind", func(m *Manifest) { m.Packages[0].Data.Kind = "xdelta" }, `data kind "xdelta" is not one this zonectl knows`},
		{"delta without basis", func(m *Manifest) { m.Packages[0].Data.Kind = DataDelta }, "a delta without a basis"},
		{"delta against itself", func(m *Manifest) {
			p := &m.Packages[0]
			p.Data = PackageData{Kind: DataDelta, Basis: &Basis{ID: p.ID, Version: "0.9.0", SHA256: p.SHA256, Size: 1}, DeltaSHA256: p.SHA256, DeltaSize: 1, Path: PackagePath(p.SHA256)}
		}, "a delta against the package itself"},
		{"delta at the wrong path", func(m *Manifest) {
			p := &m.Packages[0]
			d := strings.Repeat("cd", 32)
			p.Data = PackageData{Kind: DataDelta, Basis: &Basis{ID: p.ID, Version: "0.9.0", SHA256: strings.Repeat("ef", 32), Size: 1}, DeltaSHA256: d, DeltaSize: 1, Path: PackagePath(p.SHA256)}
		}, "the delta is"},
		{"content delta without rebuild", func(m *Manifest) {
			p := &m.Packages[0]
			d := strings.Repeat("cd", 32)
			p.Data = PackageData{Kind: DataContentDelta, Basis: &Basis{ID: p.ID, Version: "0.9.0", SHA256: strings.Repeat("ef", 32), Size: 1}, DeltaSHA256: d, DeltaSize: 1, Path: PackagePath(d)}
		}, "a content delta without rebuild settings"},
		{"content delta with a bad rebuild", func(m *Manifest) {
			p := &m.Packages[0]
			d := strings.Repeat("cd", 32)
			p.Data = PackageData{Kind: DataContentDelta, Basis: &Basis{ID: p.ID, Version: "0.9.0", SHA256: strings.Repeat("ef", 32), Size: 1}, DeltaSHA256: d, DeltaSize: 1, Path: PackagePath(d),
				Rebuild: &recompress.Params{Format: "gzip", Encoder: "zlib", Level: 6, Header: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")}}
		}, `rebuild: deflate encoder "zlib" is not one this zonectl has`},
		{"rebuild on a whole package", func(m *Manifest) {
			m.Packages[0].Data.Rebuild = &recompress.Params{Format: "gzip", Encoder: recompress.EncoderGo, Level: 6, Header: []byte("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff")}
		}, `rebuild settings on data of kind "whole"`},
		{"zstd at the wrong path", func(m *Manifest) {
			p := &m.Packages[0]
			p.Data = PackageData{Kind: DataZstd, CompressedSHA256: strings.Repeat("cd", 32), CompressedSize: 3, Path: PackagePath(p.SHA256)}
		}, "the compressed package is"},
		{"zstd without its hash", func(m *Manifest) {
			p := &m.Packages[0]
			p.Data = PackageData{Kind: DataZstd, CompressedSize: 3, Path: PackagePath(p.SHA256)}
		}, "the compressed member's size or SHA-256 is not valid"},
		{"empty kind", func(m *Manifest) { m.Packages[0].Data.Kind = "" }, `data kind ""`},
		{"none with path", func(m *Manifest) { m.Packages[2].Data.Path = "packages/x" }, "has a path"},
		{"whole without path", func(m *Manifest) { m.Packages[0].Data.Path = "" }, "data path"},
		{"path of another hash", func(m *Manifest) { m.Packages[0].Data.Path = m.Packages[1].Data.Path }, "data path"},
		{"traversal path", func(m *Manifest) { m.Packages[0].Data.Path = "packages/../manifest.json" }, "data path"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := cloneManifest(t, f.m)
			tc.change(m)
			err := m.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("valid manifest refused: %v", err)
				}
				return
			}
			wantErr(t, err, tc.want)
			if _, _, err := SealManifest(m, f.src.signer); err == nil {
				t.Error("SealManifest signed an invalid manifest")
			}
		})
	}
}

// cloneManifest returns a deep copy of m.
func cloneManifest(t testing.TB, m *Manifest) *Manifest {
	t.Helper()
	data, err := EncodeManifest(m)
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseManifest(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSealOpenManifest(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	m, sig, err := OpenManifest(f.manifest, f.sig, f.src.verifier)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m, cloneManifest(t, f.m)) {
		t.Errorf("OpenManifest = %+v; want %+v", m, f.m)
	}
	if sig.Fingerprint != f.src.signer.Fingerprint() {
		t.Errorf("signed by %s", sig.Fingerprint)
	}
	for _, want := range []string{
		"{\n  \"type\": \"zonectl.release-bundle.manifest\",\n  \"schema\": \"1.1\",\n  \"source\": {",
		`"bundle_sha256": "`,
		`"prerequisites": []`,
		`"data": {` + "\n" + `        "kind": "none"` + "\n      }",
		`"created": "2025-03-01T12:00:00Z"`,
		`"expires": "2025-03-31T12:00:00Z"`,
	} {
		if !strings.Contains(string(f.manifest), want) {
			t.Errorf("manifest.json does not contain %q:\n%s", want, f.manifest)
		}
	}

	// Only the source's key may sign: a key the verifier trusts, signing a
	// manifest that names another source, is refused.
	other := cloneManifest(t, f.m)
	other.Source = f.dst.peer()
	other.Target = f.src.peer()
	data, s, err := SealManifest(other, f.src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = OpenManifest(data, s, f.src.verifier)
	var ve *refusal.Error
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "comes from Space \"prod\"") {
		t.Errorf("manifest naming another source: %v", err)
	}

	// A receipt manifest is not a release manifest.
	data, s, err = envelope.Seal(f.m, envelope.TypeReceiptManifest, Schema, f.src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = OpenManifest(data, s, f.src.verifier)
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "document type") {
		t.Errorf("receipt manifest opened as release manifest: %v", err)
	}

	// Signed but invalid.
	bad := cloneManifest(t, f.m)
	bad.Revision = 0
	data, s, err = envelope.Seal(bad, envelope.TypeReleaseManifest, Schema, f.src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = OpenManifest(data, s, f.src.verifier)
	wantKind(t, err, ErrMalformed, "invalid manifest: revision 0")

	// Signed, but a field of the wrong JSON type.
	data, s, err = envelope.Seal(map[string]any{"revision": "one"}, envelope.TypeReleaseManifest, Schema, f.src.signer)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = OpenManifest(data, s, f.src.verifier)
	wantKind(t, err, ErrMalformed, "malformed manifest")

	// Altered.
	altered := bytes.Replace(f.manifest, []byte(`"sequence": 7`), []byte(`"sequence": 9`), 1)
	_, _, err = OpenManifest(altered, f.sig, f.src.verifier)
	if !errors.As(err, &ve) {
		t.Errorf("altered manifest: %v", err)
	}
}

func TestManifestSchema(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	type future struct {
		*Manifest
		Compression string `json:"compression"`
	}
	data, sig, err := envelope.Seal(future{f.m, "zstd"}, envelope.TypeReleaseManifest, envelope.Schema{Major: 1, Minor: 4}, f.src.signer)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := OpenManifest(data, sig, f.src.verifier)
	if err != nil {
		t.Fatalf("a manifest of schema 1.4 was refused: %v", err)
	}
	if m.Project != "acme-web" {
		t.Errorf("project %q", m.Project)
	}

	data, sig, err = envelope.Seal(f.m, envelope.TypeReleaseManifest, envelope.Schema{Major: 2, Minor: 0}, f.src.signer)
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		func() error { _, _, err := OpenManifest(data, sig, f.src.verifier); return err }(),
		func() error { _, err := ParseManifest(data); return err }(),
	} {
		var se *envelope.SchemaError
		if !errors.As(err, &se) {
			t.Fatalf("error %v (%T) is not a *envelope.SchemaError", err, err)
		}
		if want := "manifest.json: this release bundle needs zonectl schema 2.x; this zonectl reads 1.x"; err.Error() != want {
			t.Errorf("error %q; want %q", err, want)
		}
	}

	_, err = ParseManifest([]byte(`{"type": "zonectl.bundle.index", "schema": "1.0"}`))
	wantKind(t, err, ErrMalformed, "document type")
	_, err = ParseManifest([]byte(`{"schema": "1.0"}`))
	wantKind(t, err, ErrMalformed, "malformed manifest")
}

func TestFiles(t *testing.T) {
	f := newFixture(t, []byte("git bundle"))
	m := cloneManifest(t, f.m)
	dup := m.Packages[1]
	dup.ID = "acme-db-copy"
	m.Packages = append(m.Packages, dup)
	got := m.Files()
	want := []Member{
		{GitBundleName, m.Git.BundleSize, m.Git.BundleSHA256},
		{m.Packages[0].Data.Path, m.Packages[0].Size, m.Packages[0].SHA256},
		{m.Packages[1].Data.Path, m.Packages[1].Size, m.Packages[1].SHA256},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Files = %+v; want %+v", got, want)
	}
}
