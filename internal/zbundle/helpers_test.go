package zbundle

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/zonectl/zonectl/internal/keys"
)

// testSpace is a Space's key pair with a signer and a verifier that trusts
// only it.
type testSpace struct {
	name     string
	signer   *keys.Signer
	verifier *keys.Verifier
	public   []byte
}

func newTestSpace(t testing.TB, name string) *testSpace {
	t.Helper()
	e, err := keys.Generate(keys.GenerateOptions{Name: name, Time: time.Now().Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := keys.NewSigner(e)
	if err != nil {
		t.Fatal(err)
	}
	pub, err := keys.ArmorPublic(e)
	if err != nil {
		t.Fatal(err)
	}
	el, err := keys.ReadPublic(name+".asc", pub)
	if err != nil {
		t.Fatal(err)
	}
	return &testSpace{name: name, signer: signer, verifier: keys.NewVerifier(el), public: pub}
}

func (s *testSpace) peer() Peer { return Peer{Space: s.name, Fingerprint: s.signer.Fingerprint()} }

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

var created = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fixture is a valid bundle and everything it was made from.
type fixture struct {
	src, dst      *testSpace
	m             *Manifest
	files         map[string][]byte // the pinned members' bytes
	manifest, sig []byte
	bundle        []byte
}

// newFixture makes a bundle holding gitBundle (arbitrary bytes unless the
// test needs a real Git bundle) and two packages' data, with a third
// package that the target already has.
func newFixture(t testing.TB, gitBundle []byte) *fixture {
	t.Helper()
	src, dst := newTestSpace(t, "devtest"), newTestSpace(t, "prod")
	web, db := []byte("web package bytes\n"), bytes.Repeat([]byte("db"), 5000)
	m := &Manifest{
		Source:   src.peer(),
		Target:   dst.peer(),
		Project:  "acme-web",
		Version:  "1.4.0",
		Revision: 1,
		Sequence: 7,
		Created:  created,
		Expires:  created.Add(DefaultLifetime),
		Git: Git{
			BundleSHA256: sum(gitBundle),
			BundleSize:   int64(len(gitBundle)),
			ObjectFormat: "sha1",
			Refs:         []GitRef{{Name: "refs/zonectl/promotions/prod/acme-web", Hash: strings.Repeat("ab", 20)}},
		},
		Packages: []Package{
			wholePackage("acme-web", "1.4.0", web),
			wholePackage("acme-db", "2.0.1", db),
			{PackageRef: PackageRef{ID: "nginx", Version: "1.25.3", SHA256: sum([]byte("nginx")), Size: 5}, Data: PackageData{Kind: DataNone}},
		},
	}
	f := &fixture{src: src, dst: dst, m: m, files: map[string][]byte{
		GitBundleName:         gitBundle,
		PackagePath(sum(web)): web,
		PackagePath(sum(db)):  db,
	}}
	f.seal(t)
	return f
}

func wholePackage(id, version string, data []byte) Package {
	return Package{
		PackageRef: PackageRef{ID: id, Version: version, SHA256: sum(data), Size: int64(len(data))},
		Data:       PackageData{Kind: DataWhole, Path: PackagePath(sum(data))},
	}
}

// seal signs f.m and writes the bundle.
func (f *fixture) seal(t testing.TB) {
	t.Helper()
	var err error
	f.manifest, f.sig, err = SealManifest(f.m, f.src.signer)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, f.manifest, f.sig)
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range f.m.Files() {
		data := f.files[file.Name]
		if err := w.AddFile(file.Name, int64(len(data)), bytes.NewReader(data)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.bundle = buf.Bytes()
}

// tarEntry is a tar member for rawTar.
type tarEntry struct {
	name     string
	data     []byte
	typeflag byte   // tar.TypeReg when 0
	linkname string // for links
}

// entries returns the fixture's members as the Writer writes them.
func (f *fixture) entries() []tarEntry {
	es := []tarEntry{{name: ManifestName, data: f.manifest}, {name: SignatureName, data: f.sig}}
	for _, file := range f.m.Files() {
		es = append(es, tarEntry{name: file.Name, data: f.files[file.Name]})
	}
	return es
}

// rawTar writes entries as a tar without any of the Writer's checks.
func rawTar(t testing.TB, entries []tarEntry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Typeflag: e.typeflag, Name: e.name, Linkname: e.linkname, Mode: 0o644, ModTime: created}
		if hdr.Typeflag == 0 {
			hdr.Typeflag = tar.TypeReg
		}
		if hdr.Typeflag == tar.TypeReg {
			hdr.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if hdr.Size > 0 {
			if _, err := tw.Write(e.data); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// importBundle reads a bundle the way import will: the manifest, its
// signature, then every member into a new directory.
func importBundle(t testing.TB, data []byte, v *keys.Verifier) (*Manifest, []Member, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, nil, err
	}
	m, _, err := OpenManifest(r.Manifest(), r.Signature(), v)
	if err != nil {
		return nil, nil, err
	}
	members, err := r.Extract(t.TempDir(), m, ExtractOptions{})
	return m, members, err
}

// scanBundle reads a bundle without writing it anywhere, then checks it.
func scanBundle(data []byte) ([]Member, error) {
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(r.Manifest())
	if err != nil {
		return nil, err
	}
	members, err := r.Scan()
	if err != nil {
		return nil, err
	}
	return members, Check(m, members)
}

// wantKind checks that err is a *CheckError of kind kind.
func wantKind(t testing.TB, err error, kind error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %v", kind)
	}
	var ce *CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *CheckError", err, err)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q is not %q", err, kind)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

func wantErr(t testing.TB, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}

// errReader fails after its data.
type errReader struct {
	data []byte
	err  error
}

func (r *errReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

var _ io.Reader = (*errReader)(nil)

// blockSize is the tar block, for tests that change a bundle's bytes.
const blockSize = 512
