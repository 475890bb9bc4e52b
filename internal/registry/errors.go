package registry

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"

	"oras.land/oras-go/v2/errdef"
	"oras.land/oras-go/v2/registry/remote/auth"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// ErrNotFound is wrapped by the error for a tag, blob or repository the
// registry does not have.
var ErrNotFound = errdef.ErrNotFound

// An Error is a registry operation that failed: what was being done, the
// cause, and a hint for the common mistakes (no login, an untrusted CA, a
// wrong url).
type Error struct {
	What string // e.g. `resolve web 1.4.0 in feed "ghcr" (oci://…)`
	Err  error
	Hint string
}

func (e *Error) Error() string { return e.What + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// fail wraps err with what was being done at loc, and a hint when the
// cause is a common one.
func (c *Client) fail(what string, err error) error {
	if err == nil {
		return nil
	}
	var already *Error
	if errors.As(err, &already) {
		return err
	}
	e := &Error{What: fmt.Sprintf("%s in %s (%s)", what, c.loc.Name, c.loc), Err: err}
	var (
		resp    *errcode.ErrorResponse
		opErr   *net.OpError
		dnsErr  *net.DNSError
		unknown x509.UnknownAuthorityError
		hostErr x509.HostnameError
	)
	switch {
	case errors.Is(err, auth.ErrBasicCredentialNotFound):
		e.Hint = fmt.Sprintf("the registry wants credentials and none are configured for %s: log in with `docker login %s` (zonectl reads DOCKER_CONFIG, else ~/.docker/config.json, and its credential helpers)", c.loc.Host, c.loc.Host)
	case errors.As(err, &resp) && resp.StatusCode == http.StatusUnauthorized:
		e.Hint = fmt.Sprintf("the registry wants credentials that were not given or not taken: log in with `docker login %s` (zonectl reads DOCKER_CONFIG, else ~/.docker/config.json, and its credential helpers)", c.loc.Host)
	case errors.As(err, &resp) && resp.StatusCode == http.StatusForbidden:
		e.Hint = "the credentials were taken, but they may not do this here: ask for pull (and push) on " + c.loc.Host + "/" + c.loc.Path
	case strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		e.Hint = "the registry speaks plain HTTP: set plain_http = true on the feed or store block (ZONECTL_STORE: oci+http://…)"
	case errors.As(err, &unknown), errors.As(err, &hostErr):
		e.Hint = "the registry's TLS certificate is not trusted here: add its CA to the system's trust store (or point SSL_CERT_FILE at it)"
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		e.Hint = "the registry cannot be reached: check the url, the network, and plain_http for a registry that speaks HTTP"
	}
	return e
}

// responseError reads a registry's error response as oras-go does.
func responseError(resp *http.Response) error {
	e := &errcode.ErrorResponse{Method: resp.Request.Method, URL: resp.Request.URL, StatusCode: resp.StatusCode}
	var body struct {
		Errors errcode.Errors `json:"errors"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 8<<10)).Decode(&body); err == nil {
		e.Errors = body.Errors
	}
	return e
}
