package release_test

import (
	"testing"

	"github.com/zonectl/zonectl/gitstore"
	"github.com/zonectl/zonectl/internal/release"
	"github.com/zonectl/zonectl/internal/semver"
)

// A component ending in ".lock" is not a valid Git ref component; a valid
// SemVer version or a project name may end so, and must still get a ref.
func TestRefLockSuffix(t *testing.T) {
	for _, tt := range []struct{ project, version string }{
		{"web", "1.0.0-rc.lock"},
		{"web", "1.0.0+build.lock"},
		{"web.lock", "1.0.0"},
	} {
		if _, err := semver.Parse(tt.version); err != nil {
			t.Fatalf("%s is not SemVer: %v", tt.version, err)
		}
		got, err := release.Ref(tt.project, tt.version)
		if err != nil {
			t.Errorf("Ref(%q, %q): %v", tt.project, tt.version, err)
			continue
		}
		if err := gitstore.ValidateRefName(got); err != nil {
			t.Errorf("Ref(%q, %q) = %q: %v", tt.project, tt.version, got, err)
		}
	}
}
