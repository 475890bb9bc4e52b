// Package ctxio makes long copies stop with their context: a reader that
// fails once the context is done, checked between two reads. It owns
// nothing else; the packages that copy gigabytes (extracting, compressing,
// importing) share it.
package ctxio

import (
	"context"
	"io"
)

// NewReader returns a reader of r whose reads fail with ctx's error once
// ctx is done. A read already blocked in r is not interrupted.
func NewReader(ctx context.Context, r io.Reader) io.Reader { return &reader{ctx: ctx, r: r} }

type reader struct {
	ctx context.Context
	r   io.Reader
}

func (c *reader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
