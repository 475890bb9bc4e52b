package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	ocispec "github.com/opencontainers/image-spec/specs-go/v1"
)

// fetchAttempts bounds how often a download that broke off is resumed.
const fetchAttempts = 5

// Fetch opens the bytes of blob in package id's repository. The reader
// resumes a download that breaks off (with a range request) up to a few
// times; the caller checks the bytes against blob's digest and size, as
// the package store does with everything that arrives by hash.
func (c *Client) Fetch(ctx context.Context, id string, blob ocispec.Descriptor) (io.ReadCloser, error) {
	repo, ref := c.repository(id)
	rc, err := repo.Blobs().Fetch(ctx, blob)
	if err != nil {
		return nil, c.fail(fmt.Sprintf("fetch %s@%s", ref, blob.Digest), err)
	}
	return &resumer{ctx: ctx, c: c, what: fmt.Sprintf("fetch %s@%s", ref, blob.Digest), rc: rc, size: blob.Size}, nil
}

// resumer reads a blob, seeking back to where it broke off after a read
// error when the registry serves ranges.
type resumer struct {
	ctx   context.Context
	c     *Client
	what  string
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

// resume seeks the download back to where it stands, after cause.
func (r *resumer) resume(cause error) error {
	s, ok := r.rc.(io.Seeker)
	r.tries++
	if !ok || r.tries > fetchAttempts || r.ctx.Err() != nil {
		return r.c.fail(r.what, fmt.Errorf("after %d bytes: %w", r.n, cause))
	}
	select {
	case <-time.After(time.Duration(r.tries) * 200 * time.Millisecond):
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	if _, err := s.Seek(r.n, io.SeekStart); err != nil {
		return r.c.fail(r.what, errors.Join(cause, err))
	}
	return nil
}

func (r *resumer) Close() error { return r.rc.Close() }
