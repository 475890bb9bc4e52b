package promote

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/zonectl/zonectl/internal/parts"
	"github.com/zonectl/zonectl/internal/zbundle"
)

// CheckWritten reads back the bundle Build wrote to out (with split, the
// parts end to end, as their index lists them) and checks every member
// against m, as an importer would. It returns the bundle's SHA-256, which
// the ledger records. A promotion is recorded only after this passes, so
// the ledger never counts a bundle that is not whole on disk.
func CheckWritten(out string, split bool, m *zbundle.Manifest) (string, error) {
	src, closeSrc, err := openWritten(out, split)
	if err != nil {
		return "", err
	}
	defer closeSrc()
	h := sha256.New()
	tee := io.TeeReader(src, h)
	r, err := zbundle.NewReader(tee)
	if err != nil {
		return "", fmt.Errorf("read back %s: %w", out, err)
	}
	scratch, err := os.MkdirTemp(filepath.Dir(out), ".check-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(scratch)
	skipAll := zbundle.ExtractOptions{Skip: func(string) bool { return true }}
	if _, err := r.Extract(scratch, m, skipAll); err != nil {
		return "", fmt.Errorf("read back %s: %w", out, err)
	}
	if _, err := io.Copy(io.Discard, tee); err != nil {
		return "", fmt.Errorf("read back %s: %w", out, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// openWritten opens the bundle at out, or the parts its index lists.
func openWritten(out string, split bool) (io.Reader, func(), error) {
	if !split {
		f, err := os.Open(out)
		if err != nil {
			return nil, nil, err
		}
		return f, func() { f.Close() }, nil
	}
	name := parts.IndexName(out)
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, nil, err
	}
	x, err := parts.ParseIndex(filepath.Base(name), data)
	if err != nil {
		return nil, nil, err
	}
	r := parts.NewReader(x, func(p *parts.Part) (io.ReadCloser, string, error) {
		path := filepath.Join(filepath.Dir(out), p.Name)
		f, err := os.Open(path)
		return f, path, err
	})
	return r, func() { r.Close() }, nil
}
