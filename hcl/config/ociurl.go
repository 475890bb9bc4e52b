package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strconv"
	"strings"
)

// ociPathComponent is one component of an OCI repository name, as the
// distribution specification writes it.
var ociPathComponent = regexp.MustCompile(`^[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*$`)

// ociHostname is a registry's host name: DNS labels separated by dots.
var ociHostname = regexp.MustCompile(`^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// ParseOCIURL parses the url of a feed or store block,
// oci://HOST[:PORT][/PATH], into the registry's host (with its port, if
// written) and the repository path below it, without a leading or
// trailing slash ("" for the registry's root). A trailing slash is
// tolerated. Credentials, a query and a fragment are refused, and each
// path segment must be a component of an OCI repository name. Its error
// is the text validate shows for the url; the URL it quotes never holds
// the credentials that were written in it.
func ParseOCIURL(s string) (host, path string, err error) {
	if s == "" {
		return "", "", errors.New("the URL is empty; write oci://HOST[:PORT][/PATH], such as oci://registry.example.com/acme")
	}
	scheme, rest, found := strings.Cut(s, "://")
	if !found {
		scheme, rest = "", s
	}
	authority, tail := rest, ""
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority, tail = rest[:i], rest[i:]
	}
	if at := strings.LastIndex(authority, "@"); at >= 0 {
		shown := authority[at+1:] + tail
		if found {
			shown = scheme + "://" + shown
		}
		return "", "", &credentialsError{shown: shown, host: authority[at+1:]}
	}
	switch {
	case strings.TrimSpace(s) != s:
		return "", "", fmt.Errorf("%q has spaces around it", s)
	case !found:
		return "", "", fmt.Errorf("%q is not an OCI URL: it has no scheme; write oci://%s", s, strings.TrimLeft(strings.TrimPrefix(s, "oci:"), "/"))
	case scheme != "oci":
		return "", "", fmt.Errorf("%q is not an OCI URL: its scheme is %q; write oci://%s (HTTPS is the default, and plain HTTP is a setting of its own, never the scheme)", s, scheme, rest)
	}
	u, err := url.Parse(s)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return "", "", fmt.Errorf("%q is not a valid URL: %v", s, err)
	}
	switch {
	case u.RawQuery != "" || u.ForceQuery:
		return "", "", fmt.Errorf("%q has a query (\"?%s\"); an OCI URL is a registry host and a repository path, nothing more", s, u.RawQuery)
	case strings.Contains(s, "#"):
		return "", "", fmt.Errorf("%q has a fragment (%q); an OCI URL is a registry host and a repository path, nothing more", s, tail[strings.Index(tail, "#"):])
	case authority == "":
		return "", "", fmt.Errorf("%q names no registry host; write oci://HOST[:PORT][/PATH], such as oci://registry.example.com/acme", s)
	}
	if err := checkOCIHost(u); err != nil {
		return "", "", fmt.Errorf("%q %w", s, err)
	}
	tail = strings.TrimSuffix(tail, "/") // tolerated, and dropped
	if tail == "" {
		return authority, "", nil
	}
	path = tail[1:]
	for _, seg := range strings.Split(path, "/") {
		if err := checkOCIPathSegment(seg); err != nil {
			return "", "", fmt.Errorf("%q %w", s, err)
		}
	}
	return authority, path, nil
}

// checkOCIHost checks the host and port of a parsed URL; its error reads
// after the URL.
func checkOCIHost(u *url.URL) error {
	name := u.Hostname()
	switch {
	case strings.HasPrefix(u.Host, "["):
		if net.ParseIP(name) == nil {
			return fmt.Errorf("has host %q, which is not an IPv6 address", u.Host)
		}
	case name == "" || !ociHostname.MatchString(name):
		return fmt.Errorf("has host %q, which is not a host name or an IP address", name)
	}
	if !strings.HasSuffix(u.Host, ":") && u.Port() == "" {
		return nil
	}
	if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("has port %q; a port is a number from 1 to 65535", u.Port())
	}
	return nil
}

// checkOCIPathSegment checks one segment of the path; its error reads
// after the URL.
func checkOCIPathSegment(seg string) error {
	switch {
	case seg == "":
		return errors.New("has an empty path segment (\"//\")")
	case ociPathComponent.MatchString(seg):
		return nil
	case ociPathComponent.MatchString(strings.ToLower(seg)):
		return fmt.Errorf("has path segment %q, which is not lower case; OCI repository names are lower case: write %q", seg, strings.ToLower(seg))
	}
	return fmt.Errorf("has path segment %q, which is not a component of an OCI repository name: lower-case letters and digits, separated by one \".\", one or two \"_\", or dashes ([a-z0-9]+((\\.|_|__|-+)[a-z0-9]+)*)", seg)
}

// credentialsError is a URL that holds credentials. It never says what
// they were: shown is the URL without them.
type credentialsError struct{ shown, host string }

func (e *credentialsError) Error() string {
	host := e.host
	if host == "" {
		host = "HOST"
	}
	return fmt.Sprintf("%q must not hold credentials (what was written before \"@\" is left out here); credentials come from the Docker config, as `docker login %s` writes it (~/.docker/config.json, or config.json in $DOCKER_CONFIG), or from a credential helper (docker-credential-*)", e.shown, host)
}
