package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var testNow = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func newStore(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "store"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func opts(id, version string) PushOptions {
	return PushOptions{ID: id, Version: version, FileName: id + "." + version + ".tar.gz", PushedBy: "Release Engineer <re@example.com>", Now: testNow}
}

func push(t testing.TB, s *Store, id, version string, data []byte) (Package, bool) {
	t.Helper()
	pkg, existed, err := s.Push(context.Background(), bytes.NewReader(data), opts(id, version))
	if err != nil {
		t.Fatalf("push %s %s: %v", id, version, err)
	}
	return pkg, existed
}

func sum(data []byte) string {
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// snapshot maps every file and directory under dir to its mode and
// content, to check that a refused operation changed nothing.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && path == dir {
				return filepath.SkipDir
			}
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		v := info.Mode().String()
		if d.Type().IsRegular() {
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			v += " " + sum(data)
		}
		m[path] = v
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// tmpFiles lists what is left under the store's tmp/.
func tmpFiles(t testing.TB, s *Store) []string {
	t.Helper()
	entries, err := os.ReadDir(s.path(tmpDir))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// genReader yields size deterministic pseudo-random bytes without holding
// them: a 1 MiB block repeated, each repetition stamped with its number
// and the seed so that no two MiB are alike.
type genReader struct {
	block     []byte
	seed      uint64
	off, left int64
}

const genBlock = 1 << 20

func newGenReader(seed uint64, size int64) *genReader {
	block := make([]byte, genBlock)
	rng := rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8), 'z', 'o', 'n', 'e'})
	rng.Read(block)
	return &genReader{block: block, seed: seed, left: size}
}

func (g *genReader) Read(p []byte) (int, error) {
	if g.left == 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n := 0
	for n < len(p) {
		i := g.off % genBlock
		if i == 0 {
			binary.LittleEndian.PutUint64(g.block, uint64(g.off/genBlock)^g.seed<<40)
		}
		c := copy(p[n:], g.block[i:])
		n += c
		g.off += int64(c)
	}
	g.left -= int64(n)
	return n, nil
}
