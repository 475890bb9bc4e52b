package release_test

import (
	"strings"
	"testing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/release"
)

func TestRef(t *testing.T) {
	tests := []struct {
		project, version string
		want             string
	}{
		// Ordinary names stay readable.
		{"acme-web", "1.4.0", "refs/zonectl/releases/acme-web/1.4.0"},
		{"api_v2", "0.1.0", "refs/zonectl/releases/api_v2/0.1.0"},
		{"Acme.Web", "1.4.0", "refs/zonectl/releases/acme.web/1.4.0"},
		// Names match ignoring case, so the ref uses the folded name;
		// the version keeps its spelling.
		{"Acme-Web", "1.4.0-RC.1", "refs/zonectl/releases/acme-web/1.4.0-RC.1"},
		{"ACME-WEB", "1.4.0", "refs/zonectl/releases/acme-web/1.4.0"},
		// Pre-release and build metadata.
		{"acme-web", "1.4.0-rc.1+build.7", "refs/zonectl/releases/acme-web/1.4.0-rc.1+build.7"},
		{"acme-web", "2.0.0+20250314.sha-1a2b3c", "refs/zonectl/releases/acme-web/2.0.0+20250314.sha-1a2b3c"},
		// What Git does not allow, or what would collide, is %XX.
		{"Acme Web", "1.4.0", "refs/zonectl/releases/acme%20web/1.4.0"},
		{"a/b", "1.0.0", "refs/zonectl/releases/a%2Fb/1.0.0"},
		{"50%", "1.0.0", "refs/zonectl/releases/50%25/1.0.0"},
		{"a%2Fb", "1.0.0", "refs/zonectl/releases/a%252fb/1.0.0"},
		{".hidden", "1.0.0", "refs/zonectl/releases/%2Ehidden/1.0.0"},
		{"web.", "1.0.0", "refs/zonectl/releases/web%2E/1.0.0"},
		{"a..b", "1.0.0", "refs/zonectl/releases/a.%2Eb/1.0.0"},
		{"web@{1}", "1.0.0", "refs/zonectl/releases/web%40%7B1%7D/1.0.0"},
		{"what?*[x]", "1.0.0", "refs/zonectl/releases/what%3F%2A%5Bx%5D/1.0.0"},
		{"tilde~caret^colon:", "1.0.0", "refs/zonectl/releases/tilde%7Ecaret%5Ecolon%3A/1.0.0"},
		{`back\slash`, "1.0.0", "refs/zonectl/releases/back%5Cslash/1.0.0"},
		{"tab\there", "1.0.0", "refs/zonectl/releases/tab%09here/1.0.0"},
		{"Ärger", "1.0.0", "refs/zonectl/releases/%C3%A4rger/1.0.0"},
	}
	for _, tt := range tests {
		got, err := release.Ref(tt.project, tt.version)
		if err != nil {
			t.Errorf("Ref(%q, %q): %v", tt.project, tt.version, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Ref(%q, %q) = %q, want %q", tt.project, tt.version, got, tt.want)
		}
		if err := gitstore.ValidateRefName(got); err != nil {
			t.Errorf("Ref(%q, %q) = %q, which Git refuses: %v", tt.project, tt.version, got, err)
		}
		if prefix := release.ProjectRefPrefix(tt.project); !strings.HasPrefix(got, prefix) {
			t.Errorf("Ref(%q, %q) = %q lies outside ProjectRefPrefix %q", tt.project, tt.version, got, prefix)
		}
	}
}

// Distinct projects never share a ref prefix, whatever characters they
// use; names that differ only in case do, as they are one project.
func TestProjectRefPrefixNoCollisions(t *testing.T) {
	names := []string{"a b", "a%20b", "a_b", "a-b", "a.b", "a/b", "a%2Fb", "a", "a/", "ab", ".ab", "%2Eab"}
	seen := map[string]string{}
	for _, n := range names {
		p := release.ProjectRefPrefix(n)
		if other, ok := seen[p]; ok {
			t.Errorf("projects %q and %q share the ref prefix %q", other, n, p)
		}
		seen[p] = n
		if strings.Count(strings.TrimPrefix(p, release.RefPrefix), "/") != 1 {
			t.Errorf("ProjectRefPrefix(%q) = %q is not one component under %s", n, p, release.RefPrefix)
		}
	}
	if release.ProjectRefPrefix("Acme-Web") != release.ProjectRefPrefix("acme-web") {
		t.Error("project names that differ only in case have different ref prefixes")
	}
}
