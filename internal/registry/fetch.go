package registry

import (
	"context"
	"fmt"
	"io"
	"net/http"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry/remote/auth"
)

// fetchAttempts bounds how often a download that broke off is resumed.
const fetchAttempts = 5

// Fetch opens the bytes of blob in package id's repository. The reader
// resumes a download that breaks off (with a range request) up to a few
// times. It does not judge the bytes: the caller checks them against
// blob's digest and size, as the package store does with everything that
// arrives by hash, so that bytes a registry gets wrong, in any way, are
// one verification failure.
func (c *Client) Fetch(ctx context.Context, id string, blob ocispec.Descriptor) (io.ReadCloser, error) {
	_, ref := c.repository(id)
	r := &resumer{ctx: auth.AppendRepositoryScope(ctx, ref, auth.ActionPull), c: c, what: fmt.Sprintf("fetch %s@%s", ref, blob.Digest),
		url: fmt.Sprintf("%s/v2/%s/blobs/%s", c.baseURL(), ref.Repository, blob.Digest), size: blob.Size}
	req, err := http.NewRequest(http.MethodGet, r.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.do(r.ctx, req)
	if err != nil {
		return nil, c.fail(r.what, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		r.rc = resp.Body
		return r, nil
	case http.StatusNotFound:
		resp.Body.Close()
		return nil, c.fail(r.what, fmt.Errorf("%s has no blob %s: %w", ref, blob.Digest, ErrNotFound))
	}
	defer resp.Body.Close()
	return nil, c.fail(r.what, responseError(resp))
}

// resumer reads a blob, and asks for the rest of it (a range request)
// when the download breaks off.
type resumer struct {
	ctx   context.Context
	c     *Client
	what  string
	url   string // the blob's
	rc    io.ReadCloser
	n     int64
	size  int64
	tries int
}

func (r *resumer) Read(p []byte) (int, error) {
	for {
		n, err := r.rc.Read(p)
		r.n += int64(n)
		if err == io.EOF && r.n < r.size {
			err = io.ErrUnexpectedEOF
		}
		switch {
		case err == nil || err == io.EOF:
			return n, err
		case n > 0:
			return n, nil // the broken stream says so again on the next read
		}
		if err := r.resume(err); err != nil {
			return 0, err
		}
	}
}

// resume asks for the blob from where the download stands, after cause.
// A request that fails leaves a reader that fails, for the next try.
func (r *resumer) resume(cause error) error {
	r.tries++
	if r.tries > fetchAttempts || r.ctx.Err() != nil {
		return r.c.fail(r.what, fmt.Errorf("after %d bytes: %w", r.n, cause))
	}
	if err := backoff(r.ctx, r.tries); err != nil {
		return err
	}
	r.rc.Close()
	req, err := http.NewRequest(http.MethodGet, r.url, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Range", fmt.Sprintf("bytes=%d-", r.n))
	resp, err := r.c.do(r.ctx, req)
	switch {
	case err != nil:
		r.rc = io.NopCloser(failing{err})
	case resp.StatusCode == http.StatusPartialContent && rangeStart(resp) == r.n:
		r.rc = resp.Body
	case resp.StatusCode == http.StatusPartialContent:
		resp.Body.Close()
		return r.c.fail(r.what, fmt.Errorf("after %d bytes: %w; asked for the rest, the registry sent %q", r.n, cause, resp.Header.Get("Content-Range")))
	default:
		resp.Body.Close()
		return r.c.fail(r.what, fmt.Errorf("after %d bytes: %w; asked for the rest, the registry answered %s", r.n, cause, resp.Status))
	}
	return nil
}

// rangeStart is where a partial response's Content-Range starts, or -1.
func rangeStart(resp *http.Response) int64 {
	var start, end, total int64
	if _, err := fmt.Sscanf(resp.Header.Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total); err != nil {
		if _, err := fmt.Sscanf(resp.Header.Get("Content-Range"), "bytes %d-%d/*", &start, &end); err != nil {
			return -1
		}
	}
	return start
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

func (r *resumer) Close() error { return r.rc.Close() }
