package config_test

import (
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/zonectl/zonectl/hcl/config"
)

// Diagnostics that a txtar archive cannot provoke: they need a file system
// with a broken symbolic link, or bytes that are not text.
func TestFileSystemDiagnostics(t *testing.T) {
	base := func() fstest.MapFS {
		return fstest.MapFS{
			"space.hcl": {Data: []byte("space \"devtest\" {}\nlifecycle \"Default\" {}\n")},
		}
	}
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{
			name: "dangling symlink",
			fsys: func() fstest.MapFS {
				m := base()
				m["environments.hcl"] = &fstest.MapFile{Mode: fs.ModeSymlink, Data: []byte("shared/environments.hcl")}
				return m
			}(),
			want: "error -: Cannot read file: Reading \"environments.hcl\": no such file.\n",
		},
		{
			name: "file() of a binary file",
			fsys: func() fstest.MapFS {
				m := base()
				m["projects/web/project.hcl"] = &fstest.MapFile{Data: []byte("project \"web\" {\n  lifecycle = \"Default\"\n}\nstep \"Run\" {\n  run_script {\n    body = file(\"tool\")\n  }\n}\n")}
				m["projects/web/tool"] = &fstest.MapFile{Data: []byte{0x7f, 'E', 'L', 'F', 0xff, 0xfe}}
				return m
			}(),
			want: "error projects/web/project.hcl:6:18: Invalid function argument: Invalid value for \"path\" parameter: \"projects/web/tool\" is not UTF-8 text; file() reads text files only.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, diags := config.Load(tt.fsys)
			if s == nil {
				t.Fatal("Load returned no Space")
			}
			if got := describe(diags); got != tt.want {
				t.Errorf("diagnostics differ\n--- got\n%s--- want\n%s", got, tt.want)
			}
		})
	}
}
