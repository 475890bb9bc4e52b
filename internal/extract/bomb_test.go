package extract

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// zeros is a tar.gz holding one file of n zero bytes: a few kilobytes
// that expand to n.
func zeros(t *testing.T, n int64) string {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	if err := tw.WriteHeader(&tar.Header{Name: "zeros", Mode: 0o644, Size: n}); err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(tw, zeroReader{}, n); err != nil {
		t.Fatal(err)
	}
	tw.Close()
	zw.Close()
	return writeArchive(t, "bomb.tar.gz", buf.Bytes())
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// An archive that expands past its bounds is refused, and what it wrote
// of the file that crossed them is removed: by ratio (a few kilobytes
// become 80 MiB, past the 64 MiB floor), and by size.
func TestBombsAreRefused(t *testing.T) {
	bomb := zeros(t, 80<<20)
	dest := filepath.Join(t.TempDir(), "out")
	_, err := Extract(context.Background(), bomb, dest, Options{})
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.By != "ratio" || tl.Limit != MinBound {
		t.Fatalf("extracting a bomb: %v; want a TooLargeError by ratio at %d", err, MinBound)
	}
	if _, err := os.Stat(filepath.Join(dest, "zeros")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file past the bound stayed: %v", err)
	}

	small := zeros(t, 1<<20)
	if _, err := Extract(context.Background(), small, filepath.Join(t.TempDir(), "ok"), Options{}); err != nil {
		t.Fatalf("a 1 MiB package of zeros, under the floor: %v", err)
	}
	_, err = Extract(context.Background(), small, filepath.Join(t.TempDir(), "capped"), Options{MaxBytes: 1000})
	if !errors.As(err, &tl) || tl.By != "size" || tl.Limit != 1000 {
		t.Fatalf("extracting past MaxBytes: %v; want a TooLargeError by size at 1000", err)
	}
}
