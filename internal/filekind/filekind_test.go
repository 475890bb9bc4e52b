package filekind

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func tarOf(t *testing.T, names ...string) []byte {
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, n := range names {
		if err := w.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: 2}); err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("{}"))
	}
	w.Close()
	return b.Bytes()
}

func TestSniff(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("package"))
	zw.Close()
	var zp bytes.Buffer
	z := zip.NewWriter(&zp)
	z.Create("a")
	z.Close()
	for _, tc := range []struct {
		name string
		data []byte
		want Kind
	}{
		{"release bundle", tarOf(t, "manifest.json", "manifest.json.asc", "git.bundle"), ReleaseBundle},
		{"receipts", tarOf(t, "manifest.json", "manifest.json.asc", "receipts.bundle"), Receipts},
		{"other tar", tarOf(t, "index.html"), Tar},
		{"gzip", gz.Bytes(), Gzip},
		{"zip", zp.Bytes(), Zip},
		{"git bundle", []byte("# v2 git bundle\n0123 refs/heads/main\n\nPACK"), GitBundle},
		{"public key", []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ"), PublicKey},
		{"text", []byte("hello\n"), Unknown},
		{"empty", nil, Unknown},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := filepath.Join(t.TempDir(), "f")
			if err := os.WriteFile(p, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			if got := Sniff(p); got != tc.want {
				t.Errorf("Sniff = %v (%s), want %v", got, got.Describe(), tc.want)
			}
		})
	}
}

// A FIFO is not read: the bytes would be gone for the command.
func TestSniffLeavesAFIFO(t *testing.T) {
	p := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(p, 0o600); err != nil {
		t.Fatal(err)
	}
	if got := Sniff(p); got != Unknown {
		t.Errorf("Sniff(fifo) = %v", got)
	}
}
