package config_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/zonectl/zonectl/hcl/config"
)

func TestParseOCIURL(t *testing.T) {
	tests := []struct {
		url        string
		host, path string
	}{
		{"oci://registry.example.com/acme", "registry.example.com", "acme"},
		{"oci://127.0.0.1:5000/team/packages", "127.0.0.1:5000", "team/packages"},
		{"oci://registry.example.com", "registry.example.com", ""},
		{"oci://registry.example.com/", "registry.example.com", ""},
		{"oci://registry.example.com/acme/", "registry.example.com", "acme"},
		{"oci://localhost:5000", "localhost:5000", ""},
		{"oci://[::1]:5000/acme", "[::1]:5000", "acme"},
		{"oci://Registry.Example.COM/acme", "Registry.Example.COM", "acme"},
		{"oci://ghcr.io/acme-corp/web.app/a_b/c__d/e---f/0", "ghcr.io", "acme-corp/web.app/a_b/c__d/e---f/0"},
	}
	for _, tt := range tests {
		host, path, err := config.ParseOCIURL(tt.url)
		if err != nil || host != tt.host || path != tt.path {
			t.Errorf("ParseOCIURL(%q) = %q, %q, %v; want %q, %q", tt.url, host, path, err, tt.host, tt.path)
		}
	}
}

func TestParseOCIURLErrors(t *testing.T) {
	tests := []struct {
		url, want string
	}{
		{"", `the URL is empty; write oci://HOST[:PORT][/PATH], such as oci://registry.example.com/acme`},
		{" oci://registry.example.com", `" oci://registry.example.com" has spaces around it`},
		{"registry.example.com/acme", `"registry.example.com/acme" is not an OCI URL: it has no scheme; write oci://registry.example.com/acme`},
		{"localhost:5000/acme", `"localhost:5000/acme" is not an OCI URL: it has no scheme; write oci://localhost:5000/acme`},
		{"oci:registry.example.com", `"oci:registry.example.com" is not an OCI URL: it has no scheme; write oci://registry.example.com`},
		{"https://registry.example.com/acme", `"https://registry.example.com/acme" is not an OCI URL: its scheme is "https"; write oci://registry.example.com/acme (HTTPS is the default, and plain HTTP is a setting of its own, never the scheme)`},
		{"OCI://registry.example.com", `"OCI://registry.example.com" is not an OCI URL: its scheme is "OCI"; write oci://registry.example.com (HTTPS is the default, and plain HTTP is a setting of its own, never the scheme)`},
		{"oci:///acme", `"oci:///acme" names no registry host; write oci://HOST[:PORT][/PATH], such as oci://registry.example.com/acme`},
		{"oci://", `"oci://" names no registry host; write oci://HOST[:PORT][/PATH], such as oci://registry.example.com/acme`},
		{"oci://registry.example.com/acme?tag=1", `"oci://registry.example.com/acme?tag=1" has a query ("?tag=1"); an OCI URL is a registry host and a repository path, nothing more`},
		{"oci://registry.example.com?", `"oci://registry.example.com?" has a query ("?"); an OCI URL is a registry host and a repository path, nothing more`},
		{"oci://registry.example.com/acme#web", `"oci://registry.example.com/acme#web" has a fragment ("#web"); an OCI URL is a registry host and a repository path, nothing more`},
		{"oci://registry.example.com:abc/acme", `"oci://registry.example.com:abc/acme" is not a valid URL: invalid port ":abc" after host`},
		{"oci://registry.example.com:/acme", `"oci://registry.example.com:/acme" has port ""; a port is a number from 1 to 65535`},
		{"oci://registry.example.com:70000/acme", `"oci://registry.example.com:70000/acme" has port "70000"; a port is a number from 1 to 65535`},
		{"oci://registry_1.example.com/acme", `"oci://registry_1.example.com/acme" has host "registry_1.example.com", which is not a host name or an IP address`},
		{"oci://-registry.example.com/acme", `"oci://-registry.example.com/acme" has host "-registry.example.com", which is not a host name or an IP address`},
		{"oci://registry.example.com/Acme/web", `"oci://registry.example.com/Acme/web" has path segment "Acme", which is not lower case; OCI repository names are lower case: write "acme"`},
		{"oci://registry.example.com/acme//web", `"oci://registry.example.com/acme//web" has an empty path segment ("//")`},
		{"oci://registry.example.com//", `"oci://registry.example.com//" has an empty path segment ("//")`},
		{"oci://registry.example.com/acme..web", `"oci://registry.example.com/acme..web" has path segment "acme..web", which is not a component of an OCI repository name: lower-case letters and digits, separated by one ".", one or two "_", or dashes ([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)`},
		{"oci://registry.example.com/a___b", `"oci://registry.example.com/a___b" has path segment "a___b", which is not a component of an OCI repository name: lower-case letters and digits, separated by one ".", one or two "_", or dashes ([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)`},
		{"oci://registry.example.com/-acme", `"oci://registry.example.com/-acme" has path segment "-acme", which is not a component of an OCI repository name: lower-case letters and digits, separated by one ".", one or two "_", or dashes ([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)`},
		{"oci://registry.example.com/a%20b", `"oci://registry.example.com/a%20b" has path segment "a%20b", which is not a component of an OCI repository name: lower-case letters and digits, separated by one ".", one or two "_", or dashes ([a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)`},
	}
	for _, tt := range tests {
		_, _, err := config.ParseOCIURL(tt.url)
		if err == nil {
			t.Errorf("ParseOCIURL(%q) succeeded; want %s", tt.url, tt.want)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseOCIURL(%q):\n got %s\nwant %s", tt.url, err, tt.want)
		}
	}
}

// A URL with credentials is refused in words that say where credentials
// come from, and never repeat them.
func TestParseOCIURLCredentials(t *testing.T) {
	tests := []struct {
		url, shown, host string
	}{
		{"oci://robot:s3cret@registry.example.com/acme", `"oci://registry.example.com/acme"`, "registry.example.com"},
		{"oci://s3cret@127.0.0.1:5000", `"oci://127.0.0.1:5000"`, "127.0.0.1:5000"},
		{"https://robot:s3cret@registry.example.com/acme?x#y", `"https://registry.example.com/acme?x#y"`, "registry.example.com"},
		{"robot:s3cret@registry.example.com/acme", `"registry.example.com/acme"`, "registry.example.com"},
		{"oci://robot:p@ss:s3cret@registry.example.com", `"oci://registry.example.com"`, "registry.example.com"},
	}
	for _, tt := range tests {
		_, _, err := config.ParseOCIURL(tt.url)
		if err == nil {
			t.Errorf("ParseOCIURL(%q) succeeded", tt.url)
			continue
		}
		want := tt.shown + ` must not hold credentials (what was written before "@" is left out here); credentials come from the Docker config, as ` + "`docker login " + tt.host + "`" + ` writes it (~/.docker/config.json, or config.json in $DOCKER_CONFIG), or from a credential helper (docker-credential-*)`
		if err.Error() != want {
			t.Errorf("ParseOCIURL(%q):\n got %s\nwant %s", tt.url, err, want)
		}
		if strings.Contains(err.Error(), "s3cret") || strings.Contains(err.Error(), "robot") {
			t.Errorf("ParseOCIURL(%q) repeats the credentials: %s", tt.url, err)
		}
	}
}

// FuzzParseOCIURL checks that what ParseOCIURL accepts it accepts again
// when written back from its parts, to the same parts, and that it never
// quotes a URL with credentials as it was written.
func FuzzParseOCIURL(f *testing.F) {
	for _, s := range []string{"oci://registry.example.com/acme", "oci://127.0.0.1:5000/team/packages/", "oci://[::1]", "oci://u:p@h/a", "https://h/A", "oci://h/a?b#c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		host, path, err := config.ParseOCIURL(s)
		if err != nil {
			if strings.HasPrefix(err.Error(), fmt.Sprintf("%q must not hold credentials", s)) {
				t.Fatalf("ParseOCIURL(%q) repeats the URL with its credentials: %s", s, err)
			}
			return
		}
		again := "oci://" + host
		if path != "" {
			again += "/" + path
		}
		h2, p2, err := config.ParseOCIURL(again)
		if err != nil || h2 != host || p2 != path {
			t.Fatalf("ParseOCIURL(%q) = %q, %q; written back as %q it gives %q, %q, %v", s, host, path, again, h2, p2, err)
		}
	})
}
