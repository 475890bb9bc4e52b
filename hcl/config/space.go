package config

import (
	"github.com/hashicorp/hcl/v2"
)

// SpaceBlock is the `space` block: the Space's own name. Its public key is
// committed at keys/<name>.asc.
type SpaceBlock struct {
	Name        string
	Description string
	DeclRange   hcl.Range
}

var spaceSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{{Name: "description"}},
}

func decodeSpace(d *decoder, b *hcl.Block) *SpaceBlock {
	content, diags := b.Body.Content(spaceSchema)
	d.add(diags)
	return &SpaceBlock{
		Name:        b.Labels[0],
		Description: d.str(content.Attributes, "description"),
		DeclRange:   b.DefRange,
	}
}

// What a peer may send this Space.
const (
	AcceptReleases = "releases"
	AcceptReceipts = "receipts"
)

// Peer is a `peer` block: another Space this one trusts for what Accepts
// lists.
type Peer struct {
	Name           string
	PublicKey      string
	PublicKeyRange hcl.Range
	URL            string
	Accepts        []Ref
	DeclRange      hcl.Range
}

// AcceptsKind reports whether the peer is trusted for kind (AcceptReleases
// or AcceptReceipts).
func (p *Peer) AcceptsKind(kind string) bool {
	for _, a := range p.Accepts {
		if a.Name == kind {
			return true
		}
	}
	return false
}

var peerSchema = &hcl.BodySchema{
	Attributes: []hcl.AttributeSchema{
		{Name: "public_key", Required: true},
		{Name: "url"},
		{Name: "accepts", Required: true},
	},
}

func decodePeer(d *decoder, b *hcl.Block) *Peer {
	content, diags := b.Body.Content(peerSchema)
	d.add(diags)
	p := &Peer{Name: b.Labels[0], DeclRange: b.DefRange}
	if key, ok := d.requiredStr(content.Attributes, "public_key", b); ok {
		p.PublicKey, p.PublicKeyRange = key.Name, key.Range
	}
	p.URL = d.str(content.Attributes, "url")
	before := len(d.diags)
	p.Accepts = d.refs(content.Attributes, "accepts")
	if attr, ok := content.Attributes["accepts"]; ok && len(p.Accepts) == 0 && len(d.diags) == before {
		d.errorf(attr.Expr.Range(), "Empty \"accepts\"", "Peer %q must accept \"releases\", \"receipts\" or both; a peer trusted for nothing has no reason to be here.", p.Name)
	}
	for _, a := range p.Accepts {
		if a.Name != AcceptReleases && a.Name != AcceptReceipts {
			d.errorf(a.Range, "Invalid \"accepts\" value", "Peer %q accepts %q; the valid values are \"releases\" and \"receipts\".%s", p.Name, a.Name, didYouMean(a.Name, []string{AcceptReleases, AcceptReceipts}))
		}
	}
	return p
}
