package config_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/zonectl/zonectl/hcl/config"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/diagnostics")

// spaceFS turns a txtar archive into a Space file system; the "want" file
// is the expectation, not part of the Space.
func spaceFS(a *txtar.Archive) (fstest.MapFS, string) {
	fsys := fstest.MapFS{}
	want := ""
	for _, f := range a.Files {
		if f.Name == "want" {
			want = string(f.Data)
			continue
		}
		fsys[f.Name] = &fstest.MapFile{Data: f.Data}
	}
	return fsys, want
}

// describe writes diagnostics one a line, as the fixtures expect them:
// severity, file:line:column, summary and detail.
func describe(diags hcl.Diagnostics) string {
	var b strings.Builder
	for _, d := range diags {
		sev := "error"
		if d.Severity == hcl.DiagWarning {
			sev = "warning"
		}
		where := "-"
		if d.Subject != nil {
			where = fmt.Sprintf("%s:%d:%d", d.Subject.Filename, d.Subject.Start.Line, d.Subject.Start.Column)
		}
		fmt.Fprintf(&b, "%s %s: %s: %s\n", sev, where, d.Summary, strings.ReplaceAll(d.Detail, "\n", `\n`))
	}
	return b.String()
}

// TestDiagnostics loads each broken Space under testdata/diagnostics and
// compares every diagnostic, message and position with its want section.
func TestDiagnostics(t *testing.T) {
	files, _ := filepath.Glob("testdata/diagnostics/*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/diagnostics")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys, want := spaceFS(a)
			s, diags := config.Load(fsys)
			if s == nil {
				t.Fatal("Load returned no Space")
			}
			got := describe(diags)
			if *update {
				for i := range a.Files {
					if a.Files[i].Name == "want" {
						a.Files[i].Data = []byte(got)
					}
				}
				if err := os.WriteFile(file, txtar.Format(a), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if !diags.HasErrors() && !strings.Contains(want, "warning") {
				t.Errorf("the fixture is meant to be broken, but Load reported no error")
			}
			if got != want {
				t.Errorf("diagnostics differ\n--- got\n%s--- want\n%s", got, want)
			}
		})
	}
}

// TestValid loads each Space under testdata/valid and expects nothing to
// be reported.
func TestValid(t *testing.T) {
	files, _ := filepath.Glob("testdata/valid/*.txtar")
	if len(files) == 0 {
		t.Fatal("no fixtures in testdata/valid")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			a, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fsys, _ := spaceFS(a)
			_, diags := config.Load(fsys)
			if len(diags) > 0 {
				t.Errorf("unexpected diagnostics:\n%s", describe(diags))
			}
		})
	}
}
