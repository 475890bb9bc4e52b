package config_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/hcl/v2"
	"github.com/rogpeppe/go-internal/txtar"

	"github.com/zonectl/zonectl/hcl/config"
)

// secret is the plain-text secret that fixtures write where a sensitive
// value belongs; no diagnostic may repeat it.
const secret = "hunter2-s3cret"

func loadDiagnosticsFixture(t *testing.T, file string) hcl.Diagnostics {
	t.Helper()
	a, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	fsys, _ := spaceFS(a)
	_, diags := config.Load(fsys)
	return diags
}

// TestSecretsNeverQuoted checks every fixture that holds the secret: no
// diagnostic repeats it, and a plain-text sensitive value is marked so that
// whoever shows the source line masks it.
func TestSecretsNeverQuoted(t *testing.T) {
	files, _ := filepath.Glob("testdata/diagnostics/*.txtar")
	seen := 0
	for _, file := range files {
		a, err := txtar.ParseFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(txtar.Format(a)), secret) {
			continue
		}
		seen++
		for _, d := range loadDiagnosticsFixture(t, file) {
			if strings.Contains(d.Summary, secret) || strings.Contains(d.Detail, secret) {
				t.Errorf("%s: diagnostic quotes the secret: %s: %s", file, d.Summary, d.Detail)
			}
			if d.Summary == "Sensitive value in plain text" {
				if _, ok := d.Extra.(config.SensitiveSubject); !ok {
					t.Errorf("%s: %q is not marked SensitiveSubject", file, d.Summary)
				}
			}
		}
	}
	if seen < 2 {
		t.Fatalf("only %d fixtures hold the secret; the test checks nothing", seen)
	}
}

// TestSensitiveTemplateDefaultMasked: the default of a sensitive template
// is a secret in plain text too, so its diagnostic is marked for masking.
func TestSensitiveTemplateDefaultMasked(t *testing.T) {
	diags := loadDiagnosticsFixture(t, "testdata/diagnostics/template_sensitive_default.txtar")
	if len(diags) != 1 || diags[0].Summary != "Default on a sensitive template" {
		t.Fatalf("unexpected diagnostics:\n%s", describe(diags))
	}
	if _, ok := diags[0].Extra.(config.SensitiveSubject); !ok {
		t.Fatal("the diagnostic is not marked SensitiveSubject: the source line shown beside it would show the secret")
	}
}
