package config_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zonectl/zonectl/hcl/config"
)

// A url written with credentials is reported with its subject marked
// sensitive, so the source line shown beside the error is masked; other
// broken urls are shown as written.
func TestOCIURLCredentialsMasked(t *testing.T) {
	tests := []struct {
		name, src string
		masked    bool
	}{
		{"feed with credentials", "feed \"harbor\" {\n  type = \"oci\"\n  url  = \"oci://robot:hunter2@registry.example.com/acme\"\n}\n", true},
		{"store with credentials", "store {\n  url = \"oci://hunter2@registry.example.com/acme\"\n}\n", true},
		{"feed without credentials", "feed \"harbor\" {\n  type = \"oci\"\n  url  = \"https://registry.example.com/acme\"\n}\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"space.hcl": {Data: []byte("space \"devtest\" {}\n")},
				"oci.hcl":   {Data: []byte(tt.src)},
			}
			_, diags := config.Load(fsys)
			if len(diags) != 1 {
				t.Fatalf("want one diagnostic, got:\n%s", describe(diags))
			}
			d := diags[0]
			if _, masked := d.Extra.(config.SensitiveSubject); masked != tt.masked {
				t.Errorf("subject masked = %v, want %v", masked, tt.masked)
			}
			if strings.Contains(d.Detail, "hunter2") {
				t.Errorf("the detail repeats the credentials: %s", d.Detail)
			}
		})
	}
}
