package registry

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"oras.land/oras-go/v2/registry/remote"
	"oras.land/oras-go/v2/registry/remote/errcode"
)

// Tags lists the tags of package id's repository; none when it has no
// repository yet.
func (c *Client) Tags(ctx context.Context, id string) ([]string, error) {
	repo, ref := c.repository(id)
	var tags []string
	err := repo.Tags(ctx, "", func(page []string) error {
		tags = append(tags, page...)
		return nil
	})
	var resp *errcode.ErrorResponse
	if errors.Is(err, ErrNotFound) || errors.As(err, &resp) && resp.StatusCode == http.StatusNotFound {
		return nil, nil // no repository yet
	}
	return tags, c.fail(fmt.Sprintf("list the tags of %s", ref), err)
}

// Packages lists the package IDs under the location: the repositories
// one level below its path, from the registry's catalog.
func (c *Client) Packages(ctx context.Context) ([]string, error) {
	reg, err := remote.NewRegistry(c.loc.Host)
	if err != nil {
		return nil, err
	}
	reg.Client, reg.PlainHTTP = c.auth, c.loc.PlainHTTP
	prefix := ""
	if c.loc.Path != "" {
		prefix = c.loc.Path + "/"
	}
	var ids []string
	err = reg.Repositories(ctx, "", func(page []string) error {
		for _, r := range page {
			if id, ok := strings.CutPrefix(r, prefix); ok && id != "" && !strings.Contains(id, "/") {
				ids = append(ids, id)
			}
		}
		return nil
	})
	return ids, c.fail("list the packages", err)
}
