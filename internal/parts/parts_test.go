package parts

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zonectl/zonectl/internal/envelope"
	"github.com/zonectl/zonectl/internal/keys"
	"github.com/zonectl/zonectl/internal/refusal"
	"github.com/zonectl/zonectl/internal/zbundle"
)

func TestParseSize(t *testing.T) {
	good := map[string]int64{
		"2000000": 2000000, "1048576": 1 << 20, "700M": 700 << 20, "700m": 700 << 20, "4G": 4 << 30,
		"4GiB": 4 << 30, "4gib": 4 << 30, "4000MB": 4_000_000_000, "4.7GB": 4_700_000_000, "1.5K": 1536,
		"1T": 1 << 40, "10B": 10, " 3M ": 3 << 20,
	}
	for in, want := range good {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "M", "-1", "0", "0M", "4X", "4 GiB", "1.5", "4.7.1G", "99999999999999999999", "9000000T", "4Gi"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestPartNames(t *testing.T) {
	for _, tt := range []struct {
		n, count int
		want     string
	}{{1, 3, "b.zbundle.part001"}, {12, 999, "b.zbundle.part012"}, {7, 1000, "b.zbundle.part0007"}, {10000, 10000, "b.zbundle.part10000"}} {
		got := PartName("b.zbundle", tt.n, tt.count)
		if got != tt.want {
			t.Errorf("PartName(%d of %d) = %q, want %q", tt.n, tt.count, got, tt.want)
		}
		b, n, ok := SplitPartName(got)
		if !ok || b != "b.zbundle" || n != tt.n {
			t.Errorf("SplitPartName(%q) = %q, %d, %v", got, b, n, ok)
		}
	}
	for _, bad := range []string{"b.zbundle", "b.zbundle.part", "b.zbundle.part1", "b.zbundle.part000", "b.zbundle.part00x", ".part001"} {
		if _, _, ok := SplitPartName(bad); ok {
			t.Errorf("SplitPartName(%q) accepted it", bad)
		}
	}
	if i, ok := IsIndexName("a/b.zbundle.index.asc"); !ok || i != "a/b.zbundle.index" {
		t.Errorf("IsIndexName(.asc) = %q, %v", i, ok)
	}
	if _, ok := IsIndexName("b.zbundle"); ok {
		t.Error("IsIndexName accepted a bundle")
	}
}

// testKey is a Space's signer and a verifier that trusts only it.
func testKey(t testing.TB, name string) (*keys.Signer, *keys.Verifier) {
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
	return signer, keys.NewVerifier(el)
}

func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b)
	return b
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// split writes data as parts of size in dir, in odd-sized writes, and
// commits them with an index signed by signer.
func split(t *testing.T, dir string, data []byte, size int64, signer *keys.Signer) (*Writer, *Index) {
	t.Helper()
	w, err := Create(filepath.Join(dir, "rel.zbundle"), size)
	if err != nil {
		t.Fatal(err)
	}
	for rest := data; len(rest) > 0; {
		n := min(len(rest), 77777)
		if _, err := w.Write(rest[:n]); err != nil {
			t.Fatal(err)
		}
		rest = rest[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	x := &Index{
		Source: zbundle.Peer{Space: "devtest", Fingerprint: signer.Fingerprint()}, Target: zbundle.Peer{Space: "prod", Fingerprint: "AB"},
		Project: "web", Version: "1.0.0", Revision: 1, Sequence: 3, Expires: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC),
		Bundle: w.Bundle(), ManifestSHA256: sha([]byte("m")), PartSize: w.PartSize(), Parts: w.Parts(),
	}
	idx, sig, err := SealIndex(x, signer)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Commit(idx, sig); err != nil {
		t.Fatal(err)
	}
	return w, x
}

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriterRoundTrip(t *testing.T) {
	signer, verifier := testKey(t, "devtest")
	for _, tt := range []struct {
		name  string
		size  int
		parts int
	}{
		{"three parts, the last short", 2*MinSize + 12345, 3},
		{"an exact multiple", 2 * MinSize, 2},
		{"one part", 1000, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			data := randomBytes(tt.size, int64(tt.size))
			_, x := split(t, dir, data, MinSize, signer)
			want := []string{"rel.zbundle.index", "rel.zbundle.index.asc"}
			for i := 1; i <= tt.parts; i++ {
				want = append(want, PartName("rel.zbundle", i, tt.parts))
			}
			slices.Sort(want)
			if got := listDir(t, dir); !slices.Equal(got, want) {
				t.Fatalf("files %q, want %q", got, want)
			}
			// cat rel.zbundle.part* gives the bundle back.
			var cat []byte
			for _, p := range x.Parts {
				b, err := os.ReadFile(filepath.Join(dir, p.Name))
				if err != nil {
					t.Fatal(err)
				}
				if p.Number < len(x.Parts) && len(b) != MinSize {
					t.Errorf("part %d is %d bytes", p.Number, len(b))
				}
				cat = append(cat, b...)
			}
			if !bytes.Equal(cat, data) {
				t.Fatal("the parts do not make the bundle")
			}
			if x.Bundle.SHA256 != sha(data) || x.Bundle.Size != int64(len(data)) {
				t.Errorf("bundle %+v, want %d bytes sha256 %s", x.Bundle, len(data), sha(data))
			}
			// The index verifies, and reading the parts back gives the bundle.
			idx, _ := os.ReadFile(filepath.Join(dir, "rel.zbundle.index"))
			sig, _ := os.ReadFile(filepath.Join(dir, "rel.zbundle.index.asc"))
			got, s, err := OpenIndex("rel.zbundle.index", idx, sig, verifier)
			if err != nil {
				t.Fatal(err)
			}
			if s.Fingerprint != signer.Fingerprint() || len(got.Parts) != tt.parts {
				t.Errorf("opened %+v signed by %s", got, s.Fingerprint)
			}
			if !bytes.HasPrefix(idx, []byte("{\n  \"type\": \"zonectl.bundle.index\",\n  \"schema\": \"1.0\",\n")) {
				t.Errorf("index starts %q", idx[:60])
			}
			r := NewReader(got, openIn(dir))
			back, err := io.ReadAll(r)
			if err != nil || !bytes.Equal(back, data) {
				t.Fatalf("read back %d bytes, %v", len(back), err)
			}
		})
	}
}

func openIn(dir string) func(p *Part) (io.ReadCloser, string, error) {
	return func(p *Part) (io.ReadCloser, string, error) {
		f, err := os.Open(filepath.Join(dir, p.Name))
		return f, filepath.Join(dir, p.Name), err
	}
}

func TestReaderNamesTheBadPart(t *testing.T) {
	signer, _ := testKey(t, "devtest")
	dir := t.TempDir()
	data := randomBytes(2*MinSize+500, 1)
	_, x := split(t, dir, data, MinSize, signer)
	for _, tt := range []struct {
		name   string
		change func(path string)
		want   string
	}{
		{"a flipped byte", func(p string) { flip(t, p, 1000) }, "sha256 [0-9a-f]{64}, expected"},
		{"cut short", func(p string) { os.Truncate(p, MinSize-1) }, "1048575 bytes or more, expected 1048576"},
		{"too long", func(p string) { appendTo(t, p, []byte("x")) }, "1048577 bytes or more, expected 1048576"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			work := t.TempDir()
			for _, p := range x.Parts {
				b, _ := os.ReadFile(filepath.Join(dir, p.Name))
				os.WriteFile(filepath.Join(work, p.Name), b, 0o644)
			}
			tt.change(filepath.Join(work, x.Parts[1].Name))
			r := NewReader(x, openIn(work))
			_, err := io.ReadAll(r)
			var pe *PartError
			if !errors.As(err, &pe) || pe.Part.Number != 2 {
				t.Fatalf("err = %v, want a *PartError for part 2", err)
			}
			if !strings.Contains(err.Error(), "part 2 of 3 (rel.zbundle.part002): ") || !strings.Contains(err.Error(), "the copy is corrupt; copy it again from the source") {
				t.Errorf("err = %q", err)
			}
			if r.Failed() == nil || r.Failed().Number != 2 {
				t.Errorf("Failed() = %v", r.Failed())
			}
			// Copy says the same of the part alone.
			f, _ := os.Open(filepath.Join(work, x.Parts[1].Name))
			defer f.Close()
			if err := x.Copy(io.Discard, f, &x.Parts[1], f.Name()); !errors.As(err, &pe) {
				t.Errorf("Copy: %v, want a *PartError", err)
			}
		})
	}
	// A part named right but for another bundle, read from another name.
	err := x.CheckSize(&x.Parts[2], "/media/b/other.part003", 7)
	if err == nil || !strings.Contains(err.Error(), "part 3 of 3 (rel.zbundle.part003, read from /media/b/other.part003): 7 bytes, expected 500") {
		t.Errorf("CheckSize: %v", err)
	}
}

func flip(t *testing.T, path string, at int64) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b := []byte{0}
	f.ReadAt(b, at)
	b[0] ^= 0xff
	f.WriteAt(b, at)
}

func appendTo(t *testing.T, path string, b []byte) {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.Write(b)
	f.Close()
}

func TestCreateRefuses(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "a.zbundle"), MinSize-1); err == nil || !strings.Contains(err.Error(), "at least 1048576 bytes") {
		t.Errorf("a small part: %v", err)
	}
	for _, existing := range []string{"a.zbundle.index", "a.zbundle.index.asc", "a.zbundle.part0001"} {
		os.WriteFile(filepath.Join(dir, existing), nil, 0o644)
		if _, err := Create(filepath.Join(dir, "a.zbundle"), MinSize); err == nil || !strings.Contains(err.Error(), existing+" exists") {
			t.Errorf("with %s there: %v", existing, err)
		}
		os.Remove(filepath.Join(dir, existing))
	}
	os.WriteFile(filepath.Join(dir, "ab.zbundle.part001"), nil, 0o644)
	if _, err := Create(filepath.Join(dir, "a.zbundle"), MinSize); err != nil {
		t.Errorf("another bundle's parts: %v", err)
	}
}

func TestAbortAndFailedCommitLeaveNothing(t *testing.T) {
	signer, _ := testKey(t, "devtest")
	dir := t.TempDir()
	w, err := Create(filepath.Join(dir, "rel.zbundle"), MinSize)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(randomBytes(MinSize+1, 2))
	w.Abort()
	if got := listDir(t, dir); len(got) != 0 {
		t.Fatalf("Abort left %q", got)
	}

	// The index appeared meanwhile: every part linked is removed again.
	w, _ = Create(filepath.Join(dir, "rel.zbundle"), MinSize)
	w.Write(randomBytes(2*MinSize+1, 3))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	x := &Index{Source: zbundle.Peer{Space: "devtest", Fingerprint: signer.Fingerprint()}, Target: zbundle.Peer{Space: "prod"}, Project: "web", Version: "1", Sequence: 1,
		Bundle: w.Bundle(), ManifestSHA256: sha(nil), PartSize: MinSize, Parts: w.Parts()}
	idx, sig, err := SealIndex(x, signer)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "rel.zbundle.index"), []byte("mine"), 0o644)
	if err := w.Commit(idx, sig); err == nil || !strings.Contains(err.Error(), "appeared while") {
		t.Fatalf("Commit: %v", err)
	}
	if got := listDir(t, dir); !slices.Equal(got, []string{"rel.zbundle.index"}) {
		t.Fatalf("a failed Commit left %q", got)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "rel.zbundle.index")); string(b) != "mine" {
		t.Error("Commit replaced a file it did not make")
	}
}

func TestIndexRefusals(t *testing.T) {
	signer, verifier := testKey(t, "devtest")
	other, _ := testKey(t, "mallory")
	dir := t.TempDir()
	_, x := split(t, dir, randomBytes(2*MinSize+10, 4), MinSize, signer)
	data, sig, err := SealIndex(x, signer)
	if err != nil {
		t.Fatal(err)
	}
	wantRefused := func(t *testing.T, data, sig []byte, want string) {
		t.Helper()
		_, _, err := OpenIndex("rel.zbundle.index", data, sig, verifier)
		var ve *refusal.Error
		if !errors.As(err, &ve) || !strings.Contains(err.Error(), want) {
			t.Errorf("err = %v, want a verification error containing %q", err, want)
		}
	}
	t.Run("a changed byte", func(t *testing.T) {
		wantRefused(t, bytes.Replace(data, []byte(`"part_size": 1048576`), []byte(`"part_size": 1048577`), 1), sig, "")
	})
	t.Run("another key", func(t *testing.T) {
		d, s, _ := SealIndex(x, other)
		wantRefused(t, d, s, "")
	})
	t.Run("unsigned", func(t *testing.T) { wantRefused(t, data, nil, "") })
	t.Run("a manifest's signature", func(t *testing.T) {
		d, s, err := envelope.Seal(x, envelope.TypeReleaseManifest, Schema, signer)
		if err != nil {
			t.Fatal(err)
		}
		wantRefused(t, d, s, `not "zonectl.bundle.index"`)
	})
	t.Run("the source's key is not the signer's", func(t *testing.T) {
		y := *x
		y.Source.Fingerprint = "0000"
		d, s, _ := SealIndex(&y, signer)
		wantRefused(t, d, s, "but the index says it comes from Space")
	})
	t.Run("a newer major schema", func(t *testing.T) {
		d, s, _ := envelope.Seal(x, envelope.TypeIndex, envelope.Schema{Major: 2}, signer)
		_, _, err := OpenIndex("rel.zbundle.index", d, s, verifier)
		var se *envelope.SchemaError
		if !errors.As(err, &se) {
			t.Errorf("err = %v, want a *envelope.SchemaError", err)
		}
	})
}

func TestIndexValidate(t *testing.T) {
	signer, _ := testKey(t, "devtest")
	_, good := split(t, t.TempDir(), randomBytes(2*MinSize+10, 5), MinSize, signer)
	for _, tt := range []struct {
		name   string
		change func(x *Index)
		want   string
	}{
		{"a part renamed", func(x *Index) { x.Parts[0].Name = "../etc/passwd" }, "is named"},
		{"parts out of order", func(x *Index) { x.Parts[0], x.Parts[1] = x.Parts[1], x.Parts[0] }, "is numbered"},
		{"a short middle part", func(x *Index) { x.Parts[1].Size-- }, "every part but the last"},
		{"an empty last part", func(x *Index) { x.Parts[2].Size = 0 }, "the last part is 0 bytes"},
		{"sizes that do not add up", func(x *Index) { x.Bundle.Size++ }, "add up to"},
		{"a tiny part size", func(x *Index) { x.PartSize = 1 }, "under the minimum"},
		{"a bundle name with a slash", func(x *Index) { x.Bundle.Name = "a/b" }, "not a base name"},
		{"no parts", func(x *Index) { x.Parts = nil }, "no parts"},
		{"a bad hash", func(x *Index) { x.Parts[0].SHA256 = "XYZ" }, "invalid sha256"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := *good
			x.Parts = slices.Clone(good.Parts)
			tt.change(&x)
			if err := x.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate: %v, want %q", err, tt.want)
			}
			if _, _, err := SealIndex(&x, signer); err == nil {
				t.Error("SealIndex sealed an invalid index")
			}
		})
	}
}
