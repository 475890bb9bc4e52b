package space

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"

	"github.com/zonectl/zonectl/hcl/format"
)

// TestExamplesValidate validates every example Space in examples/, so the
// examples never rot: no error and no warning, and every file already in
// the canonical format.
func TestExamplesValidate(t *testing.T) {
	roots, err := filepath.Glob("../../examples/*/*/space.hcl")
	if err != nil {
		t.Fatal(err)
	}
	if len(roots) < 5 {
		t.Fatalf("found %d example Spaces, want the 2 secure-environments and 3 geo Spaces", len(roots))
	}
	for _, sp := range roots {
		root := filepath.Dir(sp)
		name := strings.TrimPrefix(root, "../../examples/")
		t.Run(name, func(t *testing.T) {
			cfg, diags := ValidateDir(root)
			for _, d := range diags {
				t.Errorf("%s", d)
			}
			if cfg.Name() != filepath.Base(root) {
				t.Errorf("space is named %q, want the directory's name %q", cfg.Name(), filepath.Base(root))
			}
			filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || filepath.Ext(path) != ".hcl" {
					return err
				}
				src, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				out, fdiags := format.Source(path, src)
				if fdiags.HasErrors() {
					t.Errorf("%s: %s", path, hcl.Diagnostics(fdiags).Error())
				} else if string(out) != string(src) {
					t.Errorf("%s is not in the canonical format: run zonectl fmt", path)
				}
				return nil
			})
		})
	}
}
