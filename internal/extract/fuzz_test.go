package extract

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
)

// FuzzExtract extracts arbitrary bytes as an archive: it must never panic,
// and whatever the bytes say, nothing may appear beside the destination
// and no link in it may resolve outside it.
func FuzzExtract(f *testing.F) {
	seeds := [][]ent{
		{dir("a/"), exe("a/run.sh", "#!/bin/sh\n"), file("a/config/x.json", "#{V}")},
		{file("../evil", "x"), file("/abs", "x")},
		{symlink("l", "../outside"), file("l/x", "x")},
		{symlink("sub/l", ".."), symlink("m", "sub/l/..")},
		{file("t.txt", "t"), hardlink("h", "t.txt"), hardlink("o", "../outside/x")},
	}
	for _, s := range seeds {
		f.Add(tarBytes(f, s))
		f.Add(gzipBytes(f, tarBytes(f, s)))
		if zipCanHold(s) {
			f.Add(zipBytes(f, s))
		}
	}
	f.Add([]byte{})
	f.Add([]byte("PK\x05\x06"))
	f.Fuzz(func(t *testing.T, data []byte) {
		parent := t.TempDir()
		dest := filepath.Join(parent, "dest")
		archive := filepath.Join(t.TempDir(), "pkg")
		if err := os.WriteFile(archive, data, 0o644); err != nil {
			t.Fatal(err)
		}
		opts := Options{
			Substitute:  []string{"**/*.json"},
			Transform:   func(_ string, b []byte) ([]byte, error) { return bytes.ToUpper(b), nil },
			MaxFileSize: 1 << 20,
		}
		Extract(context.Background(), archive, dest, opts)
		entries, err := os.ReadDir(parent)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "dest" {
				t.Errorf("%q was written beside the destination", e.Name())
			}
		}
		if _, err := os.Lstat(dest); err == nil {
			checkInside(t, dest)
		}
	})
}
