package config_test

import (
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/rogpeppe/go-internal/txtar"

	"github.com/zonectl/zonectl/hcl/config"
)

// FuzzLoad feeds arbitrary bytes to the loader as a root file and as a
// project file: it must never panic, and it must always return a Space.
func FuzzLoad(f *testing.F) {
	for _, dir := range []string{"testdata/valid", "testdata/diagnostics"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
		for _, file := range files {
			a, err := txtar.ParseFile(file)
			if err != nil {
				f.Fatal(err)
			}
			for _, af := range a.Files {
				if filepath.Ext(af.Name) == ".hcl" {
					f.Add(af.Data)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fsys := fstest.MapFS{
			"space.hcl":                 {Data: []byte(`space "s" {}`)},
			"fuzz.hcl":                  {Data: src},
			"projects/p/project.hcl":    {Data: src},
			"imports/peer/project.hcl":  {Data: src},
			"projects/p/scripts/run.sh": {Data: []byte("echo")},
		}
		s, diags := config.Load(fsys)
		if s == nil {
			t.Fatalf("Load returned no Space (diagnostics: %v)", diags)
		}
		for _, d := range diags {
			if d.Summary == "" {
				t.Fatalf("diagnostic without a summary: %#v", d)
			}
		}
	})
}
