package names_test

import (
	"strings"
	"testing"

	"github.com/zonectl/zonectl/internal/names"
)

func TestCheckSpace(t *testing.T) {
	for _, name := range []string{"prod", "devtest", "EU-West.2", "a", "0_x", strings.Repeat("a", 63)} {
		if err := names.CheckSpace(name); err != nil {
			t.Errorf("CheckSpace(%q) = %v", name, err)
		}
	}
	for _, name := range []string{"", ".prod", "-prod", "_prod", "pr od", "prod/x", "prod\x00", "../prod", "prød", strings.Repeat("a", 64)} {
		err := names.CheckSpace(name)
		if err == nil || !strings.Contains(err.Error(), "invalid Space name") {
			t.Errorf("CheckSpace(%q) = %v, want it refused", name, err)
		}
	}
}

func TestCheckPackageID(t *testing.T) {
	for _, id := range []string{"acme-web", "Acme.Web", "a", "7zip", "x_y", strings.Repeat("a", 100)} {
		if err := names.CheckPackageID(id); err != nil {
			t.Errorf("CheckPackageID(%q) = %v", id, err)
		}
	}
	for _, tc := range []struct{ id, want string }{
		{"", "empty package ID"},
		{strings.Repeat("a", 101), "is 101 characters long; at most 100 are allowed"},
		{"-web", "invalid package ID"},
		{"acme/web", "invalid package ID"},
		{"acme web", "invalid package ID"},
		{"..", "invalid package ID"},
	} {
		if err := names.CheckPackageID(tc.id); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckPackageID(%q) = %v, want an error saying %q", tc.id, err, tc.want)
		}
	}
}

func TestCheckPackageVersion(t *testing.T) {
	v, err := names.CheckPackageVersion("1.4.0-rc.1+b7")
	if err != nil || v.String() != "1.4.0-rc.1+b7" {
		t.Errorf("CheckPackageVersion(1.4.0-rc.1+b7) = %v, %v", v, err)
	}
	long := "1.0.0-" + strings.Repeat("a", 123)
	for _, tc := range []struct{ v, want string }{
		{"1.4", ""},
		{"v1.4.0", ""},
		{"", ""},
		{long, "is 129 characters long; at most 128 are allowed"},
	} {
		if _, err := names.CheckPackageVersion(tc.v); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckPackageVersion(%q) = %v, want an error saying %q", tc.v, err, tc.want)
		}
	}
	if _, err := names.CheckPackageVersion(long[:128]); err != nil {
		t.Errorf("a version of 128 characters: %v", err)
	}
}

func TestCheckSHA256(t *testing.T) {
	good := strings.Repeat("0123456789abcdef", 4)
	if err := names.CheckSHA256(good); err != nil {
		t.Errorf("CheckSHA256(%q) = %v", good, err)
	}
	for _, sum := range []string{"", good[:63], good + "0", strings.ToUpper(good), good[:63] + "g", good[:62] + "/0"} {
		if err := names.CheckSHA256(sum); err == nil || !strings.Contains(err.Error(), "want 64 lowercase hex digits") {
			t.Errorf("CheckSHA256(%q) = %v, want it refused", sum, err)
		}
	}
}
