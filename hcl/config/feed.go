package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
)

// FeedOCI is the type of a feed on an OCI registry, the only type there
// is so far.
const FeedOCI = "oci"

var feedTypes = []string{FeedOCI}

// Feed is a `feed` block: a registry that packages are resolved from when
// a release is created. Credentials are never part of it: they come from
// the Docker config and its credential helpers.
type Feed struct {
	Name string
	Type string
	// URL is the url as written, without a trailing slash; Host and Path
	// are its parts (see ParseOCIURL). All three are empty when the url
	// is not valid.
	URL       string
	Host      string
	Path      string
	PlainHTTP bool
	// PublishImports says that import puts the packages of every bundle
	// it imports on this feed, for deployments in this zone to pull.
	PublishImports bool
	Description    string
	URLRange       hcl.Range
	DeclRange      hcl.Range
}

// StoreBlock is the `store` block: the Space's own package store lives
// on a registry rather than only in each clone's .zonectl/store.
type StoreBlock struct {
	// URL, Host and Path are as in Feed.
	URL       string
	Host      string
	Path      string
	PlainHTTP bool
	URLRange  hcl.Range
	DeclRange hcl.Range
}

var feedSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "type", Required: true},
		{Name: "url", Required: true},
		{Name: "plain_http"},
		{Name: "publish_imports"},
		{Name: "description"},
	},
}

var storeSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "url", Required: true},
		{Name: "plain_http"},
	},
}

func decodeFeed(d *decoder, b *hcl.Block) *Feed {
	content, diags := b.Body.Content(feedSchema)
	d.add(diags)
	f := &Feed{
		Name:           b.Labels[0],
		Description:    d.str(content.Attributes, "description"),
		PlainHTTP:      d.boolean(content.Attributes, "plain_http", false),
		PublishImports: d.boolean(content.Attributes, "publish_imports", false),
		DeclRange:      b.DefRange,
	}
	if t, ok := d.requiredStr(content.Attributes, "type", b); ok {
		f.Type = t.Name
		if t.Name != FeedOCI {
			d.errorf(t.Range, "Unsupported feed type", "Feed %q is of type %q, which zonectl does not support; the supported types are %s (a registry that speaks the OCI distribution API, such as Harbor, Zot, GitLab, GitHub or distribution).%s", f.Name, t.Name, quoteList(feedTypes), didYouMean(t.Name, feedTypes))
		}
	}
	f.URL, f.Host, f.Path, f.URLRange = d.ociURL(content.Attributes, b, "Invalid feed URL")
	return f
}

func decodeStore(d *decoder, b *hcl.Block) *StoreBlock {
	content, diags := b.Body.Content(storeSchema)
	d.add(diags)
	st := &StoreBlock{
		PlainHTTP: d.boolean(content.Attributes, "plain_http", false),
		DeclRange: b.DefRange,
	}
	st.URL, st.Host, st.Path, st.URLRange = d.ociURL(content.Attributes, b, "Invalid store URL")
	return st
}

// ociURL decodes the required url attribute of b and checks it with
// ParseOCIURL. A url that holds credentials is reported with its subject
// marked sensitive, so that the source line shown beside it is masked.
func (d *decoder) ociURL(attrs hcl.Attributes, b *hcl.Block, summary string) (written, host, path string, rng hcl.Range) {
	r, ok := d.requiredStr(attrs, "url", b)
	rng = r.Range
	if !ok {
		return "", "", "", rng
	}
	host, path, err := ParseOCIURL(r.Name)
	if err != nil {
		diag := &hcl.Diagnostic{Severity: hcl.DiagError, Summary: summary, Detail: fmt.Sprintf("%s.", err), Subject: &rng}
		if errors.As(err, new(*credentialsError)) {
			diag.Extra = SensitiveSubject{}
		}
		d.diags = append(d.diags, diag)
		return "", "", "", rng
	}
	return strings.TrimSuffix(r.Name, "/"), host, path, rng
}
