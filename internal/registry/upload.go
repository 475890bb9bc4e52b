package registry

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/opencontainers/go-digest"
	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
	"oras.land/oras-go/v2/registry"

	"github.com/zonectl/zonectl/internal/meter"
)

// chunkSize is the most an upload sends in one request: a chunk that
// fails is sent again, never the whole blob.
const chunkSize = 64 << 20

// chunkAttempts bounds the tries of one chunk.
const chunkAttempts = 5

// upload sends blob's bytes from src in chunks (the OCI distribution
// spec's PATCH uploads), then closes the upload with the digest, which
// the registry checks.
func (c *Client) upload(ctx context.Context, ref registry.Reference, blob ocispec.Descriptor, src io.ReaderAt, progress func(int64)) error {
	loc, err := c.send(ctx, ref, src, blob.Size, progress)
	if err != nil {
		return err
	}
	if err := c.finishUpload(ctx, loc, blob.Digest); err != nil {
		c.cancelUpload(loc)
		return err
	}
	return nil
}

// send opens an upload in ref and sends size bytes of src to it in
// chunks, each sent again from where the registry says the upload stands
// when it fails. It returns the upload's location, for finishUpload.
func (c *Client) send(ctx context.Context, ref registry.Reference, src io.ReaderAt, size int64, progress func(int64)) (_ *url.URL, err error) {
	loc, _, err := c.startUpload(ctx, ref, "", "")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil && loc != nil {
			c.cancelUpload(loc)
		}
	}()
	var off int64
	for tries := 0; off < size; {
		end := min(off+chunkSize, size)
		next, err := c.patch(ctx, loc, src, off, end, progress)
		if err == nil {
			loc, off, tries = next, end, 0
			continue
		}
		if tries++; tries >= chunkAttempts || ctx.Err() != nil {
			return nil, fmt.Errorf("upload to %s: bytes %d to %d: %w", ref, off, end, err)
		}
		if err := backoff(ctx, tries); err != nil {
			return nil, err
		}
		// Go on from where the registry says the upload stands; when it
		// cannot say, from the start, in a new upload.
		if at, l, serr := c.uploadStatus(ctx, loc); serr == nil && at > 0 {
			loc, off = l, at
			continue
		}
		c.cancelUpload(loc)
		if loc, _, err = c.startUpload(ctx, ref, "", ""); err != nil {
			return nil, err
		}
		off = 0
	}
	return loc, nil
}

// cancelUpload drops an upload that will not be finished; a registry
// that does not answer drops it in time itself.
func (c *Client) cancelUpload(loc *url.URL) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if req, err := http.NewRequest(http.MethodDelete, loc.String(), nil); err == nil {
		if resp, err := c.do(ctx, req); err == nil {
			resp.Body.Close()
		}
	}
}

// startUpload opens an upload session in ref, or with from, asks the
// registry to mount the blob from that repository instead: mounted says
// it did, and then there is no session.
func (c *Client) startUpload(ctx context.Context, ref registry.Reference, d digest.Digest, from string) (loc *url.URL, mounted bool, err error) {
	u := fmt.Sprintf("%s/v2/%s/blobs/uploads/", c.baseURL(), ref.Repository)
	if from != "" && d != "" {
		u += "?" + url.Values{"mount": {d.String()}, "from": {from}}.Encode()
	}
	req, err := http.NewRequest(http.MethodPost, u, nil)
	if err != nil {
		return nil, false, err
	}
	resp, err := c.do(ctx, req)
	if err != nil {
		return nil, false, err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusCreated:
		return nil, true, nil
	case http.StatusAccepted:
		loc, err := c.location(resp)
		return loc, false, err
	}
	return nil, false, responseError(resp)
}

// mount asks the registry to mount d from another repository into ref.
// A registry that cannot opens an upload instead, which is dropped.
func (c *Client) mount(ctx context.Context, ref registry.Reference, d digest.Digest, from string) (bool, error) {
	loc, mounted, err := c.startUpload(ctx, ref, d, from)
	if err != nil || mounted {
		return mounted, err
	}
	c.cancelUpload(loc)
	return false, nil
}

// patch sends bytes off to end of src to the upload at loc and returns
// where the upload goes on.
func (c *Client) patch(ctx context.Context, loc *url.URL, src io.ReaderAt, off, end int64, progress func(int64)) (*url.URL, error) {
	body := func() io.Reader {
		r := &meter.Reader{R: io.NewSectionReader(src, off, end-off)}
		if progress != nil {
			r.Add = func(int64) { progress(off + r.N) }
		}
		return r
	}
	req, err := http.NewRequest(http.MethodPatch, loc.String(), body())
	if err != nil {
		return nil, err
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(body()), nil }
	req.ContentLength = end - off
	req.Header.Set("Content-Type", "application/octet-stream")
	req.Header.Set("Content-Range", fmt.Sprintf("%d-%d", off, end-1))
	resp, err := c.do(ctx, req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusAccepted {
		return nil, responseError(resp)
	}
	return c.location(resp)
}

// uploadStatus asks how many bytes the upload at loc holds. A registry
// says "0-0" both for none and for one byte (distribution does): that is
// reported as 0, and the caller starts again.
func (c *Client) uploadStatus(ctx context.Context, loc *url.URL) (int64, *url.URL, error) {
	req, err := http.NewRequest(http.MethodGet, loc.String(), nil)
	if err != nil {
		return 0, nil, err
	}
	resp, err := c.do(ctx, req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return 0, nil, responseError(resp)
	}
	next, err := c.location(resp)
	if err != nil {
		next = loc
	}
	_, last, ok := strings.Cut(resp.Header.Get("Range"), "-")
	if !ok {
		return 0, next, nil
	}
	n, err := strconv.ParseInt(last, 10, 64)
	if err != nil {
		return 0, nil, fmt.Errorf("the registry says the upload stands at %q", resp.Header.Get("Range"))
	}
	if n == 0 {
		return 0, next, nil
	}
	return n + 1, next, nil
}

// finishUpload closes the upload at loc as the blob d.
func (c *Client) finishUpload(ctx context.Context, loc *url.URL, d digest.Digest) error {
	q := loc.Query()
	q.Set("digest", d.String())
	u := *loc
	u.RawQuery = q.Encode()
	req, err := http.NewRequest(http.MethodPut, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := c.do(ctx, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		return responseError(resp)
	}
	return nil
}

// location is the upload URL a response names, which must stay on the
// registry's host and scheme: credentials go with it.
func (c *Client) location(resp *http.Response) (*url.URL, error) {
	loc, err := resp.Location()
	if err != nil {
		return nil, fmt.Errorf("the registry named no upload location: %w", err)
	}
	base, _ := url.Parse(c.baseURL())
	if !strings.EqualFold(loc.Hostname(), base.Hostname()) || port(loc) != port(base) || loc.Scheme != base.Scheme {
		return nil, fmt.Errorf("the registry sent the upload to %s://%s, not to itself (%s)", loc.Scheme, loc.Host, base.Host)
	}
	return loc, nil
}

// port is u's port, the scheme's default when it names none: a registry
// at host:443 may name its uploads at host.
func port(u *url.URL) string {
	switch {
	case u.Port() != "":
		return u.Port()
	case u.Scheme == "https":
		return "443"
	}
	return "80"
}
