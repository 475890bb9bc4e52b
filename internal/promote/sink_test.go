package promote

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/parts"
)

func TestBuildOptionsValidate(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "rel.zbundle")
	for _, tt := range []struct {
		name  string
		opts  BuildOptions
		there string
		want  string
	}{
		{"a new file", BuildOptions{Out: out}, "", ""},
		{"no file", BuildOptions{}, "", "no file"},
		{"the file is there", BuildOptions{Out: out}, "rel.zbundle", "rel.zbundle exists"},
		{"parts of a new set", BuildOptions{Out: out, Split: parts.MinSize}, "", ""},
		{"the bundle is there, the parts are not", BuildOptions{Out: out, Split: parts.MinSize}, "rel.zbundle", ""},
		{"a part too small", BuildOptions{Out: out, Split: parts.MinSize - 1}, "", "at least 1048576 bytes"},
		{"the index is there", BuildOptions{Out: out, Split: parts.MinSize}, "rel.zbundle.index", "rel.zbundle.index exists"},
		{"a part of an earlier set is there", BuildOptions{Out: out, Split: parts.MinSize}, "rel.zbundle.part007", "rel.zbundle.part007 exists"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.there != "" {
				path := filepath.Join(dir, tt.there)
				if err := os.WriteFile(path, nil, 0o644); err != nil {
					t.Fatal(err)
				}
				defer os.Remove(path)
			}
			err := tt.opts.Validate()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}
