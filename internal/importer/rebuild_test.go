package importer

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"

	"github.com/zonectl/zonectl/internal/delta"
	"github.com/zonectl/zonectl/internal/recompress"
	"github.com/zonectl/zonectl/internal/store"
	"github.com/zonectl/zonectl/internal/zbundle"
)

func gz(t *testing.T, data []byte, level int) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, level)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hexSum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// contentDelta sets up what an import of a content delta finds: the basis
// in the store and the delta extracted beside it.
func contentDelta(t *testing.T, level int) (*Env, zbundle.Package, string, []byte) {
	t.Helper()
	var v1, v2 bytes.Buffer
	for i := range 20000 {
		fmt.Fprintf(&v1, "line %d of the package\n", i)
		if i == 5000 {
			v2.WriteString("a changed line\n")
			continue
		}
		fmt.Fprintf(&v2, "line %d of the package\n", i)
	}
	basis, target := gz(t, v1.Bytes(), 6), gz(t, v2.Bytes(), 6)
	st, err := store.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.PutBlob(context.Background(), bytes.NewReader(basis), hexSum(basis), int64(len(basis))); err != nil {
		t.Fatal(err)
	}
	params, ok, err := recompress.Detect(context.Background(), bytes.NewReader(target), int64(len(target)))
	if err != nil || !ok {
		t.Fatalf("Detect: %v, %v", ok, err)
	}
	params.Level = level
	var d bytes.Buffer
	if _, err := delta.Encode(context.Background(), &d, delta.Basis{R: bytes.NewReader(v1.Bytes()), Size: int64(v1.Len())}, bytes.NewReader(v2.Bytes()), delta.Options{}); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "delta")
	if err := os.WriteFile(path, d.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	p := zbundle.Package{
		PackageRef: zbundle.PackageRef{ID: "web", Version: "1.1.0", SHA256: hexSum(target), Size: int64(len(target))},
		Data: zbundle.PackageData{Kind: zbundle.DataContentDelta, Path: zbundle.PackagePath(hexSum(d.Bytes())), DeltaSize: int64(d.Len()), DeltaSHA256: hexSum(d.Bytes()),
			Basis: &zbundle.Basis{ID: "web", Version: "1.0.0", SHA256: hexSum(basis), Size: int64(len(basis))}, Rebuild: &params},
	}
	return &Env{Store: st}, p, path, target
}

// A content delta rebuilds the package byte for byte, straight into the
// store.
func TestRebuildContentDelta(t *testing.T) {
	env, p, path, target := contentDelta(t, 6)
	if err := rebuild(context.Background(), env, p, path, t.TempDir(), "devtest"); err != nil {
		t.Fatal(err)
	}
	f, err := env.Store.Open(p.SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var got bytes.Buffer
	got.ReadFrom(f)
	if !bytes.Equal(got.Bytes(), target) {
		t.Fatal("the rebuilt package differs from the one sent")
	}
}

// When compressing the rebuilt content here does not give the sender's
// bytes (another encoder build; here, another level), the import fails,
// saying so, and the store does not hold the package.
func TestRebuildContentDeltaThatDoesNotReproduce(t *testing.T) {
	env, p, path, _ := contentDelta(t, 1)
	err := rebuild(context.Background(), env, p, path, t.TempDir(), "devtest")
	if err == nil || !strings.Contains(err.Error(), "compressing it again here does not give the package's bytes") || !strings.Contains(err.Error(), "ask devtest for a bundle made with --full") {
		t.Fatalf("got %v", err)
	}
	if env.Store.Has(p.SHA256) {
		t.Error("bytes that did not hash to the manifest are in the store")
	}
}

// A package sent compressed is unpacked as its member is read and kept
// only if it decodes to the pinned bytes: other bytes, more of them or
// fewer, are refused and not stored.
func TestUnpack(t *testing.T) {
	data := bytes.Repeat([]byte("package bytes "), 10000)
	for name, tt := range map[string]struct {
		frame []byte
		ok    bool
	}{
		"the package": {zstdOf(t, data), true},
		"other bytes": {zstdOf(t, bytes.ToUpper(data)), false},
		"more bytes":  {zstdOf(t, append(bytes.Clone(data), 'x')), false},
		"fewer bytes": {zstdOf(t, data[1:]), false},
		"not zstd":    {data, false},
	} {
		t.Run(name, func(t *testing.T) {
			st, err := store.Open(t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			p := zbundle.Package{PackageRef: zbundle.PackageRef{ID: "web", Version: "1.0.0", SHA256: hexSum(data), Size: int64(len(data))}}
			path := filepath.Join(t.TempDir(), "unpacked-"+p.SHA256)
			u, err := newUnpacker(path, p.Size)
			if err != nil {
				t.Fatal(err)
			}
			_, werr := u.Write(tt.frame)
			err = u.Close()
			if err == nil {
				err = werr
			}
			if err == nil {
				err = st.PutFile(context.Background(), path, p.SHA256, p.Size)
			}
			if (err == nil) != tt.ok || st.Has(p.SHA256) != tt.ok {
				t.Fatalf("unpack = %v, stored %v; want ok %v", err, st.Has(p.SHA256), tt.ok)
			}
		})
	}
}

func zstdOf(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, err := zstd.NewWriter(&b)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
