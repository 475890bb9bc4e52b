package space

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zonectl/zonectl/internal/atomicfile"
)

// example is what init --example writes beside a new Space: commented
// environments, a lifecycle and a project to start from, valid as they
// are.
//
//go:embed example
var example embed.FS

// WriteExample writes the example files into the Space at dir, left in
// the work tree to read, change and commit. It refuses to overwrite a
// file, and returns the paths written, slash-separated from dir.
func WriteExample(dir string) ([]string, error) {
	var written []string
	err := fs.WalkDir(example, "example", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel := p[len("example/"):]
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Lstat(dst); err == nil {
			return fmt.Errorf("%s is there already; the example never overwrites a file", rel)
		}
		data, err := example.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := atomicfile.WriteNew(dst, data, 0o644); err != nil {
			return err
		}
		written = append(written, rel)
		return nil
	})
	return written, err
}
