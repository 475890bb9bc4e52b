package store

import (
	"context"
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkPush measures Push beside references run on the same bytes in
// the same run, so the figures compare on any machine:
//
//	push          store.Push: hash, write to tmp/, fsync, rename, index entry
//	sha256-devnull io.Copy of the bytes through SHA-256 to /dev/null: the hashing alone
//	write-fsync   io.Copy of the bytes to a file, then fsync: the disk alone
//	sha256sum     coreutils sha256sum on a file of the bytes (page cache warm)
//
// Run it with: go test -run '^$' -bench Push -benchtime 5x ./internal/store/
func BenchmarkPush(b *testing.B) {
	const size = 256 << 20
	ctx := context.Background()

	b.Run("push", func(b *testing.B) {
		s := newStore(b)
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			_, _, err := s.Push(ctx, newGenReader(uint64(i), size), opts("bench", fmt.Sprintf("1.0.%d", i)))
			if err != nil {
				b.Fatal(err)
			}
		}
	})

	b.Run("sha256-devnull", func(b *testing.B) {
		null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
		if err != nil {
			b.Skip(err)
		}
		defer null.Close()
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			h := sha256.New()
			if _, err := io.Copy(io.MultiWriter(h, null), newGenReader(uint64(i), size)); err != nil {
				b.Fatal(err)
			}
			h.Sum(nil)
		}
	})

	b.Run("write-fsync", func(b *testing.B) {
		dir := b.TempDir()
		b.SetBytes(size)
		for i := 0; b.Loop(); i++ {
			f, err := os.Create(filepath.Join(dir, fmt.Sprint(i)))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := io.CopyBuffer(f, newGenReader(uint64(i), size), make([]byte, copyBufferSize)); err != nil {
				b.Fatal(err)
			}
			if err := f.Sync(); err != nil {
				b.Fatal(err)
			}
			f.Close()
		}
	})

	b.Run("sha256sum", func(b *testing.B) {
		tool, err := exec.LookPath("sha256sum")
		if err != nil {
			b.Skip("sha256sum is not installed")
		}
		path := filepath.Join(b.TempDir(), "package")
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(f, newGenReader(0, size)); err != nil {
			b.Fatal(err)
		}
		f.Close()
		b.SetBytes(size)
		for b.Loop() {
			if out, err := exec.Command(tool, path).CombinedOutput(); err != nil {
				b.Fatalf("sha256sum: %v: %s", err, out)
			}
		}
	})
}
